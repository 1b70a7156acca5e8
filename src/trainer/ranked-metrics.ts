// A logged step of a loss over K ranked responses as a metrics.jsonl row, and the run's agreement per response.
// For each prompt marginlab evaluates its own d_1 … d_K at the logged point (symbolic/ranked.ts) and predicts
// each response's move from them and the trainer's Gram matrix, sign(η(G·d)_k), certified (symbolic/gram.ts):
// independent of the trainer's own prediction, as predict.ts is for pairs.

import { rankedName, logpName } from '../loss/ranked.js';
import { rankedStep } from '../symbolic/gram.js';
import { type CompiledRanked, completeRankedPoint, evaluateRanked } from '../symbolic/ranked.js';
import { agrees } from './predict.js';
import { relErr } from './checksum.js';
import type { RankedPrompt, RankedStepEvent } from './protocol/schema.js';
import type { TrainerError } from './errors.js';

export interface RankedPromptRow extends RankedPrompt {
  /** marginlab's d_k at the logged point, or null where it cannot evaluate the loss there. */
  readonly ml_d: readonly number[] | null;
  /** marginlab's predicted move per response: +1, −1, 0, or null where float64 cannot certify it. */
  readonly ml_pred_sign: readonly (number | null)[] | null;
  /** Per response: does the trainer's predicted sign match the observed change (an exact 0 matches either)? */
  readonly agree: readonly boolean[];
}

export interface RankedRow {
  readonly step: number;
  readonly loss: number;
  readonly responses: number;
  /** Batch means of log π_k and d_k, response 1 first. */
  readonly logp: readonly number[];
  readonly d: readonly number[];
  readonly obs_batch: readonly number[] | null;
  readonly gram: string | null;
  readonly prompts: readonly RankedPromptRow[];
}

const means = (rows: readonly (readonly number[])[]): number[] => rows[0].map((_, k) => rows.reduce((s, r) => s + r[k], 0) / rows.length);

export function rankedRow(e: RankedStepEvent, c: CompiledRanked): RankedRow {
  const K = e.responses;
  const prompts = e.prompts.map((p): RankedPromptRow => {
    const given: Record<string, number> = {};
    for (let k = 1; k <= K; k++) {
      given[logpName(k)] = p.logp[k - 1];
      given[rankedName('c_ref', k)] = p.c_ref[k - 1];
      given[rankedName('len', k)] = p.len[k - 1];
    }
    const pt = completeRankedPoint(c.derivation, given, { outsideDomain: true }); // measured values, not a user's claim
    const ev = pt.ok ? evaluateRanked(c, pt.value) : undefined;
    const ml = ev?.ok ? ev.value : undefined;
    const moves = ml ? rankedStep(ml.certified, p.gram_matrix).moves : undefined;
    return { ...p, ml_d: ml ? ml.d : null,
      ml_pred_sign: moves ? moves.map((m) => (m === 'up' ? 1 : m === 'down' ? -1 : m === 'unchanged' ? 0 : null)) : null,
      agree: p.pred_sign.map((s, k) => agrees(s, p.obs[k])) };
  });
  return { step: e.step, loss: e.loss, responses: K, logp: means(e.prompts.map((p) => p.logp)), d: means(e.prompts.map((p) => p.d)),
    obs_batch: e.obs_batch ?? null, gram: e.gram ?? null, prompts };
}

/** The first logged step's d_k against marginlab's, prompt by prompt (the ranked counterpart of checkFirstBatch). */
export function checkRankedWeights(row: RankedRow, tol: number): { maxRelErr: number; n: number } | TrainerError {
  let worst = 0, n = 0;
  for (const p of row.prompts) {
    if (!p.ml_d) continue;
    n++;
    for (let k = 0; k < p.d.length; k++) {
      const err = relErr(p.d[k], p.ml_d[k]);
      worst = Math.max(worst, err);
      if (!(err <= tol)) {
        return { code: 'E_CHECKSUM', message: `on the first batch the trainer's d_${k + 1} = ${p.d[k]}, marginlab derives ${p.ml_d[k]} at logp = [${p.logp.join(', ')}]`,
          hint: 'the PyTorch printer and the symbolic derivation disagree; report it with the loss spec' };
      }
    }
  }
  return { maxRelErr: worst, n };
}

export interface RankedSummary {
  readonly responses: number;
  readonly promptsMeasured: number;
  /** Per response (index 0 is response 1): the share of measured prompts whose predicted sign of Δlogp_k, from
   * the trainer's G and d, matches the observed change of the single-prompt step. */
  readonly agreement: readonly (number | null)[];
  /** The same with marginlab's own d_k and certified sign of (G·d)_k (prompts where it is undecided are left out). */
  readonly marginlabAgreement: readonly (number | null)[];
  /** Every response's sign right at once, per prompt. */
  readonly allAgree: number | null;
  /** The first logged step's d_k against marginlab's derivation. */
  readonly weightCheck: { readonly prompts: number; readonly maxRelErr: number } | null;
}

export function summariseRanked(rows: readonly RankedRow[], weightCheck: RankedSummary['weightCheck']): RankedSummary | null {
  if (!rows.length) return null;
  const K = rows[0].responses;
  const ps = rows.flatMap((r) => r.prompts);
  const rate = (xs: readonly (boolean | null)[]): number | null => {
    const known = xs.filter((x): x is boolean => x !== null);
    return known.length ? known.filter(Boolean).length / known.length : null;
  };
  const ks = Array.from({ length: K }, (_, k) => k);
  return {
    responses: K, promptsMeasured: ps.length,
    agreement: ks.map((k) => rate(ps.map((p) => p.agree[k]))),
    marginlabAgreement: ks.map((k) => rate(ps.map((p) => (p.ml_pred_sign && p.ml_pred_sign[k] !== null ? agrees(p.ml_pred_sign[k]!, p.obs[k]) : null)))),
    allAgree: rate(ps.map((p) => p.agree.every(Boolean))),
    weightCheck,
  };
}
