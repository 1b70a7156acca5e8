// Which theorem checks to run, at which sizes: validated before anything is allocated — an unknown
// check, a support larger than the vocabulary, or a size whose memory estimate is above the cap is a
// coded refusal.

import { type MarginError, type Result, didYouMean, fail, ok } from '../../errors.js';
import { CHECKS, CHECK_IDS, type CheckId } from './index.js';

export interface CheckSizes {
  readonly vocab?: number;
  readonly dim?: number;
  readonly support?: number;
  /** Refuse sizes whose estimated memory exceeds this many MiB. */
  readonly maxMemory: number;
  /** The user named a loss of their own, which only the checks that take losses can use. */
  readonly ownLoss?: boolean;
}

const MIB = 1024 * 1024;
export const DEFAULT_MEMORY_CAP_MIB = 2048;

const usage = (message: string, hint?: string): MarginError => ({ code: 'E_USAGE', message, hint, at: { slot: 'verify' } });

export function planChecks(which: string, o: CheckSizes): Result<CheckId[]> {
  const ids: CheckId[] = which === 'all' ? [...CHECK_IDS] : (CHECK_IDS as readonly string[]).includes(which) ? [which as CheckId] : [];
  if (ids.length === 0) {
    const guess = didYouMean(which, [...CHECK_IDS, 'all']);
    return fail(usage(`unknown check '${which}'`, guess ? `did you mean '${guess}'?` : `choose one of ${[...CHECK_IDS, 'all'].join(', ')}`));
  }
  if (o.ownLoss && !ids.some((id) => CHECKS[id].takesLoss)) {
    const takers = CHECK_IDS.filter((id) => CHECKS[id].takesLoss);
    return fail(usage(`${which} checks a theorem about a model, not a loss: a loss applies to ${takers.join(' and ')}`, `run \`marginlab verify ${takers[0]} --loss …\`, or leave the loss out`));
  }
  for (const id of ids) {
    const e = CHECKS[id];
    const vocab = o.vocab ?? e.defaults.vocab, dim = o.dim ?? e.defaults.dim;
    if (o.support !== undefined && e.takesSupport && o.support > vocab) {
      return fail(usage(`--support M = ${o.support} is larger than the vocabulary V = ${vocab} (${id}); a distribution cannot be uniform on more tokens than exist`));
    }
    if (id === 'cases' && dim < 2) return fail(usage('cases needs --dim >= 2 (free gradient pairs of any correlation)'));
    const bytes = e.memory({ vocab, dim });
    if (bytes > o.maxMemory * MIB) {
      return fail(usage(`${id} at V = ${vocab}, d = ${dim} would need about ${(bytes / MIB).toFixed(0)} MiB, above the cap of ${o.maxMemory} MiB`,
        'lower --vocab/--dim, or raise --max-memory if the machine has the memory'));
    }
  }
  return ok(ids);
}
