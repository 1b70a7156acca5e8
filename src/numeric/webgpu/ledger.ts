// The f32 error ledger: for every operation the WebGPU backend ran, how far its result was from the
// float64 CPU result on the same inputs, measured against the bound ./bounds.ts derives for that
// operation at that size. A ratio ≤ 1 is f32 round-off; above 1 is a wrong kernel (or inputs outside f32's
// range), and is a violation whatever the check concluded.

export interface OpStats {
  count: number;
  /** Largest |f32 − f64| / bound: ≤ 1 means every result was within its derived tolerance. */
  maxRatio: number;
  maxAbsError: number;
  /** Largest |f32 − f64| / |f64| over elements whose f64 value is a normal f32 number. */
  maxRelError: number;
  /** Largest problem size seen (elements of the longest input). */
  maxSize: number;
}

export interface Violation {
  readonly op: string;
  readonly shape: string;
  readonly index: number;
  readonly f32: number;
  readonly f64: number;
  readonly bound: number;
}

export interface PrecisionLedger {
  readonly ops: Record<string, OpStats>;
  violations: number;
  firstViolation?: Violation;
}

export const newLedger = (): PrecisionLedger => ({ ops: {}, violations: 0 });

const NORMAL_MIN = 2 ** -126;

/** Record one op's results (scalars or arrays) against their bounds; returns whether all were within. */
export function record(l: PrecisionLedger, op: string, shape: string, size: number,
  f32: ArrayLike<number>, f64: ArrayLike<number>, bound: ArrayLike<number> | number): boolean {
  const s = (l.ops[op] ??= { count: 0, maxRatio: 0, maxAbsError: 0, maxRelError: 0, maxSize: 0 });
  s.count++;
  s.maxSize = Math.max(s.maxSize, size);
  let ok = true;
  for (let q = 0; q < f64.length; q++) {
    const a = f32[q], b = f64[q];
    const tol = typeof bound === 'number' ? bound : bound[q];
    // Equal infinities (or an exactly equal pair) agree; any other non-finite result does not.
    const err = a === b ? 0 : Math.abs(a - b);
    const ratio = err === 0 ? 0 : Number.isFinite(err) && tol > 0 ? err / tol : Infinity;
    if (!(ratio <= s.maxRatio)) s.maxRatio = ratio;
    if (!(err <= s.maxAbsError)) s.maxAbsError = err;
    if (Math.abs(b) >= NORMAL_MIN) {
      const rel = err / Math.abs(b);
      if (!(rel <= s.maxRelError)) s.maxRelError = rel;
    }
    if (!(ratio <= 1)) {
      ok = false;
      l.violations++;
      l.firstViolation ??= { op, shape, index: q, f32: a, f64: b, bound: tol };
    }
  }
  return ok;
}

/** The worst ratio over all ops (how much of the derived tolerance f32 actually used). */
export const worstRatio = (l: PrecisionLedger): number => Math.max(0, ...Object.values(l.ops).map((s) => s.maxRatio));
export const opCount = (l: PrecisionLedger): number => Object.values(l.ops).reduce((a, s) => a + s.count, 0);
