// One gradient step at a point, certified: Table 1's case is decided from enclosures of
// Δlogp_w = η(d_w‖a‖² − d_l⟨a,b⟩) and Δlogp_l = η(d_w⟨a,b⟩ − d_l‖b‖²) built from the enclosures of
// d_w and d_l, so a case is printed only when the signs it rests on are certain.

import { type Expr, add, mul, num } from '../expr/expr.js';
import { type Interval, iadd, imul, ineg, interval, point } from '../expr/interval.js';
import { simplify } from './simplify.js';
import { type MarginError, type Result, fail, ok } from '../errors.js';
import { type Classification, type Gram, caseOf, classify } from './conditions.js';
import { encloseAt, signOf } from './interval/enclose.js';
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

/**
 * Enclosures of the changes from the regime's expressions: Δlogp_w = η(‖a‖²·d_w − ⟨a,b⟩·d_l) simplified
 * symbolically first, so that an exact cancellation (DPO's d_w ≡ d_l with ⟨a,b⟩ = ‖a‖²: the chosen does
 * not move) is an exact 0, not an interval around it.
 */
function symbolicChanges(e: Evaluation, g: Gram, eta: number): { dLogpW: Interval; dLogpL: Interval } {
  const { dW, dL } = e.regime;
  const k = (x: number) => num(x);
  const at = (x: Expr) => encloseAt(simplify(x), e.point.values);
  return {
    dLogpW: at(mul(k(eta), add(mul(k(g.normW2), dW), mul(k(-g.innerWL), dL)))),
    dLogpL: at(mul(k(eta), add(mul(k(g.innerWL), dW), mul(k(-g.normL2), dL)))),
  };
}

/** The tighter of two enclosures of one value (both hold it, so their intersection does). */
function tighter(a: Interval, b: Interval): Interval {
  const sa = signOf(a);
  if (sa === 'positive' || sa === 'negative' || sa === 'zero') return a;
  return b;
}

/** Table 1's case of one step, or E_ILL_CONDITIONED when float64 cannot certify a sign it rests on. */
export function classifyCertified(e: Evaluation, g: Gram, eta = 1): Result<Classification> {
  const c = classify(e, g, eta);
  const fromWeights = changeEnclosures(weightEnclosures(e), g, eta);
  const fromExpr = symbolicChanges(e, g, eta);
  const ch = { dLogpW: tighter(fromExpr.dLogpW, fromWeights.dLogpW), dLogpL: tighter(fromExpr.dLogpL, fromWeights.dLogpL) };
  const errors: MarginError[] = [];
  const dir: Array<'up' | 'down' | 'unchanged'> = [];
  for (const [name, iv] of [['Δlogp_w', ch.dLogpW], ['Δlogp_l', ch.dLogpL]] as const) {
    const s = signOf(iv);
    if (s === 'unknown' || s === 'undefined') {
      errors.push({ code: 'E_ILL_CONDITIONED', message: `the sign of ${name} cannot be certified in float64 at this point: its exact value lies in [${iv.lo}, ${iv.hi}]`,
        at: { slot: 'the step (--at, --inner, --norm-w2, --norm-l2)', symbol: name }, hint: 'the step is too close to the edge between two cases for float64; Table 1\'s case is not decided here' });
    } else dir.push(s === 'positive' ? 'up' : s === 'negative' ? 'down' : 'unchanged');
  }
  if (errors.length) return fail(...errors);
  // The directions come from the certified signs, not from the float64 differences.
  const [chosen, rejected] = dir;
  return ok({ ...c, chosen, rejected, caseId: caseOf(chosen, rejected) });
}
