// Deciding a claim at one sampled point from enclosures, never from float64 values alone: a sample
// whose values have lost their significant digits (σ(−740) is subnormal; 0/0 where both weights
// underflow) is skipped and counted, and a claim is refuted only at a point where the enclosure of
// the comparison lies on the wrong side.

import { type Expr, div, sub, substitute } from '../expr/expr.js';
import { type Interval, iadd, imul, ineg, irecip } from '../expr/interval.js';
import type { CompiledDerivation } from '../symbolic/point.js';
import { regimeAt } from '../symbolic/point.js';
import { MarginFault } from '../errors.js';
import { encloseAt, signOf } from '../symbolic/interval/enclose.js';
import type { Op } from './predicate.js';
import { holdsForSign } from '../expr/compare.js';

export type Truth = 'true' | 'false' | 'unknown';

/** Is `x op 0` certainly true, certainly false, or not decided by the enclosure x? */
export function truthOf(op: Op, x: Interval): Truth {
  const s = signOf(x);
  if (s === 'unknown' || s === 'undefined') return 'unknown';
  return holdsForSign(op, s === 'positive' ? 1 : s === 'negative' ? -1 : 0) ? 'true' : 'false';
}

/** The expressions dW, dL and ratio stand for in a regime (ratio only where d_l is not identically 0). */
export function weightBindings(c: CompiledDerivation, regime: number): Record<string, Expr> {
  const r = c.derivation.regimes[regime];
  const bind: Record<string, Expr> = { dW: r.dW, dL: r.dL };
  bind.ratio = r.ratio ?? div(r.dW, r.dL);
  return bind;
}

/** The certified regime of a point, or undefined where it cannot be decided (boundary, ill-conditioned). */
export function certainRegime(c: CompiledDerivation, env: Readonly<Record<string, number>>): number | undefined {
  try { return regimeAt(c, env); } catch (e) { if (e instanceof MarginFault) return undefined; throw e; }
}

/** An enclosure of lhs − rhs at the point, with dW, dL and ratio bound to the regime's weights. */
export function encloseDifference(left: Expr, right: Expr, bind: Readonly<Record<string, Expr>>, env: Readonly<Record<string, number>>): Interval {
  return encloseAt(substitute(sub(left, right), bind), env);
}

/** Enclosures of d_w and d_l at a point of a regime. */
export function weightEnclosures(c: CompiledDerivation, regime: number, env: Readonly<Record<string, number>>): { dW: Interval; dL: Interval } {
  const r = c.derivation.regimes[regime];
  return { dW: encloseAt(r.dW, env), dL: encloseAt(r.dL, env) };
}

/** The enclosure of d_w/d_l from those of d_w and d_l (defined only where d_l's excludes 0). */
export function ratioEnclosure(w: { dW: Interval; dL: Interval }): Interval {
  return imul(w.dW, irecip(w.dL));
}

/** Certainly different: the enclosure of x − y excludes 0. */
export function certainlyDifferent(x: Interval, y: Interval): boolean {
  const s = signOf(iadd(x, ineg(y)));
  return s === 'positive' || s === 'negative';
}
