// The statistics that compare CHES with the exact condition: average ranks with ties, Spearman's ρ, and the
// rank-sum AUC, against values worked out by hand.
import { describe, expect, it } from 'vitest';
import { auc, compareChes, ranks, spearman } from '../../src/trainer/ches.js';
import type { PairRow } from '../../src/trainer/metrics.js';

describe('ranks, Spearman and AUC', () => {
  it('gives tied values their mean rank', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });
  it('is 1 for a monotone relation, -1 for a reversed one, and 0.5 for this hand-worked case', () => {
    expect(spearman([1, 2, 3, 4], [1, 4, 9, 16])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // ranks x = 1..4, y = (2, 1, 4, 3): Σd² = 4 → ρ = 1 − 6·4/(4·15) = 0.6
    expect(spearman([1, 2, 3, 4], [20, 10, 40, 30])).toBeCloseTo(0.6, 12);
    expect(spearman([1, 2], [2, 1])).toBeNull();
  });
  it('AUC counts the positive-above-negative pairs (ties half)', () => {
    // positives score 3 and 1, negatives 2 and 1: pairs (3>2, 3>1, 1<2, 1=1) → (1 + 1 + 0 + 0.5)/4
    expect(auc([3, 1, 2, 1], [true, true, false, false])).toBeCloseTo(0.625, 12);
    expect(auc([1, 2], [true, true])).toBeNull();
  });
  it('compares CHES with condition (9) over the pairs that carry it', () => {
    const pair = (ches: number, obs: number, pred: number) => ({ ches, ches_ln: ches / 2, obs_dlogp_w: obs, pred_dlogp_w_sign: pred }) as unknown as PairRow;
    const c = compareChes([pair(5, -1, -1), pair(4, -2, 1), pair(1, 1, 1), pair(0, 2, 1)])!;
    expect(c.pairs).toBe(4);
    expect(c.chosenDownShare).toBe(0.5);
    expect(c.auc).toBe(1);
    expect(c.conditionAccuracy).toBe(0.75);
    expect(c.spearman).toBeCloseTo(0.8, 12); // ranks of CHES (4,3,2,1) vs of −obs (3,4,2,1): Σd² = 2 → 1 − 12/60
    expect(compareChes([{ obs_dlogp_w: 1 } as unknown as PairRow])).toBeNull();
  });
});
