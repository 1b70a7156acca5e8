// Seeded samplers for the checks. They draw on the CPU from src/util/prng.ts, so the same seed gives the
// same bits whichever backend does the arithmetic afterwards.

import { type Rng, logUniform } from '../util/prng.js';

export function normalVector(rng: Rng, n: number, scale = 1): Float64Array {
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = scale * rng.normal();
  return out;
}

/** Uniform on [−scale, scale): cheaper than normals for d×V parameter matrices. */
export function uniformVector(rng: Rng, n: number, scale = 1): Float64Array {
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = scale * (2 * rng.next() - 1);
  return out;
}

export function norm2(x: Float64Array, off = 0, len = x.length - off): number {
  let s = 0;
  for (let k = 0; k < len; k++) s += x[off + k] * x[off + k];
  return s;
}

/** A vector in R^d with Euclidean norm `length`, direction uniform on the sphere. */
export function vectorOfNorm(rng: Rng, d: number, length: number): Float64Array {
  let v = normalVector(rng, d);
  let n2 = norm2(v);
  while (n2 === 0) { v = normalVector(rng, d); n2 = norm2(v); }
  const c = length / Math.sqrt(n2);
  for (let k = 0; k < d; k++) v[k] *= c;
  return v;
}

/** M distinct indices of [0, V), in random order (partial Fisher–Yates, O(M) memory via a map). */
export function distinctIndices(rng: Rng, V: number, M: number): number[] {
  if (M > V) throw new RangeError(`cannot pick ${M} distinct indices from ${V}`);
  const swapped = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < M; i++) {
    const j = rng.int(i, V - 1);
    const vi = swapped.get(i) ?? i;
    const vj = swapped.get(j) ?? j;
    swapped.set(j, vi);
    out.push(vj);
  }
  return out;
}

/** A random point of the simplex Δ_V: normalised E^{1/c} with E ~ Exp(1) (flat Dirichlet at c = 1; smaller c, spikier). */
export function randomDistribution(rng: Rng, V: number, concentration = 1): Float64Array {
  const out = new Float64Array(V);
  let z = 0;
  for (let j = 0; j < V; j++) {
    let u = 0;
    while (u === 0) u = rng.next();
    out[j] = Math.pow(-Math.log(u), 1 / concentration);
    z += out[j];
  }
  for (let j = 0; j < V; j++) out[j] /= z;
  return out;
}

/** An integer log-uniform on [lo, hi]. */
export const intLogUniform = (rng: Rng, lo: number, hi: number): number =>
  Math.min(hi, Math.max(lo, Math.round(logUniform(rng, lo, hi))));
