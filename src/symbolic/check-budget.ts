// How much checking a command does for one loss beyond its derivation: the sampled direction audit and
// the interval proofs. The library's default is no time limit — the same input gives the same output on
// any machine, which `npm run tables` and the docs' staleness tests rely on — and the command line's is
// about a second per loss (--budget <ms>), so that a large loss answers in time instead of running for
// minutes. What a cut-off leaves is said, never hidden: a proof stopped by the clock is UNDECIDED
// (never PROVED or REFUTED) and names the limit; an audit stopped by the clock says how many of its
// samples it drew.

export interface CheckBudget {
  /** Run the interval proofs at all (--no-prove: no). */
  readonly prove?: boolean;
  /** Wall-clock milliseconds for the audit and the proofs of one loss; undefined: no limit. */
  readonly ms?: number;
  /** 'complete': the audit draws all its samples whatever the clock says, and `ms` bounds the proofs alone
   * (a table states its audit's sample count in its notes, so it must have drawn them all). */
  readonly audit?: 'bounded' | 'complete';
}

/** The command line's default --budget: about a second per loss. */
export const CLI_BUDGET_MS = 1000;

/** The share of a budget the sampled audit may use when proofs follow (they get the rest). */
export const AUDIT_SHARE = 0.5;

/** A deadline on performance.now()'s clock; Infinity when there is no limit. */
export const deadlineAfter = (ms: number | undefined, now = performance.now()): number => (ms === undefined ? Infinity : now + ms);
