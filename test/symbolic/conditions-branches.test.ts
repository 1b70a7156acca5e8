// Example tests for conditions (9)/(10) where the property suite is thin: zero weights (d_l ≡ 0 or
// d_w ≡ 0, where the inequality does not involve ⟨a,b⟩), bounds met with equality, and Table 1's ties.
import { describe, expect, it } from 'vitest';
import { type Expr, num, sym } from '../../src/expr/expr.js';
import type { Regime } from '../../src/symbolic/derive.js';
import { classify, conditionsFor, firstOrderChange, holdsAt, signOf, type DirectionCondition } from '../../src/symbolic/conditions.js';

/** Only the fields conditionsFor reads. */
const regime = (dW: Expr, dL: Expr, ratio: Expr | null, invRatio: Expr | null): Regime =>
  ({ dW, dL, ratio, invRatio } as unknown as Regime);
const byDir = (cs: DirectionCondition[]) => Object.fromEntries(cs.map((c) => [c.direction, c]));
const value = (e: Expr): number => (e.kind === 'num' ? e.value : NaN);

describe('conditionsFor: branch structure', () => {
  it('d_w, d_l symbolic: three branches each; the negative branch flips the inequality', () => {
    const c = byDir(conditionsFor(regime(sym('x'), sym('y'), num(2), num(0.5))));
    // each direction is the first-order statement it names, generalising eq. (9) or (10)
    expect(Object.values(c).map((x) => [x.direction, x.equation, x.statement])).toEqual([
      ['chosen-up', '(9)', 'Δlogp_w ≥ 0'], ['chosen-down', '(9), reversed', 'Δlogp_w ≤ 0'],
      ['rejected-down', '(10)', 'Δlogp_l ≤ 0'], ['rejected-up', '(10), reversed', 'Δlogp_l ≥ 0'],
    ]);
    expect(c['chosen-up'].branches.map((b) => [b.divisor, b.sign])).toEqual([['dL', 'positive'], ['dL', 'negative'], ['dL', 'zero']]);
    expect(c['chosen-up'].branches.map((b) => b.bound)).toEqual([
      { kind: 'inner', op: '<=', coef: num(2), norm: 'normW2' },
      { kind: 'inner', op: '>=', coef: num(2), norm: 'normW2' },
      { kind: 'weight', weight: 'dW', op: '>=' },
    ]);
    expect(c['chosen-down'].branches.map((b) => b.bound)).toEqual([
      { kind: 'inner', op: '>=', coef: num(2), norm: 'normW2' },
      { kind: 'inner', op: '<=', coef: num(2), norm: 'normW2' },
      { kind: 'weight', weight: 'dW', op: '<=' },
    ]);
    expect(c['rejected-down'].branches.map((b) => [b.divisor, b.bound])).toEqual([
      ['dW', { kind: 'inner', op: '<=', coef: num(0.5), norm: 'normL2' }],
      ['dW', { kind: 'inner', op: '>=', coef: num(0.5), norm: 'normL2' }],
      ['dW', { kind: 'weight', weight: 'dL', op: '>=' }],
    ]);
    expect(c['rejected-up'].branches.map((b) => b.bound)).toEqual([
      { kind: 'inner', op: '>=', coef: num(0.5), norm: 'normL2' },
      { kind: 'inner', op: '<=', coef: num(0.5), norm: 'normL2' },
      { kind: 'weight', weight: 'dL', op: '<=' },
    ]);
  });
  it('d_l ≡ 0: eq. (9) has only the weight branch (sign of d_w), even if a ratio were supplied', () => {
    const c = byDir(conditionsFor(regime(sym('x'), num(0), num(3), num(0))));
    expect(c['chosen-up'].branches).toEqual([{ divisor: 'dL', sign: 'zero', bound: { kind: 'weight', weight: 'dW', op: '>=' } }]);
    expect(c['chosen-down'].branches).toEqual([{ divisor: 'dL', sign: 'zero', bound: { kind: 'weight', weight: 'dW', op: '<=' } }]);
    // eq. (10) still divides by d_w ≢ 0.
    expect(c['rejected-down'].branches).toHaveLength(3);
    expect(c['rejected-up'].branches).toHaveLength(3);
  });
  it('d_w ≡ 0: eq. (10) has only the weight branch (sign of d_l)', () => {
    const c = byDir(conditionsFor(regime(num(0), sym('y'), num(0), num(5))));
    expect(c['rejected-down'].branches).toEqual([{ divisor: 'dW', sign: 'zero', bound: { kind: 'weight', weight: 'dL', op: '>=' } }]);
    expect(c['rejected-up'].branches).toEqual([{ divisor: 'dW', sign: 'zero', bound: { kind: 'weight', weight: 'dL', op: '<=' } }]);
    expect(c['chosen-up'].branches).toHaveLength(3);
  });
  it('a nonzero constant weight is not a zero weight', () => {
    const c = byDir(conditionsFor(regime(num(2), num(-3), num(-2 / 3), num(-1.5))));
    for (const d of ['chosen-up', 'chosen-down', 'rejected-down', 'rejected-up']) expect(c[d].branches).toHaveLength(3);
  });
  it('no ratio (null) with a symbolic divisor: only the weight branch', () => {
    const c = byDir(conditionsFor(regime(sym('x'), sym('y'), null, null)));
    for (const d of ['chosen-up', 'chosen-down', 'rejected-down', 'rejected-up']) expect(c[d].branches).toHaveLength(1);
  });
});

describe('holdsAt agrees with the first-order change', () => {
  const directions = (w: { dW: number; dL: number }, g: { innerWL: number; normW2: number; normL2: number }, r: Regime) => {
    const c = byDir(conditionsFor(r));
    return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, holdsAt(v, w, g, value)]));
  };
  it('d_l = 0: chosen moves with the sign of d_w; both directions hold at d_w = 0', () => {
    const r = regime(sym('x'), num(0), null, num(0));
    const g = { innerWL: 0.3, normW2: 1, normL2: 2 };
    expect(directions({ dW: 1, dL: 0 }, g, r)).toMatchObject({ 'chosen-up': true, 'chosen-down': false });
    expect(directions({ dW: -1, dL: 0 }, g, r)).toMatchObject({ 'chosen-up': false, 'chosen-down': true });
    expect(directions({ dW: 0, dL: 0 }, g, r)).toMatchObject({ 'chosen-up': true, 'chosen-down': true });
    expect(firstOrderChange({ dW: 1, dL: 0 }, g).dLogpW).toBe(1);
  });
  it('d_w = 0: rejected moves against the sign of d_l', () => {
    const r = regime(num(0), sym('y'), num(0), null);
    const g = { innerWL: 0.3, normW2: 1, normL2: 2 };
    // Δlogp_l = −d_l‖b‖²
    expect(directions({ dW: 0, dL: 1 }, g, r)).toMatchObject({ 'rejected-down': true, 'rejected-up': false });
    expect(directions({ dW: 0, dL: -1 }, g, r)).toMatchObject({ 'rejected-down': false, 'rejected-up': true });
    expect(directions({ dW: 0, dL: 0 }, g, r)).toMatchObject({ 'rejected-down': true, 'rejected-up': true });
  });
  it('a weight-only condition evaluated at a nonzero divisor falls back to its zero branch', () => {
    const [up] = conditionsFor(regime(sym('x'), sym('y'), null, null));
    expect(holdsAt(up, { dW: 1, dL: 0.5 }, { innerWL: 0, normW2: 1, normL2: 1 }, value)).toBe(true);
    expect(holdsAt(up, { dW: -1, dL: 0.5 }, { innerWL: 0, normW2: 1, normL2: 1 }, value)).toBe(false);
  });
  it('a bound met with equality (Δ = 0) satisfies both the condition and its reverse', () => {
    // d_w = d_l = 1, ratio 1, ‖a‖² = ⟨a,b⟩ = 1: Δlogp_w = 0; ‖b‖² = 1: Δlogp_l = 0.
    const r = regime(sym('x'), sym('y'), num(1), num(1));
    const g = { innerWL: 1, normW2: 1, normL2: 1 };
    expect(firstOrderChange({ dW: 1, dL: 1 }, g)).toEqual({ dLogpW: 0, dLogpL: 0 });
    expect(directions({ dW: 1, dL: 1 }, g, r)).toEqual({ 'chosen-up': true, 'chosen-down': true, 'rejected-down': true, 'rejected-up': true });
  });
  it('negative divisors flip the inequality (d_w = d_l = −1)', () => {
    const r = regime(sym('x'), sym('y'), num(1), num(1));
    // Δlogp_w = −‖a‖² + ⟨a,b⟩ = −1 < 0; Δlogp_l = −⟨a,b⟩ + ‖b‖² = 1 > 0.
    const g = { innerWL: 1, normW2: 2, normL2: 2 };
    expect(directions({ dW: -1, dL: -1 }, g, r)).toEqual({ 'chosen-up': false, 'chosen-down': true, 'rejected-down': false, 'rejected-up': true });
  });
});

describe('signOf and classify ties', () => {
  it('signOf', () => {
    expect([signOf(2), signOf(-2), signOf(0), signOf(-0)]).toEqual(['positive', 'negative', 'zero', 'zero']);
  });
  const w = { dW: 1, dL: 1 };
  it('neither moves: case 0, both unchanged', () => {
    const c = classify(w, { innerWL: 1, normW2: 1, normL2: 1 });
    expect(c).toEqual({ dLogpW: 0, dLogpL: 0, chosen: 'unchanged', rejected: 'unchanged', caseId: 0, marginChange: 0 });
  });
  it('Δlogp_w = 0 and rejected ↓: case 1; rejected ↑: case 3', () => {
    const a = classify(w, { innerWL: 1, normW2: 1, normL2: 2 });
    expect(a).toEqual({ dLogpW: 0, dLogpL: -1, chosen: 'unchanged', rejected: 'down', caseId: 1, marginChange: 1 });
    const b = classify(w, { innerWL: 1, normW2: 1, normL2: 0.5 });
    expect(b).toEqual({ dLogpW: 0, dLogpL: 0.5, chosen: 'unchanged', rejected: 'up', caseId: 3, marginChange: -0.5 });
  });
  it('Δlogp_l = 0 and chosen ↑: case 1; chosen ↓: case 2', () => {
    const a = classify(w, { innerWL: 1, normW2: 2, normL2: 1 });
    expect(a).toEqual({ dLogpW: 1, dLogpL: 0, chosen: 'up', rejected: 'unchanged', caseId: 1, marginChange: 1 });
    const b = classify({ dW: -1, dL: -1 }, { innerWL: 1, normW2: 2, normL2: 1 });
    expect(b).toEqual({ dLogpW: -1, dLogpL: 0, chosen: 'down', rejected: 'unchanged', caseId: 2, marginChange: -1 });
  });
  it('strict cases 1–4 and the step size', () => {
    expect(classify({ dW: 1, dL: 1 }, { innerWL: 0, normW2: 1, normL2: 1 }).caseId).toBe(1);
    expect(classify({ dW: 1, dL: 1 }, { innerWL: 2, normW2: 1, normL2: 3 }).caseId).toBe(2); // Δw = −1, Δl = −1
    expect(classify({ dW: 1, dL: 1 }, { innerWL: 2, normW2: 3, normL2: 1 }).caseId).toBe(3); // Δw = 1, Δl = 1
    const c4 = classify({ dW: -1, dL: -1 }, { innerWL: 0, normW2: 1, normL2: 1 }, 2);
    expect(c4).toEqual({ dLogpW: -2, dLogpL: 2, chosen: 'down', rejected: 'up', caseId: 4, marginChange: -4 });
  });
});
