// The proof checks by name, with their default sizes and what they will allocate — the CLI and the
// paper audit both go through this table.

import type { Verdict } from '../verdict.js';
import type { CheckOptions } from './evidence.js';
import type { LossSpec } from '../../loss/types.js';
import { theorem1, theorem1Defaults } from './theorem1.js';
import { corollary2, corollary2Defaults } from './corollary2.js';
import { theorem3, theorem3Defaults } from './theorem3.js';
import { taylor, taylorDefaults } from './taylor.js';
import { cases, casesDefaults } from './cases.js';

export { theorem1, THEOREM1_CLAIM, type Theorem1Claim, type Theorem1Options } from './theorem1.js';
export { corollary2, ASSUMPTION_ORTHOGONAL, type Corollary2Options } from './corollary2.js';
export { theorem3, THEOREM3_PRINTED, PAL_ASSUMPTION, type Theorem3Claims, type Theorem3Options } from './theorem3.js';
export { taylor, catalogueSpecs, type TaylorOptions } from './taylor.js';
export { cases, type CasesOptions, type Predictor } from './cases.js';
export type { CheckOptions } from './evidence.js';

export const CHECK_IDS = ['theorem1', 'corollary2', 'theorem3', 'taylor', 'cases'] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export interface Sizes { readonly vocab: number; readonly dim: number }

export interface CheckEntry {
  readonly id: CheckId;
  readonly title: string;
  readonly defaults: { readonly samples: number; readonly vocab: number; readonly dim: number };
  /** Whether --support M applies. */
  readonly takesSupport: boolean;
  /** Whether the check runs on losses (the catalogue's, or the user's own: `verify taylor --loss …`). */
  readonly takesLoss: boolean;
  /** Peak bytes the check allocates at these maximum sizes (an estimate, for refusing before running). */
  memory(s: Sizes): number;
  run(o: CheckOptions & { support?: number; losses?: readonly LossSpec[] }): Promise<Verdict>;
}

const F64 = 8;
/** Largest d·V the last-linear checks also materialise (keep in step with theorem1.ts). */
const MATERIALISE_LIMIT = 1 << 20;

export const CHECKS: Readonly<Record<CheckId, CheckEntry>> = {
  theorem1: { id: 'theorem1', title: 'Theorem 1: ⟨∇w,∇l⟩ = −‖h‖²/M, ‖∇w‖² = ‖∇l‖² = (M−1)/M‖h‖² (and for any s)', defaults: theorem1Defaults, takesSupport: true, takesLoss: false,
    // θ, a stepped copy, a finite-difference copy, the two materialised gradients where small, O(V) vectors.
    memory: ({ vocab: V, dim: d }) => F64 * (3 * d * V + (d * V <= MATERIALISE_LIMIT ? 2 * d * V : 0) + 16 * V + 4 * d),
    run: (o) => theorem1(o) },
  corollary2: { id: 'corollary2', title: 'Corollary 2: responses differing at the last token', defaults: corollary2Defaults, takesSupport: true, takesLoss: false,
    memory: ({ vocab: V, dim: d }) => F64 * (3 * d * V + 64 * V + 16 * d),
    run: (o) => corollary2(o) },
  theorem3: { id: 'theorem3', title: 'Theorem 3: per-position changes (11), (12)/(21), (13) under edit distance 1', defaults: theorem3Defaults, takesSupport: false, takesLoss: false,
    // a few L×V arrays with L ≤ 18, per model, a handful of models alive at once
    memory: ({ vocab: V }) => F64 * 18 * V * 40,
    run: (o) => theorem3(o) },
  taylor: { id: 'taylor', title: 'First-order expansion of section 3.2, every catalogue loss (or yours), O(η²) error', defaults: taylorDefaults, takesSupport: false, takesLoss: true,
    memory: ({ vocab: V, dim: d }) => F64 * (4 * d * V + 16 * V),
    run: (o) => taylor(o) },
  cases: { id: 'cases', title: 'Table 1 / conditions (9)/(10) against the signs of actual first-order changes', defaults: casesDefaults, takesSupport: false, takesLoss: true,
    memory: ({ dim: d }) => F64 * 8 * d,
    run: (o) => cases(o) },
};
