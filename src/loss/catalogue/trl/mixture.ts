// DPOTrainer's loss-type lists: `loss_type: [t_1, …, t_n]` with `loss_weights: [w_1, …, w_n]` trains
// L = Σ w_i · mean over the batch of loss_i (trl/trainer/dpo_trainer.py, `_compute_loss`, TRL 1.13), so one
// pair's loss is Σ w_i · L_i, every L_i the entry of its loss type under the same f-divergence. A sum of
// eq. (8) losses with different m and h is not one m(h_w − h_l) + Λ, so the mixture is written whole, as L
// (the general form): d_w and d_l are its partial derivatives, and derive says whether it is margin-based.
// MPO is ["sigmoid", "bco_pair", "sft"] with (0.8, 0.2, 1.0).
import type { ParamDecl } from '../../types.js';
import { type TrlEntry, TRL_VERSION } from './binding.js';
import { type Divergence, dpoEntryFor, takesDivergence } from './dpo.js';

/** A weight's param name: `w_1` … `w_n`, in the list's order (TRL's loss_weights are positional). */
export const weightName = (i: number) => `w_${i + 1}`;
const weight = (i: number, t: string, dflt: number): ParamDecl =>
  ({ default: dflt, description: `loss_weights[${i}], the weight of the ${t} term`, source: `TRL ${TRL_VERSION} default (1 each)`, tex: `w_{${i + 1}}`, range: [0, 100] });

/** Every free `a` of a slot replaced by `arg` (the slot language's argument; `a(…)` would be a call, never a name here). */
const at = (slot: string, arg: string) => slot.replace(/(?<![A-Za-z0-9_.])a(?![A-Za-z0-9_(])/g, `(${arg})`);

/** One term's L_i = −(m(h_w(logp_w) − h_l(logp_l)) + Λ(logp_w)), from its entry's slots. */
function termL(e: TrlEntry): string {
  const u = `(${at(e.h_w, 'logp_w')}) - (${at(e.h_l, 'logp_l')})`;
  return `-((${at(e.m, u)}) + (${at(e.Lambda, 'logp_w')}))`;
}

/** Each type's entry under `f`; undefined for a type TRL does not know, or one that takes no divergence but reverse_kl
 * (dpoEntryFor would quietly give its reverse_kl entry). --trl-config says which, before it gets here. */
function mixtureParts(types: readonly string[], f: Divergence): TrlEntry[] | undefined {
  const parts: TrlEntry[] = [];
  for (const t of types) {
    const e = f !== 'reverse_kl' && t !== 'sft' && !takesDivergence(t) ? undefined : dpoEntryFor(t, f);
    if (!e) return undefined;
    parts.push(e);
  }
  return parts;
}

/** The id of a list: `trl/dpo:sigmoid+bco_pair+sft`, with `@divergence` as a single loss type has it. */
export const mixtureId = (types: readonly string[], f: Divergence) => `trl/dpo:${types.join('+')}${f === 'reverse_kl' ? '' : `@${f}`}`;

/** The mixture as one entry, its weights the params w_1 … w_n (default: `weights`, else TRL's 1 each). */
export function mixtureEntry(types: readonly string[], f: Divergence, weights?: readonly number[]): TrlEntry | undefined {
  const parts = mixtureParts(types, f);
  if (!parts || types.length < 2) return undefined;
  const params: Record<string, ParamDecl> = {};
  for (const p of parts) Object.assign(params, p.params);
  types.forEach((t, i) => { params[weightName(i)] = weight(i, t, weights?.[i] ?? 1); });
  const id = mixtureId(types, f);
  return {
    id,
    name: `TRL DPO ${types.join(' + ')}${f === 'reverse_kl' ? '' : `, ${f}`}`,
    inPaper: false,
    citation: parts[0].citation,
    params,
    L: parts.map((p, i) => `${weightName(i)}*(${termL(p)})`).join(' + '),
    m: '0', h_w: '0', h_l: '0', Lambda: '0',
    notes: [`TRL ${TRL_VERSION} DPOTrainer, loss_type=[${types.join(', ')}] with loss_weights=[${types.map((_, i) => weightName(i)).join(', ')}]${f === 'reverse_kl' ? '' : `, f_divergence_type=${f}`}: L = Σ w_i·L_i per pair (TRL averages each term over the batch, then weighs it).`,
      ...parts.map((p) => `${p.id}: ${p.notes?.[1] ?? p.notes?.[0] ?? ''}`)],
    example: `marginlab eval ${id} --at logp_w=-12,logp_l=-15,c_ref_w=-11,c_ref_l=-14,len_w=10,len_l=12`,
    trl: { trainer: 'dpo', select: { loss_type: types.join('+'), f_divergence_type: f }, mixture: types,
      options: Object.keys(params).filter((k) => !/^w_\d+$/.test(k)), ...(parts.some((p) => p.trl.float32) ? { float32: true } : {}) },
  };
}

/** A mixture's entry from its id (`trl/dpo:sigmoid+ipo`, `trl/dpo:hinge+sft@js_divergence`), weights 1 each. */
export function mixtureById(id: string): TrlEntry | undefined {
  const m = /^trl\/dpo:([a-z_]+(?:\+[a-z_]+)+)(?:@([a-z_]+))?$/.exec(id);
  if (!m) return undefined;
  const f = (m[2] ?? 'reverse_kl') as Divergence;
  const e = mixtureEntry(m[1].split('+'), f);
  return e?.id === id ? e : undefined;
}
