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
import type { RankedSummary } from './ranked-metrics.js';

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
  /** Preference accuracy on held-out pairs after SFT (step 0) and at the last evaluation after it (eval.jsonl
   * has every one): `end` is null when the run stopped before any later evaluation, and `final` says whether
   * `end` is the end-of-training evaluation (false when the run stopped early: then it is a periodic one). */
  readonly heldout: { readonly pairs: number; readonly start: HeldoutRow; readonly end: HeldoutRow | null; readonly final: boolean } | null;
  /** Lines on the trainer's stdout that were not protocol events (a library's warning): counted, the first three kept. */
  readonly strayLines: { readonly count: number; readonly first: readonly { readonly line: number; readonly text: string }[] };
  /** CHES (one forward pass) against the exact condition (9) as predictors of the chosen falling (ches.ts). */
  readonly ches: ChesComparison | null;
  readonly first: Partial<MetricsRow> | null;
  readonly last: Partial<MetricsRow> | null;
  readonly checksum: ChecksumReport | null;
  readonly seconds: number;
  /** Wall time of the preference-optimisation loop per step, logged steps included (the trainer's own clock). */
  readonly stepSeconds: number | null;
  readonly trainer: Readonly<Record<string, unknown>> | null;
  /** A loss over K ranked responses: the agreement of predicted and observed signs per response (ranked-metrics.ts).
   * Absent for a two-response loss, whose fields above then hold. */
  readonly ranked?: RankedSummary | null;
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

/** Start and end of the held-out evaluation. After a SIGKILL the last evaluation may be the step-0 one: that is
 * no end, and saying "65.6% → 65.6%" would claim the run changed nothing. */
function heldoutOf(evals: readonly EvalEvent[], completed: boolean): RunSummary['heldout'] {
  if (!evals.length) return null;
  const later = evals.slice(1);
  const end = later.length ? heldoutRow(later[later.length - 1]) : null;
  return { pairs: evals[0].pairs, start: heldoutRow(evals[0]), end, final: completed && end !== null };
}

const headline = (r: MetricsRow): Partial<MetricsRow> => {
  const { pairs: _pairs, ...rest } = r;
  return rest;
};

export function summarise(rows: readonly MetricsRow[], base: Pick<RunSummary, 'loss' | 'task' | 'error' | 'checksum' | 'seconds' | 'trainer' | 'ranked'>
  & { stepSeconds?: number | null; strayLines?: RunSummary['strayLines']; completed?: boolean }, evals: readonly EvalEvent[] = []): RunSummary {
  const { completed, strayLines, ...fields } = base;
  const pairs = rows.flatMap((r) => r.pairs);
  const rate = (f: (p: (typeof pairs)[number]) => boolean | null): number | null => {
    const known = pairs.map(f).filter((x): x is boolean => x !== null);
    return known.length ? known.filter(Boolean).length / known.length : null;
  };
  return {
    schema: 'marginlab/train-summary@1', ...fields, stepSeconds: base.stepSeconds ?? null, status: base.error ? 'error' : 'ok',
    strayLines: { count: strayLines?.count ?? 0, first: [...(strayLines?.first ?? [])] },
    loggedSteps: rows.length, pairsMeasured: pairs.length,
    agreement: rate((p) => p.agree),
    agreementChosen: rate((p) => agrees(p.pred_dlogp_w_sign as number, p.obs_dlogp_w as number)),
    agreementRejected: rate((p) => agrees(p.pred_dlogp_l_sign as number, p.obs_dlogp_l as number)),
    marginlabAgreement: rate((p) => p.ml_agree),
    variant: rows[0]?.variant ?? 'none',
    gram: rows[0]?.gram ?? null,
    case1Share: share(rows.map((r) => r.case1_fo)), case1ObsShare: share(rows.map((r) => r.case1_obs)),
    case1PairShare: share(pairs.map((p) => case1Of(p, 'fo'))),
    heldout: heldoutOf(evals, completed ?? base.error === null),
    ches: compareChes(pairs),
    first: rows.length ? headline(rows[0]) : null,
    last: rows.length ? headline(rows[rows.length - 1]) : null,
  };
}

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);

/** The held-out line of `train`'s report: an end only where there is one, and "final" only where it is. */
export function heldoutText(h: NonNullable<RunSummary['heldout']>): string {
  const head = `held-out preference accuracy (${h.pairs} pairs, log π_w > log π_l): `;
  if (!h.end) return `${head}${pct(h.start.pref_acc)} at step ${h.start.step}; no final evaluation (the run stopped before one)`;
  if (!h.final) {
    return `${head}${pct(h.start.pref_acc)} (step ${h.start.step}) → ${pct(h.end.pref_acc)} (step ${h.end.step}, the last evaluation before the run stopped; no final evaluation); implicit-reward accuracy ${pct(h.end.reward_acc)}`;
  }
  return `${head}${pct(h.start.pref_acc)} → ${pct(h.end.pref_acc)}; implicit-reward accuracy ${pct(h.end.reward_acc)}`;
}

/** The stray-line note: how many lines of the trainer's stdout were not protocol events, and the first. */
export function strayText(st: RunSummary['strayLines']): string | undefined {
  if (st.count === 0) return undefined;
  const first = st.first[0];
  return `${st.count} line${st.count === 1 ? '' : 's'} of the trainer's stdout ${st.count === 1 ? 'was' : 'were'} not protocol events and ${st.count === 1 ? 'was' : 'were'} skipped${first ? ` (first, line ${first.line}: '${first.text}')` : ''}; diagnostics belong on stderr`;
}
