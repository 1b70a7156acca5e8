// One metrics.jsonl row per logged step: batch means under the paper's names (logp_w, logp_l, margin,
// inner_wl, norm_w2, norm_l2, cos_wl, dW, dL), the first pair's predicted and observed changes, this
// step's agreement, and every pair in full.

import type { StepEvent } from './protocol/schema.js';
import { case1Of, share } from './case1.js';
import { type Predictor, agrees } from './predict.js';

export interface PairRow extends Record<string, unknown> {
  readonly ml_pred_dlogp_w_sign: number | null;
  readonly ml_pred_dlogp_l_sign: number | null;
  readonly ml_dW: number | null;
  readonly ml_dL: number | null;
  readonly agree: boolean;
  readonly ml_agree: boolean | null;
}

export interface MetricsRow {
  readonly step: number;
  readonly loss: number;
  readonly logp_w: number;
  readonly logp_l: number;
  readonly logp_w_mean: number;
  readonly logp_l_mean: number;
  readonly margin: number;
  readonly reward_w: number;
  readonly reward_l: number;
  readonly inner_wl: number;
  readonly norm_w2: number;
  readonly norm_l2: number;
  readonly cos_wl: number;
  readonly dW: number;
  readonly dL: number;
  readonly pred_dlogp_w_sign: number;
  readonly pred_dlogp_l_sign: number;
  readonly obs_dlogp_w: number;
  readonly obs_dlogp_l: number;
  readonly obs_batch_dlogp_w: number | null;
  readonly obs_batch_dlogp_l: number | null;
  readonly agree_rate: number;
  readonly ml_agree_rate: number | null;
  /** Batch means of the whole responses' log π (equal to logp_w, logp_l unless a masked variant trains). */
  readonly full_logp_w: number;
  readonly full_logp_l: number;
  /** Is the step as a whole in case 1 (case1.ts), first order and observed; the share of its pairs that are. */
  readonly case1_fo: boolean | null;
  readonly case1_obs: boolean | null;
  readonly case1_pairs_fo: number | null;
  readonly variant: string;
  /** How the Gram entries were measured ('vmap' or 'ghost'; null from a trainer that does not say). */
  readonly gram: string | null;
  readonly scale_w: number | null;
  readonly scale_l: number | null;
  readonly pairs: readonly PairRow[];
}

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

export function metricsRow(e: StepEvent, predictor: Predictor): MetricsRow {
  const ps = e.pairs;
  const pairs: PairRow[] = ps.map((p) => {
    const ml = predictor.at(p);
    const agree = agrees(p.pred_dlogp_w_sign, p.obs_dlogp_w) && agrees(p.pred_dlogp_l_sign, p.obs_dlogp_l);
    return { ...p, ml_dW: ml?.dW ?? null, ml_dL: ml?.dL ?? null, ml_pred_dlogp_w_sign: ml?.w ?? null, ml_pred_dlogp_l_sign: ml?.l ?? null,
      agree, ml_agree: ml ? agrees(ml.w, p.obs_dlogp_w) && agrees(ml.l, p.obs_dlogp_l) : null };
  });
  const mlKnown = pairs.filter((p) => p.ml_agree !== null);
  const m = (f: (p: (typeof ps)[number]) => number) => mean(ps.map(f));
  return {
    step: e.step, loss: e.loss,
    logp_w: m((p) => p.logp_w), logp_l: m((p) => p.logp_l),
    logp_w_mean: m((p) => p.logp_w / p.len_w), logp_l_mean: m((p) => p.logp_l / p.len_l),
    margin: m((p) => p.logp_w - p.logp_l),
    reward_w: m((p) => p.logp_w - p.c_ref_w), reward_l: m((p) => p.logp_l - p.c_ref_l),
    inner_wl: m((p) => p.inner_wl), norm_w2: m((p) => p.norm_w2), norm_l2: m((p) => p.norm_l2), cos_wl: m((p) => p.cos_wl),
    dW: m((p) => p.dW), dL: m((p) => p.dL),
    pred_dlogp_w_sign: ps[0].pred_dlogp_w_sign, pred_dlogp_l_sign: ps[0].pred_dlogp_l_sign,
    obs_dlogp_w: ps[0].obs_dlogp_w, obs_dlogp_l: ps[0].obs_dlogp_l,
    obs_batch_dlogp_w: e.obs_batch_dlogp_w ?? null, obs_batch_dlogp_l: e.obs_batch_dlogp_l ?? null,
    agree_rate: pairs.filter((p) => p.agree).length / pairs.length,
    ml_agree_rate: mlKnown.length ? mlKnown.filter((p) => p.ml_agree).length / mlKnown.length : null,
    full_logp_w: m((p) => p.full_logp_w ?? p.logp_w), full_logp_l: m((p) => p.full_logp_l ?? p.logp_l),
    case1_fo: case1Of(e, 'fo'), case1_obs: case1Of(e, 'obs'), case1_pairs_fo: share(ps.map((p) => case1Of(p, 'fo'))),
    variant: e.variant ?? 'none', gram: e.gram ?? null, scale_w: e.scale_w ?? null, scale_l: e.scale_l ?? null,
    pairs,
  };
}
