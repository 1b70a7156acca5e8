// A claim of the paper (or of a user's claims file): where it is printed, what it states, how marginlab
// checks it, and the check itself, which returns a Verdict (src/numeric/verdict.ts).

import type { Verdict } from '../numeric/verdict.js';
import type { CheckBudget } from '../symbolic/check-budget.js';

export type Method = 'symbolic' | 'numeric' | 'symbolic+numeric';

export interface CheckContext {
  readonly seed: number;
  /** Sample budget per sampled check. */
  readonly samples: number;
  /** The interval proofs' time budget per proof, and whether they run (the CLI's --budget, --no-prove); none: no limit. */
  readonly time?: CheckBudget;
}

export interface Claim {
  readonly id: string;
  /** Where the paper prints it: section, equation, table row. */
  readonly where: string;
  /** What it states, in the paper's terms. */
  readonly statement: string;
  readonly method: Method;
  /** How marginlab checks it, in one sentence. */
  readonly how: string;
  readonly check: (ctx: CheckContext) => Verdict | Promise<Verdict>;
}

export interface ClaimResult {
  readonly id: string;
  readonly where: string;
  readonly statement: string;
  readonly method: Method;
  readonly how: string;
  readonly verdict: Verdict;
}
