// Shared pieces of the checks: their options, an error tally that keeps the worst sample, and the
// log-log slope fit behind "verified to first order".

import type { Backend } from '../backend.js';
import { cpuBackend } from '../cpu.js';
import { type Rng, makeRng } from '../../util/prng.js';

export interface CheckOptions {
  readonly backend?: Backend;
  readonly samples?: number;
  readonly seed?: number;
  /** Largest vocabulary size a sample may use. */
  readonly vocab?: number;
  /** Largest hidden size a sample may use. */
  readonly dim?: number;
  /** Called after each sample (for a progress bar). */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface Resolved {
  readonly backend: Backend;
  readonly samples: number;
  readonly seed: number;
  readonly vocab: number;
  readonly dim: number;
  readonly progress: (done: number, total: number) => void;
}

export function resolve(o: CheckOptions, defaults: { samples: number; vocab: number; dim: number }): Resolved {
  const r = {
    backend: o.backend ?? cpuBackend,
    samples: o.samples ?? defaults.samples,
    seed: o.seed ?? 1,
    vocab: o.vocab ?? defaults.vocab,
    dim: o.dim ?? defaults.dim,
    progress: o.onProgress ?? (() => undefined),
  };
  if (!Number.isInteger(r.samples) || r.samples < 1) throw new RangeError(`samples must be a whole number ≥ 1, got ${r.samples}`);
  if (!Number.isFinite(r.seed)) throw new RangeError(`seed must be finite, got ${r.seed}`);
  if (!Number.isInteger(r.vocab) || r.vocab < 2) throw new RangeError(`vocab must be a whole number ≥ 2, got ${r.vocab}`);
  if (!Number.isInteger(r.dim) || r.dim < 1) throw new RangeError(`dim must be a whole number ≥ 1, got ${r.dim}`);
  return r;
}

/** What every check starts from: its options resolved against its defaults, its seeded RNG, its clock. */
export interface CheckSetup extends Resolved {
  readonly rng: Rng;
  readonly t0: number;
}

export function setupCheck(o: CheckOptions, defaults: { samples: number; vocab: number; dim: number }): CheckSetup {
  const t0 = performance.now();
  const r = resolve(o, defaults);
  return { ...r, rng: makeRng(r.seed), t0 };
}

/** A fixed support size M (theorem 1, corollary 2) is a whole number in [2, V]. */
export function checkSupport(support: number | undefined, vocab: number): void {
  if (support !== undefined && (!Number.isInteger(support) || support < 2 || support > vocab)) {
    throw new RangeError(`support M must be a whole number in [2, V = ${vocab}], got ${support}`);
  }
}

/** Off-support logit: exp(−1000) underflows to exactly 0, so a distribution is exactly uniform on its support. */
export const OFF_SUPPORT = -1000;

/** Relative error with a floor on the denominator, so a claim of 0 is judged on the quantity's scale. */
export function relError(actual: number, claimed: number, scale: number): number {
  return Math.abs(actual - claimed) / Math.max(Math.abs(claimed), scale);
}

/** Tracks the largest absolute and relative error over samples and which sample gave it. */
export class Tally {
  maxAbs = 0;
  maxRel = 0;
  worst: Record<string, unknown> | undefined;
  failures = 0;
  firstFailure: Record<string, unknown> | undefined;

  /** Record one comparison; `ok` is the check's own pass criterion for it. */
  add(abs: number, rel: number, ok: boolean, sample: () => Record<string, unknown>): void {
    if (!(abs <= this.maxAbs)) this.maxAbs = abs;
    if (!(rel <= this.maxRel)) { this.maxRel = rel; this.worst = sample(); }
    if (!ok) {
      this.failures++;
      if (!this.firstFailure) this.firstFailure = sample();
    }
  }
}

/** Least-squares slope of log y against log x (points with y = 0 are dropped). */
export function logLogSlope(xs: readonly number[], ys: readonly number[]): number {
  const pts = xs.map((x, i) => [Math.log(x), Math.log(ys[i])] as const).filter(([, y]) => Number.isFinite(y));
  if (pts.length < 2) return NaN;
  const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
  const my = pts.reduce((s, p) => s + p[1], 0) / pts.length;
  let sxy = 0, sxx = 0;
  for (const [x, y] of pts) { sxy += (x - mx) * (y - my); sxx += (x - mx) ** 2; }
  return sxy / sxx;
}

/** Seconds since `t0` (performance.now() milliseconds). */
export const secondsSince = (t0: number): number => (performance.now() - t0) / 1000;

/** A number for evidence: six significant digits. */
export const sig = (x: number): number => Number(x.toPrecision(6));
