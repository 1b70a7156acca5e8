// The sign of each weight of a loss over K ranked responses, decided on the whole domain: in each regime,
// is d_k > 0 everywhere (response k is always pushed up), d_k < 0 everywhere (always pushed down), or
// neither (a witness for each side)? Two interval proofs per weight and regime, as the two-response
// direction proofs (direction.ts) are; a proof the budget cuts off is UNDECIDED.
import { auditBox } from './domain.js';
import { type ProofResult, prove } from './prove.js';
import type { RankedDerivation } from '../ranked.js';

export interface RankedSign {
  /** 'positive' / 'negative': proved on the whole regime; 'both': each sign refuted by a certified witness. */
  readonly sign: 'positive' | 'negative' | 'both' | 'undecided';
  /** d_k > 0 on the regime. */
  readonly above: ProofResult;
  /** d_k < 0 on the regime; not tried when d_k > 0 was proved. */
  readonly below?: ProofResult;
}

export interface RankedRegimeSigns { readonly index: number; readonly label: string; readonly d: readonly RankedSign[] }

const signOf = (above: ProofResult, below: ProofResult): RankedSign['sign'] =>
  below.status === 'proved' ? 'negative' : above.status === 'refuted' && below.status === 'refuted' ? 'both' : 'undecided';

/** `budget` boxes per proof; `timeLimitMs` for all of them together (shared equally). */
export function proveRankedSigns(d: RankedDerivation, o: { budget?: number; timeLimitMs?: number } = {}): RankedRegimeSigns[] {
  const box = auditBox(d.spec);
  const share = o.timeLimitMs === undefined ? undefined : o.timeLimitMs / (2 * d.K * d.regimes.length);
  return d.regimes.map((r) => {
    const conditions = r.constraints.map((c) => ({ g: c.g, side: c.side }));
    return {
      index: r.index, label: r.label,
      d: r.d.map((e) => {
        const above = prove(e, '>', box, { budget: o.budget ?? 2000, timeLimitMs: share, conditions });
        if (above.status === 'proved') return { sign: 'positive' as const, above };
        const below = prove(e, '<', box, { budget: o.budget ?? 2000, timeLimitMs: share, conditions });
        return { sign: signOf(above, below), above, below };
      }),
    };
  });
}
