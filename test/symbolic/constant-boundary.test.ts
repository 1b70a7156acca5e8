// A conditional whose boundary is the constant 0 is decided by its own test, for all four comparisons
// (found by mutation testing: `1 >= 1 ? a : -a` once took the 'else' branch).
import { describe, expect, it } from 'vitest';
import { inlineLoss } from '../../src/loss/file.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { compileDerivation, completePoint, evaluateAt } from '../../src/symbolic/point.js';

describe('constant boundaries', () => {
  it.each([['1 >= 1', 1], ['1 > 1', -1], ['1 <= 1', 1], ['1 < 1', -1]] as const)('%s ? a : -a gives d_w = %d, and L agrees', (test, dW) => {
    const r = inlineLoss({ m: `${test} ? a : -a` });
    if (!r.ok) throw new Error('spec');
    const d = mustDerive(r.value);
    expect(d.regimes).toHaveLength(1);
    const p = completePoint(d, { logp_w: -1, logp_l: -2 });
    if (!p.ok) throw new Error('point');
    const e = evaluateAt(compileDerivation(d), p.value);
    if (!e.ok) throw new Error('eval');
    expect(e.value.dW).toBe(dW);
    // L = −m(u) with u = logp_w − logp_l = 1: the regime's L and the hinged L agree.
    expect(e.value.L).toBe(-dW * 1);
  });
});
