// Which sign branches of conditions (9)/(10) a table shows. conditionsFor() gives every branch (d > 0,
// d < 0, d = 0); a table shows those that occur: the d = 0 branch only where the divisor is identically
// zero in the regime, the d < 0 branch only where the direction audit sampled a negative divisor, and
// the d > 0 branch where the audit saw it (or sampled nothing in the regime, which is then marked).
// A sampled zero that is not an identical zero is σ underflowing at extreme points; it is recorded,
// not shown as a branch.

import type { DirectionAudit } from '../../symbolic/audit.js';
import type { ConditionBranch, DirectionCondition, Sign } from '../../symbolic/conditions.js';
import type { Regime } from '../../symbolic/derive.js';

export interface RegimeSigns {
  /** Samples the audit drew in this regime. */
  readonly samples: number;
  readonly dW: readonly Sign[];
  readonly dL: readonly Sign[];
}

export function regimeSigns(r: Regime, audit: DirectionAudit): RegimeSigns {
  const reg = audit.regimes.find((x) => x.index === r.index);
  return { samples: reg?.hits ?? 0, dW: reg?.dWSigns ?? [], dL: reg?.dLSigns ?? [] };
}

const isZero = (r: Regime, w: 'dW' | 'dL') => r[w].kind === 'num' && r[w].value === 0;

/** The signs a weight takes in a regime, for choosing branches: identical zero, or the sampled ±. */
export function signsShown(r: Regime, w: 'dW' | 'dL', s: RegimeSigns): Sign[] {
  if (isZero(r, w)) return ['zero'];
  const seen = s[w].filter((x) => x !== 'zero');
  return seen.length ? (['positive', 'negative'] as const).filter((x) => seen.includes(x)) : ['positive'];
}

export function shownBranches(c: DirectionCondition, r: Regime, s: RegimeSigns): ConditionBranch[] {
  const divisor = c.branches[0].divisor;
  const signs = signsShown(r, divisor, s);
  return c.branches.filter((b) => signs.includes(b.sign));
}
