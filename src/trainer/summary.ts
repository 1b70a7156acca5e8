// summary.json: what a run showed, in one object — the agreement of predicted and observed signs (the
// trainer's prediction and marginlab's own), the first and last batch means, the checksums, and how the
// run ended.

import type { ChecksumReport } from './checksum.js';
import type { TrainerError } from './errors.js';
import { case1Of, share } from './case1.js';
import { compareChes, type ChesComparison } from './ches.js';
import type { EvalEvent } from './protocol/schema.js';
import type { MetricsRow } from './metrics.js';
import { agrees } from './predict.js';

export interface RunSummary {
  readonly schema: 'marginlab/train-summary@1';
  readonly loss: string;
  readonly task: string;
  readonly status: 'ok' | 'error';
  readonly error: TrainerError | null;
  readonly loggedSteps: number;
  readonly pairsMeasured: number;
  /** Fraction of measured pairs whose predicted signs of Δlogp_w and Δlogp_l both match the observed ones. */
  readonly agreement: number | null;
  readonly agreementChosen: number | null;
  readonly agreementRejected: number | null;
  /** The same with marginlab's conditions (9)/(10) instead of the trainer's prediction. */
  readonly marginlabAgreement: number | null;
  readonly variant: string;
  /** How the trainer measured the Gram entries: 'vmap', 'ghost' (auto resolved), or null if it did not say. */
  readonly gram: string | null;
  /** Share of logged steps in case 1 (chosen ↑, rejected ↓, the batch as a whole; case1.ts): first order,
   * observed; and the share of measured pairs in case 1 under the batch step. */
  readonly case1Share: number | null;
  readonly case1ObsShare: number | null;
  readonly case1PairShare: number | null;
  /** Preference accuracy on held-out pairs after SFT (step 0) and at the end (eval.jsonl has every one). */
  readonly heldout: { readonly pairs: number; readonly start: HeldoutRow; readonly end: HeldoutRow } | null;
  /** CHES (one forward pass) against the exact condition (9) as predictors of the chosen falling (ches.ts). */
  readonly ches: ChesComparison | null;
  readonly first: Partial<MetricsRow> | null;
  readonly last: Partial<MetricsRow> | null;
  readonly checksum: ChecksumReport | null;
  readonly seconds: number;
  /** Wall time of the preference-optimisation loop per step, logged steps included (the trainer's own clock). */
  readonly stepSeconds: number | null;
  readonly trainer: Readonly<Record<string, unknown>> | null;
}

export interface HeldoutRow {
  readonly step: number;
  readonly pref_acc: number;
  readonly reward_acc: number;
  readonly logp_w: number;
  readonly logp_l: number;
  readonly reward_margin: number;
}

const heldoutRow = (e: EvalEvent): HeldoutRow => ({ step: e.step, pref_acc: e.pref_acc, reward_acc: e.reward_acc,
  logp_w: e.logp_w, logp_l: e.logp_l, reward_margin: e.reward_margin });

const headline = (r: MetricsRow): Partial<MetricsRow> => {
  const { pairs: _pairs, ...rest } = r;
  return rest;
};

export function summarise(rows: readonly MetricsRow[], base: Pick<RunSummary, 'loss' | 'task' | 'error' | 'checksum' | 'seconds' | 'trainer'> & { stepSeconds?: number | null },
  evals: readonly EvalEvent[] = []): RunSummary {
  const pairs = rows.flatMap((r) => r.pairs);
  const rate = (f: (p: (typeof pairs)[number]) => boolean | null): number | null => {
    const known = pairs.map(f).filter((x): x is boolean => x !== null);
    return known.length ? known.filter(Boolean).length / known.length : null;
  };
  return {
    schema: 'marginlab/train-summary@1', ...base, stepSeconds: base.stepSeconds ?? null, status: base.error ? 'error' : 'ok',
    loggedSteps: rows.length, pairsMeasured: pairs.length,
    agreement: rate((p) => p.agree),
    agreementChosen: rate((p) => agrees(p.pred_dlogp_w_sign as number, p.obs_dlogp_w as number)),
    agreementRejected: rate((p) => agrees(p.pred_dlogp_l_sign as number, p.obs_dlogp_l as number)),
    marginlabAgreement: rate((p) => p.ml_agree),
    variant: rows[0]?.variant ?? 'none',
    gram: rows[0]?.gram ?? null,
    case1Share: share(rows.map((r) => r.case1_fo)), case1ObsShare: share(rows.map((r) => r.case1_obs)),
    case1PairShare: share(pairs.map((p) => case1Of(p, 'fo'))),
    heldout: evals.length ? { pairs: evals[0].pairs, start: heldoutRow(evals[0]), end: heldoutRow(evals[evals.length - 1]) } : null,
    ches: compareChes(pairs),
    first: rows.length ? headline(rows[0]) : null,
    last: rows.length ? headline(rows[rows.length - 1]) : null,
  };
}
