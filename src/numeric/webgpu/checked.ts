// A Backend that runs every operation twice — on the WebGPU backend (f32) and on the CPU backend (f64),
// on the same inputs — and books the difference against the derived bound in a ledger. It passes the f32
// result on (so a check run through it sees what f32 arithmetic gives), except where the f32 result broke
// its bound: then it passes the f64 result on and the ledger holds the violation, so a wrong kernel can
// never leave a wrong number behind unrecorded.

import type { Backend, OuterSum } from '../backend.js';
import { cpuBackend } from '../cpu.js';
import type { WebGpuBackend } from './backend.js';
import { addOuterBound, axpyBound, dotBound, logitsBound, outerInnerBound, softmaxBound, sumBound } from './bounds.js';
import { type PrecisionLedger, newLedger, record } from './ledger.js';

export interface CheckedBackend extends Backend {
  readonly kind: 'webgpu';
  readonly ledger: PrecisionLedger;
}

export function checkedBackend(gpu: WebGpuBackend, ledger: PrecisionLedger = newLedger(), ref: Backend = cpuBackend): CheckedBackend {
  const me = gpu.maxElems;
  const pick = <T>(ok: boolean, f32: T, f64: T): T => (ok ? f32 : f64);
  const outerShape = (g: OuterSum) => `n=${g.n} d=${g.d} V=${g.V}`;

  return {
    kind: 'webgpu',
    ledger,
    async softmax(x, rows, cols) {
      const [a, b] = [await gpu.softmax(x, rows, cols), await ref.softmax(x, rows, cols)];
      return pick(record(ledger, 'softmax', `${rows}×${cols}`, x.length, a, b, softmaxBound(false, x, rows, cols, b)), a, b);
    },
    async logSoftmax(x, rows, cols) {
      const [a, b] = [await gpu.logSoftmax(x, rows, cols), await ref.logSoftmax(x, rows, cols)];
      return pick(record(ledger, 'logSoftmax', `${rows}×${cols}`, x.length, a, b, softmaxBound(true, x, rows, cols, b)), a, b);
    },
    async logits(hidden, n, theta, d, V) {
      const [a, b] = [await gpu.logits(hidden, n, theta, d, V), await ref.logits(hidden, n, theta, d, V)];
      return pick(record(ledger, 'logits', `n=${n} d=${d} V=${V}`, d * V, a, b, logitsBound(hidden, n, theta, d, V)), a, b);
    },
    async outerInner(x, y) {
      const [a, b] = [await gpu.outerInner(x, y), await ref.outerInner(x, y)];
      return pick(record(ledger, 'outerInner', `${outerShape(x)} × n'=${y.n}`, Math.max(x.n, y.n) * x.V, [a], [b], outerInnerBound(x, y, me)), a, b);
    },
    async materialise(g) {
      const [a, b] = [await gpu.materialise(g), await ref.materialise(g)];
      return pick(record(ledger, 'materialise', outerShape(g), g.d * g.V, a, b, addOuterBound(undefined, 1, g)), a, b);
    },
    async addOuter(theta, alpha, g) {
      const before = Float64Array.from(theta);
      const b = Float64Array.from(theta);
      await ref.addOuter(b, alpha, g);
      await gpu.addOuter(theta, alpha, g);
      if (!record(ledger, 'addOuter', outerShape(g), g.d * g.V, theta, b, addOuterBound(before, alpha, g))) theta.set(b);
    },
    async dot(x, y) {
      const [a, b] = [await gpu.dot(x, y), await ref.dot(x, y)];
      return pick(record(ledger, 'dot', `n=${x.length}`, x.length, [a], [b], dotBound(x, y, me)), a, b);
    },
    async axpy(alpha, x, y) {
      const [a, b] = [await gpu.axpy(alpha, x, y), await ref.axpy(alpha, x, y)];
      return pick(record(ledger, 'axpy', `n=${x.length}`, x.length, a, b, axpyBound(alpha, x, y)), a, b);
    },
    async sum(x) {
      const [a, b] = [await gpu.sum(x), await ref.sum(x)];
      return pick(record(ledger, 'sum', `n=${x.length}`, x.length, [a], [b], sumBound(x, me)), a, b);
    },
  };
}
