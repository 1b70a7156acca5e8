// `--trl-config FILE`: a TRL config (the YAML `trl dpo --config` reads, or a saved training_args JSON) mapped to
// the TRL catalogue entry it trains, with its values as the entry's params. Options that have no per-pair
// meaning are refused with the reason (E_UNSUPPORTED at --trl-config, naming the option), never approximated.
import { TRL_CATALOGUE } from './catalogue/index.js';
import { configFor, type TrlEntry, type TrlTrainer } from './catalogue/trl/binding.js';
import { DIVERGENCES, type Divergence, dpoEntryFor, takesDivergence } from './catalogue/trl/dpo.js';
import { mixtureEntry, weightName } from './catalogue/trl/mixture.js';
import { checkLoss } from './check.js';
import { checkDomains } from './domain.js';
import { readTextFile } from './files.js';
import { fromCatalogue, parseYamlText } from './source.js';
import type { LossSpec } from './types.js';
import { type Result, fail, ok } from '../errors.js';

export interface TrlMapping {
  readonly entry: TrlEntry;
  readonly trainer: TrlTrainer;
  /** The entry's params as the config sets them (TRL's default where it is silent). */
  readonly params: Readonly<Record<string, number>>;
  /** What marginlab read the config as, for every output to say. */
  readonly said: string;
}

type Config = Readonly<Record<string, unknown>>;
const CPO_KEYS = ['cpo_alpha', 'simpo_gamma', 'alpha'];
const KTO_KEYS = ['desirable_weight', 'undesirable_weight'];
const KTO_TYPES = ['kto', 'apo_zero_unpaired'];
// BCOConfig's own options all belong to distribution matching, which only BCOTrainer(embedding_func=…) turns on:
// they mark the config as BCO's and change nothing in the loss a config alone trains.
const BCO_KEYS = ['prompt_sample_size', 'min_density_ratio', 'max_density_ratio'];

const refuse = (option: string, message: string, hint?: string): Result<never> =>
  fail({ code: 'E_UNSUPPORTED', message, at: { slot: '--trl-config', symbol: option }, ...(hint ? { hint } : {}) });

/** Which trainer's config this is: BCO's, KTO's and CPO's own options (or KTO's loss types) mark theirs; otherwise it is read as DPOConfig. */
function trainerOf(c: Config): TrlTrainer {
  if (BCO_KEYS.some((k) => k in c)) return 'bco';
  if (KTO_KEYS.some((k) => k in c) || KTO_TYPES.includes(String(c.loss_type))) return 'kto';
  if (CPO_KEYS.some((k) => k in c)) return 'cpo';
  return 'dpo';
}

const batchSize = (c: Config): number => typeof c.per_device_train_batch_size === 'number' ? c.per_device_train_batch_size : 8; // TrainingArguments' default

/** Map a parsed config to the entry it trains. `orpo` says the file is an ORPOConfig (it has no option of its own to mark it). */
export function mapTrlConfig(c: unknown, o: { orpo?: boolean } = {}): Result<TrlMapping> {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return refuse('', 'a TRL config is a mapping of option names to values');
  const cfg = c as Config;
  const trainer = o.orpo ? 'orpo' : trainerOf(cfg);
  let entry: TrlEntry | undefined;
  let said: string;
  /** A loss-type list's loss_weights, as the mixture's params w_1 … w_n. */
  const mixtureWeights: Record<string, number> = {};
  if (trainer === 'dpo') {
    const types = cfg.loss_type === undefined ? ['sigmoid'] : Array.isArray(cfg.loss_type) ? cfg.loss_type : [cfg.loss_type];
    if (cfg.ld_alpha !== undefined && cfg.ld_alpha !== null) return refuse('ld_alpha', 'ld_alpha (LD-DPO) down-weights the tokens past the shorter completion: the loss then depends on per-token log-probabilities, not on logp_w and logp_l');
    if (cfg.use_weighting === true) return refuse('use_weighting', 'use_weighting (WPO) multiplies each pair\'s loss by detached weights from the batch\'s logits (the mean token probability under a sharpened policy): no function of logp_w and logp_l');
    const f = (cfg.f_divergence_type ?? 'reverse_kl') as Divergence;
    if (!DIVERGENCES.includes(f)) return refuse('f_divergence_type', `f_divergence_type '${String(f)}' is not one of TRL's: ${DIVERGENCES.join(', ')}`);
    // TRL's aot_unpaired is aot with one pair per batch (the entry's note says why); messages keep the user's name.
    const named = types.map((x) => (String(x) === 'aot_unpaired' ? 'aot' : String(x)));
    for (const [i, x] of types.entries()) {
      const t = String(x);
      if ((t === 'aot' || t === 'aot_unpaired' || t === 'sft') && batchSize(cfg) > 1) {
        return refuse('loss_type', t === 'sft'
          ? `sft pools the chosen NLL over the batch (total NLL over total tokens): with per_device_train_batch_size = ${batchSize(cfg)} a pair's weight depends on the other pairs' lengths`
          : `${t} sorts the margins of the batch before pairing them: with per_device_train_batch_size = ${batchSize(cfg)} a pair's loss depends on the other pairs`, 'with per_device_train_batch_size: 1 it is a per-pair loss');
      }
      if (f !== 'reverse_kl' && !takesDivergence(named[i])) return refuse('f_divergence_type', `TRL takes f_divergence_type=${f} only with sigmoid, sigmoid_norm, hinge, ipo, exo_pair, robust, discopop and sft; not with ${t}`);
      if (t === 'exo_pair' && (cfg.label_smoothing ?? 0) === 0) return refuse('label_smoothing', 'exo_pair needs label_smoothing > 0 (TRL refuses 0; the EXO paper recommends 1e-3)');
      if (!dpoEntryFor(named[i], f)) return refuse('loss_type', `'${t}' is not a DPOTrainer loss_type TRL 1.13 knows`);
    }
    if (types.length === 1) {
      entry = dpoEntryFor(named[0], f)!;
      said = `DPOConfig, loss_type=${String(types[0])}${f === 'reverse_kl' ? '' : `, f_divergence_type=${f}`}`;
    } else {
      const w = cfg.loss_weights;
      if (w !== undefined && w !== null && (!Array.isArray(w) || w.length !== types.length || w.some((x) => typeof x !== 'number' || !Number.isFinite(x)))) {
        return refuse('loss_weights', `loss_weights must be ${types.length} numbers, one per loss_type (${types.join(', ')}), not ${JSON.stringify(w)}`);
      }
      const weights = (w ?? types.map(() => 1)) as number[];
      entry = mixtureEntry(named, f, weights);
      if (!entry) return refuse('loss_type', `loss_type [${types.join(', ')}] is no mixture of DPOTrainer loss types marginlab can write`);
      weights.forEach((x, i) => { mixtureWeights[weightName(i)] = x; });
      said = `DPOConfig, loss_type=[${types.join(', ')}], loss_weights=[${weights.join(', ')}]${f === 'reverse_kl' ? '' : `, f_divergence_type=${f}`}`;
    }
  } else if (trainer === 'cpo') {
    const alpha = typeof cfg.alpha === 'number' ? cfg.alpha : 0;
    let t = String(cfg.loss_type ?? 'sigmoid');
    if (t === 'simpo' && alpha !== 0 && (cfg.cpo_alpha ?? 1) === 0) t = 'alphapo';
    if (alpha !== 0 && t !== 'alphapo') return refuse('alpha', `alpha = ${alpha} (AlphaPO's reward) with loss_type=${t}${t === 'simpo' ? ' and cpo_alpha ≠ 0' : ''}: only loss_type=alphapo (simpo with cpo_alpha = 0) is in the catalogue`);
    entry = TRL_CATALOGUE.find((e) => e.id === `trl/cpo:${t}`);
    if (!entry) return refuse('loss_type', `'${t}' is not a CPOTrainer loss_type TRL 1.13 knows`);
    said = `CPOConfig, loss_type=${t}`;
  } else if (trainer === 'kto') {
    const t = String(cfg.loss_type ?? 'kto');
    if (!KTO_TYPES.includes(t)) return refuse('loss_type', `'${t}' is not a KTOTrainer loss_type TRL 1.13 knows (${KTO_TYPES.join(', ')})`);
    entry = TRL_CATALOGUE.find((e) => e.id === `trl/kto:${t}`)!;
    // The batch's KL estimate is no option: the entry takes it as z_ref, and the reader is told so.
    said = `KTOConfig, loss_type=${t}${t === 'kto' ? ' (z_ref is the batch\'s KL estimate: give it with --at z_ref=…)' : ''}`;
  } else if (trainer === 'bco') {
    if (cfg.loss_type !== undefined) return refuse('loss_type', `BCOConfig has no loss_type, but this config sets loss_type=${JSON.stringify(cfg.loss_type)} beside BCO's own ${BCO_KEYS.filter((k) => k in cfg).join(', ')}: it is no one trainer's config`);
    entry = TRL_CATALOGUE.find((e) => e.id === 'trl/bco')!;
    said = 'BCOConfig without distribution matching (delta is the running reward mean: give it with --param delta=…)';
  } else {
    entry = TRL_CATALOGUE.find((e) => e.id === 'trl/orpo')!;
    said = 'ORPOConfig';
  }
  const params: Record<string, number> = { ...mixtureWeights };
  for (const k of entry.trl.options) {
    const v = cfg[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) return refuse(k, `${k} must be a number, not ${JSON.stringify(v)}`);
    params[k] = v;
  }
  const inRange = checkDomains(params, entry.params, { slot: '--trl-config', code: 'E_PARAM' });
  if (!inRange.ok) return inRange;
  return ok({ entry, trainer, params, said: `read as ${said}: ${entry.id}${Object.keys(params).length ? ` with ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(', ')}` : ''}` });
}

/** The config that trains the mapping again (for tests and the callback). mapTrlConfig reads it back to the same
 * entry, except for ORPO and BCO, whose configs need no option of their own: given alone, they read as DPOConfig. */
export const configOf = (m: TrlMapping): Record<string, unknown> => configFor(m.entry, m.params);

/** Read a config file (YAML, or JSON, which YAML reads too), map it, and give the loss it trains, saying so in its notes. */
export async function loadTrlConfig(path: string): Promise<Result<LossSpec>> {
  const text = readTextFile(path, { what: 'TRL config' });
  if (!text.ok) return text;
  const parsed = await parseYamlText(text.value, path);
  if (!parsed.ok) return parsed;
  const m = mapTrlConfig(parsed.value);
  if (!m.ok) return { ok: false, errors: m.errors.map((e) => ({ ...e, at: { ...e.at, file: path } })) };
  const src = fromCatalogue(m.value.entry);
  const params = Object.fromEntries(Object.entries(src.params).map(([k, p]) =>
    [k, k in m.value.params ? { ...p, default: m.value.params[k], source: path } : p]));
  return checkLoss({ ...src, params, origin: path, notes: [`--trl-config ${path} ${m.value.said}.`, ...(src.notes ?? [])] });
}
