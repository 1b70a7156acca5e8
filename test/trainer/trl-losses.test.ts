// The TRL family against TRL's own code: for every entry, TRL 1.13's real trainer (DPOTrainer, CPOTrainer,
// ORPOTrainer, KTOTrainer, BCOTrainer), given the entry's config at random points, runs its own loss code, and autograd of that loss
// with respect to the sequence log-probabilities (test/trainer/fixtures/trl_loss_grads.py) gives d_w and d_l;
// marginlab's derivation of the entry must agree at each point to 1e-6 relative (1e-4 where TRL computes in
// float32). Needs .venv-hf with trl (bash scripts/test-all.sh makes it); never skipped: without it this fails
// and says how to get it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRL_CATALOGUE } from '../../src/loss/catalogue/index.js';
import { configFor, type TrlEntry } from '../../src/loss/catalogue/trl/binding.js';
import { mixtureEntry } from '../../src/loss/catalogue/trl/mixture.js';
import { checkLoss } from '../../src/loss/check.js';
import { fromCatalogue } from '../../src/loss/file.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { compileDerivation, completePoint, evaluateAt } from '../../src/symbolic/point.js';
import { makeRng } from '../../src/util/prng.js';

const HF_PYTHON = process.env.MARGINLAB_HF_PYTHON ?? resolve('.venv-hf/bin/python');
const BRIDGE = resolve('test/trainer/fixtures/trl_loss_grads.py');
const SEED = Number(process.env.FC_SEED ?? 20261127);
const POINTS = 50;

interface Drawn { prompt?: number; z_ref?: number; logp_w: number; logp_l: number; c_ref_w: number; c_ref_l: number; len_w: number; len_l: number; params: Record<string, number> }
type Answer = { L: number; d_w: number; d_l: number };

function draw(e: TrlEntry, seed: number): Drawn[] {
  const rng = makeRng(seed);
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.next();
  return Array.from({ length: POINTS }, () => {
    const logp_w = u(-25, -1), logp_l = u(-25, -1);
    const params = Object.fromEntries(Object.entries(e.params).map(([k, p]) => {
      const [lo, hi] = p.range ?? [1e-3, 1e3];
      return [k, k === 'prompt_tokens' ? rng.int(0, 6) : u(lo, hi)];
    }));
    return { ...(params.prompt_tokens !== undefined ? { prompt: params.prompt_tokens + 1 } : {}), logp_w, logp_l, c_ref_w: Math.min(logp_w + u(-3, 3), -0.05), c_ref_l: Math.min(logp_l + u(-3, 3), -0.05),
      len_w: rng.int(1, 12), len_l: rng.int(1, 12),
      // KTO's reference point: TRL's kl, clamped at 0, so 0 itself is drawn too.
      ...(e.trl.trainer === 'kto' ? { z_ref: rng.next() < 0.2 ? 0 : u(0, 3) } : {}), params };
  });
}

// Relative, with an absolute floor: 1e-13 in float64 (exact zeros such as sft's d_l); 1e-6 where TRL computes in
// float32, whose rounding of the O(1) terms a small weight is the difference of leaves about that much.
const close = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + (rel > 1e-6 ? 1e-6 : 1e-13);

/** The part of TRL's L that no per-pair form has: ORPO's NLL over the prompt, whose tokens the bridge scores log 1/2. */
const promptPart = (p: Drawn) => p.prompt === undefined ? 0 : (p.prompt - 1) * Math.LN2 / (p.prompt - 1 + p.len_w);

/** Loss-type lists with loss_weights (catalogue/trl/mixture.ts): MPO, and mixtures across divergences and float32 terms. */
const MIXTURES: readonly TrlEntry[] = [
  mixtureEntry(['sigmoid', 'bco_pair', 'sft'], 'reverse_kl', [0.8, 0.2, 1]),
  mixtureEntry(['sigmoid', 'ipo'], 'reverse_kl'),
  mixtureEntry(['hinge', 'sft'], 'js_divergence', [0.5, 2]),
  mixtureEntry(['robust', 'exo_pair', 'apo_zero'], 'reverse_kl', [1, 0.3, 0.7]),
].map((e) => e!);
const ENTRIES = [...TRL_CATALOGUE, ...MIXTURES];

let answers = new Map<string, Answer[]>();
const drawn = new Map<string, Drawn[]>();

beforeAll(() => {
  const r = existsSync(HF_PYTHON) ? spawnSync(HF_PYTHON, ['-c', 'import trl, accelerate, datasets; assert trl.__version__ == "1.13.0", trl.__version__'], { encoding: 'utf8' }) : null;
  if (!r || r.status !== 0) {
    throw new Error(`the TRL tests need trl 1.13.0, accelerate and datasets in ${HF_PYTHON} (MARGINLAB_HF_PYTHON overrides); ` +
      `bash scripts/test-all.sh makes .venv-hf. ${r?.stderr ?? 'not found'}`);
  }
  const cases = ENTRIES.map((e, i) => {
    const points = draw(e, SEED + i);
    drawn.set(e.id, points);
    return { id: e.id, trainer: e.trl.trainer, config: configFor(e, {}),
      // Each point's params as the config spells them (a mixture's w_1 … w_n are its loss_weights).
      // ORPO's prompt_tokens and BCO's delta are no config options: the bridge takes the prompt's length and δ.
      points: points.map(({ params: { prompt_tokens: _, delta, ...params }, ...p }) => ({ ...p, ...(delta === undefined ? {} : { delta }), params: configFor(e, params) })), dtype: e.trl.float32 ? 'float32' : 'float64' };
  });
  const run = spawnSync(HF_PYTHON, [BRIDGE], { input: JSON.stringify({ cases }), encoding: 'utf8', maxBuffer: 1 << 26, timeout: 600_000 });
  if (run.status !== 0) throw new Error(`trl_loss_grads.py failed: ${run.stderr.slice(-3000)}`);
  const out = JSON.parse(run.stdout) as { results: { id: string; values: Answer[] }[]; trl: string };
  expect(out.trl).toBe('1.13.0');
  answers = new Map(out.results.map((x) => [x.id, x.values]));
}, 900_000);

describe(`the TRL family agrees with TRL 1.13's own loss code (seed ${SEED})`, () => {
  it('covers every DPOTrainer loss type, each f-divergence where TRL takes one, the CPO trainer, ORPO, KTO and BCO', () => {
    const ids = TRL_CATALOGUE.map((e) => e.id);
    for (const t of ['sigmoid', 'hinge', 'ipo', 'exo_pair', 'nca_pair', 'robust', 'bco_pair', 'sppo_hard', 'aot', 'apo_zero', 'apo_down', 'discopop', 'sigmoid_norm', 'sft']) {
      expect(ids).toContain(`trl/dpo:${t}`);
    }
    for (const f of ['forward_kl', 'js_divergence', 'alpha_divergence']) {
      for (const t of ['sigmoid', 'hinge', 'ipo', 'exo_pair', 'robust', 'discopop', 'sigmoid_norm']) expect(ids).toContain(`trl/dpo:${t}@${f}`);
    }
    for (const t of ['sigmoid', 'hinge', 'ipo', 'simpo', 'alphapo']) expect(ids).toContain(`trl/cpo:${t}`);
    expect(ids).toContain('trl/orpo');
    for (const t of ['kto', 'apo_zero_unpaired']) expect(ids).toContain(`trl/kto:${t}`);
    expect(ids).toContain('trl/bco');
  });

  for (const e of ENTRIES) {
    it(`${e.id}: L, d_w and d_l at ${POINTS} random points`, () => {
      const r = checkLoss(fromCatalogue(e));
      if (!r.ok) throw new Error(r.errors[0].message);
      const c = compileDerivation(mustDerive(r.value));
      const rel = e.trl.float32 ? 1e-4 : 1e-6;
      const got = answers.get(e.id)!;
      expect(got).toHaveLength(POINTS);
      let compared = 0;
      drawn.get(e.id)!.forEach((p, i) => {
        const { params, prompt: _, ...at } = p;
        const point = completePoint(c.derivation, { ...at, ...params });
        if (!point.ok) throw new Error(`${e.id} point ${i}: ${point.errors[0].message}`);
        const ev = evaluateAt(c, point.value, ['dW', 'dL']);
        if (!ev.ok) throw new Error(`${e.id} point ${i} (${JSON.stringify(p)}): ${ev.errors[0].message}`);
        const t = got[i];
        const where = `${e.id} at ${JSON.stringify(p)} (seed ${SEED}): marginlab d_w=${ev.value.dW}, d_l=${ev.value.dL}, L=${ev.value.L}; TRL d_w=${t.d_w}, d_l=${t.d_l}, L=${t.L}`;
        expect(close(ev.value.dW, t.d_w, rel), where).toBe(true);
        expect(close(ev.value.dL, t.d_l, rel), where).toBe(true);
        expect(close(ev.value.L + promptPart(p), t.L, rel), where).toBe(true);
        compared++;
      });
      expect(compared).toBe(POINTS);
    });
  }
});
