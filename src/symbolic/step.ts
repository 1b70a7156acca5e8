// One gradient step at a point, certified: Table 1's case is decided from enclosures of
// Δlogp_w = η(d_w‖a‖² − d_l⟨a,b⟩) and Δlogp_l = η(d_w⟨a,b⟩ − d_l‖b‖²) built from the enclosures of
// d_w and d_l, so a case is printed only when the signs it rests on are certain.

import { type Interval, iadd, imul, ineg, interval, point } from '../expr/interval.js';
import { type MarginError, type Result, fail, ok } from '../spec/errors.js';
import { type Classification, type Gram, caseOf, classify } from './conditions.js';
import { signOf } from './interval/enclose.js';
import type { Evaluation } from './point.js';

export interface WeightEnclosures { readonly dW: Interval; readonly dL: Interval }

/** The enclosures of d_w and d_l an evaluation was certified by (a point where it carries none). */
export function weightEnclosures(e: Evaluation): WeightEnclosures {
  const iv = (c: { lo: number; hi: number } | undefined, v: number) => (c ? interval(c.lo, c.hi, c.lo !== v, c.hi !== v) : point(v));
  return { dW: iv(e.certified.dW, e.dW), dL: iv(e.certified.dL, e.dL) };
}

/** Enclosures of the first-order changes of one step (η = 1 unless given). */
export function changeEnclosures(w: WeightEnclosures, g: Gram, eta = 1): { dLogpW: Interval; dLogpL: Interval } {
  const [A, B, C, H] = [point(g.normW2), point(g.normL2), point(g.innerWL), point(eta)];
  return {
    dLogpW: imul(H, iadd(imul(w.dW, A), ineg(imul(w.dL, C)))),
    dLogpL: imul(H, iadd(imul(w.dW, C), ineg(imul(w.dL, B)))),
  };
}

/** Table 1's case of one step, or E_ILL_CONDITIONED when float64 cannot certify a sign it rests on. */
export function classifyCertified(e: Evaluation, g: Gram, eta = 1): Result<Classification> {
  const c = classify(e, g, eta);
  const ch = changeEnclosures(weightEnclosures(e), g, eta);
  const errors: MarginError[] = [];
  const dir: Array<'up' | 'down' | 'unchanged'> = [];
  for (const [name, iv] of [['Δlogp_w', ch.dLogpW], ['Δlogp_l', ch.dLogpL]] as const) {
    const s = signOf(iv);
    if (s === 'unknown' || s === 'undefined') {
      errors.push({ code: 'E_ILL_CONDITIONED', message: `the sign of ${name} cannot be certified in float64 at this point: its exact value lies in [${iv.lo}, ${iv.hi}]`,
        at: { symbol: name }, hint: 'the step is too close to the edge between two cases for float64; Table 1\'s case is not decided here' });
    } else dir.push(s === 'positive' ? 'up' : s === 'negative' ? 'down' : 'unchanged');
  }
  if (errors.length) return fail(...errors);
  // The directions come from the certified signs, not from the float64 differences.
  const [chosen, rejected] = dir;
  return ok({ ...c, chosen, rejected, caseId: caseOf(chosen, rejected) });
}
