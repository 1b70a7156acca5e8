// What every check returns: a status, a one-line summary, and the evidence behind it. The paper audit
// (src/claims) and `marginlab verify` both speak this type.

export type VerdictStatus =
  /** Holds exactly (to float64 round-off) on every sample. */
  | 'verified'
  /** Holds to first order in η only: the error shrinks as O(η²). */
  | 'verified-first-order'
  /** Holds only under an extra assumption, which `assumption` names. */
  | 'needs-assumption'
  /** Fails: `evidence.worst` is a counterexample. */
  | 'refuted'
  /** Proved on a whole domain (interval arithmetic), not only sampled. */
  | 'proved'
  /** Nothing decided: no sample met the premises, or a proof ran out of budget. */
  | 'undecided';

export interface Evidence {
  readonly samples: number;
  readonly seed: number;
  readonly maxAbsError: number;
  readonly maxRelError: number;
  /** The worst sample (largest error) or the counterexample, as plain data. */
  readonly worst?: Readonly<Record<string, unknown>>;
  readonly notes?: readonly string[];
}

export interface Verdict {
  readonly id: string;
  readonly status: VerdictStatus;
  readonly summary: string;
  readonly assumption?: string;
  readonly evidence: Evidence;
  readonly backend: 'cpu' | 'webgpu' | 'symbolic';
  readonly seconds?: number;
}
