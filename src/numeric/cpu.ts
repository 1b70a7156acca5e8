// The float64 CPU backend: plain loops over Float64Arrays, no dependencies. Long sums are blocked (a
// sum of block sums), which keeps the round-off of a 38-million-term Frobenius product near √n·ε
// rather than n·ε — the benchmark compares the materialised gradient to the structured one at 1e-9.

import type { Backend, OuterSum } from './backend.js';

const BLOCK = 1024;

function blockedDot(x: Float64Array, y: Float64Array, xOff = 0, yOff = 0, len = x.length - xOff): number {
  let total = 0;
  for (let start = 0; start < len; start += BLOCK) {
    const end = Math.min(len, start + BLOCK);
    let s = 0;
    for (let k = start; k < end; k++) s += x[xOff + k] * y[yOff + k];
    total += s;
  }
  return total;
}

function blockedSum(x: Float64Array): number {
  let total = 0;
  for (let start = 0; start < x.length; start += BLOCK) {
    const end = Math.min(x.length, start + BLOCK);
    let s = 0;
    for (let k = start; k < end; k++) s += x[k];
    total += s;
  }
  return total;
}

function rowMax(x: Float64Array, off: number, cols: number): number {
  let m = -Infinity;
  for (let j = 0; j < cols; j++) if (x[off + j] > m) m = x[off + j];
  return m;
}

export function softmaxSync(x: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const off = i * cols;
    const m = rowMax(x, off, cols);
    let z = 0;
    for (let j = 0; j < cols; j++) { const e = Math.exp(x[off + j] - m); out[off + j] = e; z += e; }
    const inv = 1 / z;
    for (let j = 0; j < cols; j++) out[off + j] *= inv;
  }
  return out;
}

export function logSoftmaxSync(x: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const off = i * cols;
    const m = rowMax(x, off, cols);
    let z = 0;
    for (let j = 0; j < cols; j++) z += Math.exp(x[off + j] - m);
    const lz = m + Math.log(z);
    for (let j = 0; j < cols; j++) out[off + j] = x[off + j] - lz;
  }
  return out;
}

export function logitsSync(hidden: Float64Array, n: number, theta: Float64Array, d: number, V: number): Float64Array {
  const out = new Float64Array(n * V);
  for (let i = 0; i < n; i++) {
    const o = i * V;
    for (let k = 0; k < d; k++) {
      const h = hidden[i * d + k];
      if (h === 0) continue;
      const t = k * V;
      for (let v = 0; v < V; v++) out[o + v] += h * theta[t + v];
    }
  }
  return out;
}

export function outerInnerSync(a: OuterSum, b: OuterSum): number {
  if (a.d !== b.d || a.V !== b.V) throw new RangeError(`gradient shapes differ: ${a.d}×${a.V} vs ${b.d}×${b.V}`);
  let total = 0;
  for (let i = 0; i < a.n; i++) {
    for (let j = 0; j < b.n; j++) {
      const hh = blockedDot(a.hidden, b.hidden, i * a.d, j * b.d, a.d);
      if (hh === 0) continue;
      total += hh * blockedDot(a.vocab, b.vocab, i * a.V, j * b.V, a.V);
    }
  }
  return total;
}

export function addOuterSync(theta: Float64Array, alpha: number, g: OuterSum): void {
  const { d, V } = g;
  for (let i = 0; i < g.n; i++) {
    for (let k = 0; k < d; k++) {
      const c = alpha * g.hidden[i * d + k];
      if (c === 0) continue;
      const t = k * V, r = i * V;
      for (let v = 0; v < V; v++) theta[t + v] += c * g.vocab[r + v];
    }
  }
}

export const cpuBackend: Backend = {
  kind: 'cpu',
  softmax: async (x, rows, cols) => softmaxSync(x, rows, cols),
  logSoftmax: async (x, rows, cols) => logSoftmaxSync(x, rows, cols),
  logits: async (hidden, n, theta, d, V) => logitsSync(hidden, n, theta, d, V),
  outerInner: async (a, b) => outerInnerSync(a, b),
  materialise: async (g) => {
    const out = new Float64Array(g.d * g.V);
    addOuterSync(out, 1, g);
    return out;
  },
  addOuter: async (theta, alpha, g) => addOuterSync(theta, alpha, g),
  dot: async (x, y) => {
    if (x.length !== y.length) throw new RangeError(`dot of lengths ${x.length} and ${y.length}`);
    return blockedDot(x, y);
  },
  axpy: async (alpha, x, y) => {
    if (x.length !== y.length) throw new RangeError(`axpy of lengths ${x.length} and ${y.length}`);
    const out = new Float64Array(y.length);
    for (let k = 0; k < y.length; k++) out[k] = y[k] + alpha * x[k];
    return out;
  },
  sum: async (x) => blockedSum(x),
};
