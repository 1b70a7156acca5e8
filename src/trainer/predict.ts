// marginlab's own prediction for a measured pair: the regime at the pair's point, the conditions (9)/(10)
// of that regime (src/symbolic/conditions.ts, sign of each weight handled), evaluated with marginlab's d_w,
// d_l and the trainer's Gram entries. It is independent of the trainer's prediction, so a broken trainer
// prediction and a broken derivation show up separately.

import { compile, type Compiled } from '../symbolic/evaluate.js';
import { conditionsFor, holdsAt, type DirectionCondition } from '../symbolic/conditions.js';
import type { Expr } from '../expr/expr.js';
import { key } from '../expr/expr.js';
import type { CompiledDerivation } from '../symbolic/point.js';
import { completePoint, evaluateAt } from '../symbolic/point.js';
import type { PairMetrics } from './protocol/schema.js';

export interface Prediction {
  readonly dW: number;
  readonly dL: number;
  /** +1: Δlogp ≥ 0 predicted; −1: Δlogp ≤ 0 (ties go to the condition that holds). */
  readonly w: 1 | -1;
  readonly l: 1 | -1;
}

export class Predictor {
  private readonly conds = new Map<number, DirectionCondition[]>();
  private readonly coefs = new Map<string, Compiled>();
  constructor(private readonly c: CompiledDerivation) {}

  /** null where marginlab cannot evaluate the loss at the pair (outside its domain, on a hinge). */
  at(p: PairMetrics): Prediction | null {
    const d = this.c.derivation;
    const pt = completePoint(d, { logp_w: p.logp_w, logp_l: p.logp_l, c_ref_w: p.c_ref_w, c_ref_l: p.c_ref_l,
      len_w: p.len_w, len_l: p.len_l, z_ref: p.z_ref }, { outsideDomain: true }); // measured values, not a user's claim
    if (!pt.ok) return null;
    const e = evaluateAt(this.c, pt.value);
    if (!e.ok) return null;
    const r = e.value.regime;
    let conds = this.conds.get(r.index);
    if (!conds) { conds = conditionsFor(r); this.conds.set(r.index, conds); }
    const env = pt.value.values;
    const coef = (x: Expr): number => {
      const k = key(x);
      let f = this.coefs.get(k);
      if (!f) { f = compile(x); this.coefs.set(k, f); }
      return f(env);
    };
    const w = { dW: e.value.dW, dL: e.value.dL };
    const g = { innerWL: p.inner_wl, normW2: p.norm_w2, normL2: p.norm_l2 };
    const holds = (dir: string) => holdsAt(conds!.find((c) => c.direction === dir)!, w, g, coef);
    return { dW: w.dW, dL: w.dL, w: holds('chosen-up') ? 1 : -1, l: holds('rejected-down') ? -1 : 1 };
  }
}

/** Does a predicted sign match an observed change? An exact 0 matches either sign. */
export const agrees = (pred: number, obs: number): boolean => obs === 0 || Math.sign(obs) === pred;
