// The CHES score (Razin et al. 2024) against the exact condition. CHES needs one forward pass and no gradient;
// conditions (9)/(10) need the gradients a, b. Over every measured pair of a run we ask how well each
// anticipates the observed change of log π_w under a step on that pair alone: CHES as a ranking (the
// Spearman correlation of CHES with −Δlog π_w, and the AUC of CHES for "the chosen fell"), the exact
// condition as a sign prediction (its accuracy on the same pairs).

import type { PairRow } from './metrics.js';
import { agrees } from './predict.js';

export interface ChesComparison {
  readonly pairs: number;
  /** Share of measured pairs whose chosen log-probability fell under the single-pair step. */
  readonly chosenDownShare: number;
  /** Spearman ρ(CHES, −Δlog π_w) and ρ(length-normalised CHES, −Δlog π_w): positive when CHES ranks well. */
  readonly spearman: number | null;
  readonly spearmanLn: number | null;
  /** P(CHES of a pair whose chosen fell > CHES of one whose chosen rose); null when either set is empty. */
  readonly auc: number | null;
  readonly aucLn: number | null;
  /** Accuracy of the sign of Δlog π_w predicted by condition (9) on the same pairs. */
  readonly conditionAccuracy: number;
}

/** Average ranks (ties share their mean rank), 1-based. */
export function ranks(xs: readonly number[]): number[] {
  const idx = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1][0] === idx[i][0]) j++;
    for (let k = i; k <= j; k++) r[idx[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

export function spearman(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length < 3) return null;
  const rx = ranks(xs), ry = ranks(ys);
  const mx = rx.reduce((s, x) => s + x, 0) / rx.length, my = ry.reduce((s, y) => s + y, 0) / ry.length;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < rx.length; i++) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) ** 2;
    syy += (ry[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

/** The AUC of score for the positives, by the rank-sum (Mann–Whitney) formula. */
export function auc(score: readonly number[], positive: readonly boolean[]): number | null {
  const nPos = positive.filter(Boolean).length, nNeg = positive.length - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  const r = ranks(score);
  const sumPos = r.reduce((s, x, i) => s + (positive[i] ? x : 0), 0);
  return (sumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export function compareChes(pairs: readonly PairRow[]): ChesComparison | null {
  const ps = pairs.filter((p) => typeof p.ches === 'number' && typeof p.ches_ln === 'number' && typeof p.obs_dlogp_w === 'number');
  if (!ps.length) return null;
  const ches = ps.map((p) => p.ches as number), chesLn = ps.map((p) => p.ches_ln as number);
  const fall = ps.map((p) => -(p.obs_dlogp_w as number));
  const down = ps.map((p) => (p.obs_dlogp_w as number) < 0);
  const right = ps.filter((p) => agrees(p.pred_dlogp_w_sign as number, p.obs_dlogp_w as number)).length;
  return {
    pairs: ps.length, chosenDownShare: down.filter(Boolean).length / ps.length,
    spearman: spearman(ches, fall), spearmanLn: spearman(chesLn, fall),
    auc: auc(ches, down), aucLn: auc(chesLn, down),
    conditionAccuracy: right / ps.length,
  };
}
