// How far an f32 result may honestly be from the float64 one. Standard rounding-error analysis (Higham,
// "Accuracy and Stability of Numerical Algorithms", §2–3): with unit round-off u = 2⁻²⁴, a result formed
// with k roundings per term satisfies |ŷ − y| ≤ γ_k Σ|terms|, γ_k = ku/(1 − ku). Here k is counted from the
// kernels' actual shape (./plan.ts: the f64→f32 conversions, the products, the serial loop and the
// log₂128-deep tree), so the tolerance grows with the problem size the way the error can — and a dropped
// term (an off-by-one) is still far outside it. WGSL's exp is accurate to 3 + 2|x| ULP, log to 3 ULP
// (absolute 2⁻²¹ near 1) and division to 2.5 ULP; one ULP is at most 2u relative.

import type { OuterSum } from '../backend.js';
import { columnTile, reducePlan, rowDepth } from './plan.js';

export const U = 2 ** -24;
/** Flush-to-zero granularity: GPUs may treat f32 subnormals as zero, an absolute error up to 2⁻¹²⁶ each. */
export const TINY = 2 ** -126;
/** Second-order terms the first-order analysis drops (products of two u-sized errors): 1% headroom. */
const SLACK = 1.01;

export const gamma = (k: number): number => {
  if (k * U >= 1) return Infinity;
  return (k * U) / (1 - k * U);
};

/** Σ x_k: conversion + the additions of the tiled tree. */
export function sumBound(x: Float64Array, maxElems: number): number {
  let abs = 0;
  for (const v of x) abs += Math.abs(v);
  return SLACK * (gamma(reducePlan(x.length, maxElems).depth + 1) * abs + TINY * (x.length + 1));
}

/** Σ x_k y_k: two conversions and a product per term, then the tree. */
export function dotBound(x: Float64Array, y: Float64Array, maxElems: number): number {
  let abs = 0, flushed = 0;
  for (let k = 0; k < x.length; k++) { abs += Math.abs(x[k] * y[k]); flushed += Math.abs(x[k]) + Math.abs(y[k]); }
  return SLACK * (gamma(reducePlan(x.length, maxElems).depth + 3) * abs + TINY * (flushed + x.length + 1));
}

/** Per element of y + αx: conversions of x, y, α, one product, one addition. */
export function axpyBound(alpha: number, x: Float64Array, y: Float64Array): Float64Array {
  return y.map((v, k) => SLACK * (gamma(5) * (Math.abs(v) + Math.abs(alpha * x[k])) + 2 * TINY));
}

/**
 * Per element of softmax or log-softmax, given the float64 reference `ref` of the same op. The exponent
 * x_j − max carries 2u(|x_j| + |max|) from rounding; exp adds (3 + 2|x_j − max|) ULP; Z = Σ exp inherits
 * the s-weighted mean of those plus the row tree's γ; the division or the log and the subtractions close it.
 */
export function softmaxBound(log: boolean, x: Float64Array, rows: number, cols: number, ref: Float64Array): Float64Array {
  const tol = new Float64Array(rows * cols);
  const gZ = gamma(rowDepth(cols));
  const expErr = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const off = i * cols;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, x[off + j]);
    let relZ = gZ, z = 0;
    for (let j = 0; j < cols; j++) {
      const arg = x[off + j] - m;
      expErr[j] = 2 * U * (Math.abs(x[off + j]) + Math.abs(m)) + 2 * U * (3 + 2 * Math.abs(arg));
      const s = Math.exp(arg);
      z += s;
      relZ += s * expErr[j];
    }
    relZ = gZ + (relZ - gZ) / z;
    const logZ = Math.log(z);
    const logErr = relZ + Math.max(6 * U * Math.abs(logZ), 2 ** -21);
    for (let j = 0; j < cols; j++) {
      tol[off + j] = log
        ? SLACK * (2 * U * (Math.abs(x[off + j]) + Math.abs(m)) + logErr + 4 * U * Math.abs(ref[off + j])) + TINY
        : SLACK * Math.abs(ref[off + j]) * (expErr[j] + relZ + 5 * U) + 2 * TINY;
    }
  }
  return tol;
}

/** Per element of H θ: d-term serial dot products, γ_{d+3} Σ_k |h_ik θ_kv|. */
export function logitsBound(hidden: Float64Array, n: number, theta: Float64Array, d: number, V: number): Float64Array {
  const abs = new Float64Array(n * V);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) {
      const h = Math.abs(hidden[i * d + k]);
      for (let v = 0; v < V; v++) abs[i * V + v] += h * Math.abs(theta[k * V + v]);
    }
  }
  const g = gamma(d + 3);
  return abs.map((a) => SLACK * (g * a + TINY * (d + 1)));
}

/** Per element of θ + α Σ_i h_i⊗r_i: n-term serial sums, γ_{n+5}(|θ| + |α| Σ_i |h_ik r_iv|). */
export function addOuterBound(theta: Float64Array | undefined, alpha: number, g: OuterSum): Float64Array {
  const { n, d, V } = g;
  const tol = new Float64Array(d * V);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) {
      const c = Math.abs(alpha * g.hidden[i * d + k]);
      for (let v = 0; v < V; v++) tol[k * V + v] += c * Math.abs(g.vocab[i * V + v]);
    }
  }
  const gm = gamma(n + 5);
  for (let q = 0; q < tol.length; q++) tol[q] = SLACK * (gm * (tol[q] + (theta ? Math.abs(theta[q]) : 0)) + TINY * (n + 2));
  return tol;
}

/** ⟨Σ h_i⊗r_i, Σ h'_j⊗r'_j⟩: every term h h' r r' goes through 4 conversions, 3 products and three trees. */
export function outerInnerBound(a: OuterSum, b: OuterSum, maxElems: number): number {
  let abs = 0;
  for (let i = 0; i < a.n; i++) {
    for (let j = 0; j < b.n; j++) {
      let hh = 0, rr = 0;
      for (let k = 0; k < a.d; k++) hh += Math.abs(a.hidden[i * a.d + k] * b.hidden[j * b.d + k]);
      for (let v = 0; v < a.V; v++) rr += Math.abs(a.vocab[i * a.V + v] * b.vocab[j * b.V + v]);
      abs += hh * rr;
    }
  }
  const tile = columnTile(a.V, maxElems, a.n, b.n);
  const tiles = Math.ceil(a.V / tile);
  const depth = 7 + rowDepth(Math.min(a.V, tile)) + rowDepth(a.d) + rowDepth(tiles * a.n * b.n);
  return SLACK * (gamma(depth) * abs + TINY * (a.n * b.n * (a.d + a.V) + 1));
}
