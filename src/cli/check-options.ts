// --budget <ms> and --no-prove, for the commands that check a loss beyond deriving it (derive, table,
// audit): how long the sampled audit and the interval proofs of one loss may take, and whether the
// proofs run at all. The mechanics are in symbolic/check-budget.ts.
import type { Command } from 'commander';
import { CLI_BUDGET_MS, type CheckBudget } from '../symbolic/check-budget.js';
import { positiveInt } from './options.js';

export interface CheckOptions { readonly budget: number; readonly prove: boolean }

export function checkOptions(cmd: Command, what = 'the direction audit and the interval proofs of one loss'): Command {
  return cmd
    .option('--budget <ms>', `milliseconds for ${what} (a proof cut off is UNDECIDED, and the output says the budget ran out)`, positiveInt('--budget'), CLI_BUDGET_MS)
    .option('--no-prove', 'skip the interval proofs');
}

export const checkBudget = (o: CheckOptions): CheckBudget => ({ ms: o.budget, prove: o.prove });
