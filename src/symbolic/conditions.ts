// Conditions (9)/(10) and Table 1's cases, generalised to any loss and to either sign of the weights.
// One gradient-descent step of size η moves, to first order,
//   Δlogp_w = η(d_w‖a‖² − d_l⟨a,b⟩),   Δlogp_l = η(d_w⟨a,b⟩ − d_l‖b‖²),
// with a = ∇logp_w, b = ∇logp_l. Solving Δlogp_w ≥ 0 for ⟨a,b⟩ divides by d_l, so the inequality keeps
// its direction when d_l > 0 (the paper's eq. 9), flips when d_l < 0, and when d_l = 0 it does not
// involve ⟨a,b⟩ at all. Likewise eq. (10) divides by d_w. The paper states only the d > 0 branches.

import type { Expr } from '../expr/expr.js';
import type { Regime } from './derive.js';

export type Direction = 'chosen-up' | 'chosen-down' | 'rejected-down' | 'rejected-up';
export type Sign = 'positive' | 'negative' | 'zero';

/** ⟨a,b⟩ compared with coef·norm; or, where the divisor vanishes, a sign requirement on the other weight. */
export type Bound =
  | { readonly kind: 'inner'; readonly op: '<=' | '>='; readonly coef: Expr; readonly norm: 'normW2' | 'normL2' }
  | { readonly kind: 'weight'; readonly weight: 'dW' | 'dL'; readonly op: '>=' | '<=' };

export interface ConditionBranch {
  /** The weight whose sign selects this branch (the one the inequality was divided by). */
  readonly divisor: 'dW' | 'dL';
  readonly sign: Sign;
  readonly bound: Bound;
}

export interface DirectionCondition {
  readonly direction: Direction;
  /** Which equation of the paper this generalises. */
  readonly equation: string;
  /** The first-order statement it is equivalent to. */
  readonly statement: string;
  readonly branches: readonly ConditionBranch[];
}

/** Gram data of the two gradients. */
export interface Gram {
  readonly innerWL: number;
  readonly normW2: number;
  readonly normL2: number;
}

const flip = (op: '<=' | '>='): '<=' | '>=' => (op === '<=' ? '>=' : '<=');

function branchesFor(divisor: 'dW' | 'dL', other: 'dW' | 'dL', coef: Expr | null, norm: 'normW2' | 'normL2',
  positiveOp: '<=' | '>=', zeroOp: '<=' | '>=', divisorIsZero: boolean): ConditionBranch[] {
  const zero: ConditionBranch = { divisor, sign: 'zero', bound: { kind: 'weight', weight: other, op: zeroOp } };
  if (divisorIsZero || coef === null) return [zero];
  return [
    { divisor, sign: 'positive', bound: { kind: 'inner', op: positiveOp, coef, norm } },
    { divisor, sign: 'negative', bound: { kind: 'inner', op: flip(positiveOp), coef, norm } },
    zero,
  ];
}

/** The four direction conditions of one regime. */
export function conditionsFor(r: Regime): DirectionCondition[] {
  const dLZero = r.dL.kind === 'num' && r.dL.value === 0;
  const dWZero = r.dW.kind === 'num' && r.dW.value === 0;
  return [
    // eq. (9): d_w‖a‖² − d_l⟨a,b⟩ ≥ 0  ⟺ (d_l > 0) ⟨a,b⟩ ≤ (d_w/d_l)‖a‖²
    { direction: 'chosen-up', equation: '(9)', statement: 'Δlogp_w ≥ 0',
      branches: branchesFor('dL', 'dW', r.ratio, 'normW2', '<=', '>=', dLZero) },
    { direction: 'chosen-down', equation: '(9), reversed', statement: 'Δlogp_w ≤ 0',
      branches: branchesFor('dL', 'dW', r.ratio, 'normW2', '>=', '<=', dLZero) },
    // eq. (10): d_w⟨a,b⟩ − d_l‖b‖² ≤ 0  ⟺ (d_w > 0) ⟨a,b⟩ ≤ (d_l/d_w)‖b‖²
    { direction: 'rejected-down', equation: '(10)', statement: 'Δlogp_l ≤ 0',
      branches: branchesFor('dW', 'dL', r.invRatio, 'normL2', '<=', '>=', dWZero) },
    { direction: 'rejected-up', equation: '(10), reversed', statement: 'Δlogp_l ≥ 0',
      branches: branchesFor('dW', 'dL', r.invRatio, 'normL2', '>=', '<=', dWZero) },
  ];
}

/** Table 1, generalised: the case is the pair of directions. Case 4 is impossible when d_w, d_l > 0. */
export const CASES = [
  { id: 1, label: 'chosen ↑, rejected ↓ (ideal)', parts: ['chosen-up', 'rejected-down'] },
  { id: 2, label: 'both ↓ (rejected more)', parts: ['chosen-down', 'rejected-down'] },
  { id: 3, label: 'both ↑ (chosen more)', parts: ['chosen-up', 'rejected-up'] },
  { id: 4, label: 'chosen ↓, rejected ↑', parts: ['chosen-down', 'rejected-up'] },
] as const;
export type CaseId = (typeof CASES)[number]['id'];

export const signOf = (v: number): Sign => (v > 0 ? 'positive' : v < 0 ? 'negative' : 'zero');

/**
 * Does the condition hold at these values? The branch is picked by the sign of its divisor and the
 * bound is evaluated with the *symbolic* coefficient's value (`coef`), so this checks the derivation,
 * not a recomputation of Δ.
 */
export function holdsAt(c: DirectionCondition, w: { dW: number; dL: number }, g: Gram, coef: (e: Expr) => number): boolean {
  const s = signOf(w[c.branches[0].divisor]);
  const branch = c.branches.find((b) => b.sign === s) ?? c.branches.find((b) => b.sign === 'zero')!;
  const bound = branch.bound;
  if (bound.kind === 'weight') {
    const v = w[bound.weight];
    return bound.op === '>=' ? v >= 0 : v <= 0;
  }
  const rhs = coef(bound.coef) * g[bound.norm];
  return bound.op === '<=' ? g.innerWL <= rhs : g.innerWL >= rhs;
}

/** The first-order changes of one descent step (η = 1 unless given). */
export function firstOrderChange(w: { dW: number; dL: number }, g: Gram, eta = 1): { dLogpW: number; dLogpL: number } {
  return {
    dLogpW: eta * (w.dW * g.normW2 - w.dL * g.innerWL),
    dLogpL: eta * (w.dW * g.innerWL - w.dL * g.normL2),
  };
}

export interface Classification {
  readonly dLogpW: number;
  readonly dLogpL: number;
  readonly chosen: 'up' | 'down' | 'unchanged';
  readonly rejected: 'up' | 'down' | 'unchanged';
  /** Table 1's case; 0 when neither moves. Where a Δ is exactly 0 the lower-numbered matching case is given. */
  readonly caseId: CaseId | 0;
  readonly marginChange: number;
}

type Move = 'up' | 'down' | 'unchanged';

/** Table 1's case from the two directions; 0 when neither moves, and the lower-numbered case on a tie. */
export function caseOf(chosen: Move, rejected: Move): CaseId | 0 {
  if (chosen === 'unchanged' && rejected === 'unchanged') return 0;
  const up = chosen !== 'down', down = rejected !== 'up';
  return up && down ? 1 : !up && down ? 2 : up && !down ? 3 : 4;
}

export function classify(w: { dW: number; dL: number }, g: Gram, eta = 1): Classification {
  const { dLogpW, dLogpL } = firstOrderChange(w, g, eta);
  const dir = (v: number): Move => (v > 0 ? 'up' : v < 0 ? 'down' : 'unchanged');
  const chosen = dir(dLogpW), rejected = dir(dLogpL);
  return { dLogpW, dLogpL, chosen, rejected, caseId: caseOf(chosen, rejected), marginChange: dLogpW - dLogpL };
}
