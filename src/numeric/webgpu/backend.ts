/// <reference types="@webgpu/types" />
// The WebGPU backend: the Backend interface of ../backend.ts in WGSL compute shaders, in f32. Inputs are
// rounded to f32 on the way up and results widened to f64 on the way down, so every result carries f32
// round-off — ./bounds.ts says how much, ./checked.ts holds each result to that bound against the CPU.
// Problems larger than one 128 MiB binding are tiled (./plan.ts), never refused.

import type { Backend, OuterSum } from '../backend.js';
import { type AcquireOptions, type AdapterSummary, type GpuContext, acquireGpu } from './context.js';
import { WebGpuFault } from './faults.js';
import { MAX_DISPATCH, columnTile, reducePlan } from './plan.js';
import { Runner, type Scope, withScope } from './runner.js';
import { WG, type ShaderFlags } from './shaders/common.js';
import { addOuterShader, axpyShader, logitsShader } from './shaders/dense.js';
import { combineShader, pairShader } from './shaders/outer-inner.js';
import { reduceShader } from './shaders/reduce.js';
import { softmaxShader } from './shaders/softmax.js';
import { gatherColumns, ranges, scatterColumns, toF32 } from './tiles.js';

/** Faults a test can inject, to prove each is caught rather than turned into a number. */
export type WebGpuInjection = 'reduction-off-by-one' | 'shader-syntax-error' | `device-lost-after:${number}`;

export interface WebGpuOptions extends AcquireOptions {
  /** Bind at most this many bytes per buffer (default: the adapter's limit; tests lower it to force tiling). */
  readonly maxBindingBytes?: number;
  readonly inject?: WebGpuInjection;
}

export interface WebGpuBackend extends Backend {
  readonly kind: 'webgpu';
  readonly adapter: AdapterSummary;
  /** Floats per binding the tiling works to (./bounds.ts needs it to count roundings). */
  readonly maxElems: number;
  /** GPU submissions so far. */
  submits(): number;
  /** Release the device (lets Node exit). */
  dispose(): void;
}

export const INJECTIONS = ['reduction-off-by-one', 'shader-syntax-error', 'device-lost-after:<n>'] as const;

export function parseInjection(s: string): WebGpuInjection {
  if (s === 'reduction-off-by-one' || s === 'shader-syntax-error') return s;
  const m = /^device-lost-after:(\d+)$/.exec(s);
  if (m) return `device-lost-after:${Number(m[1])}`;
  throw new RangeError(`unknown WebGPU fault '${s}'; one of ${INJECTIONS.join(', ')}`);
}

export async function createWebGpuBackend(o: WebGpuOptions = {}): Promise<WebGpuBackend> {
  const ctx = await acquireGpu(o);
  const loseAfter = o.inject?.startsWith('device-lost-after:') ? Number(o.inject.split(':')[1]) : Infinity;
  const flags: ShaderFlags = { offByOne: o.inject === 'reduction-off-by-one', syntaxError: o.inject === 'shader-syntax-error' };
  return build(ctx, new Runner(ctx, loseAfter), flags, Math.floor(Math.min(o.maxBindingBytes ?? Infinity, ctx.maxBindingBytes) / 4));
}

function build(ctx: GpuContext, r: Runner, flags: ShaderFlags, maxElems: number): WebGpuBackend {
  if (maxElems < 2 * WG) throw new RangeError(`maxBindingBytes must allow at least ${2 * WG} floats`);
  const tag = `${flags.offByOne ? ':off-by-one' : ''}${flags.syntaxError ? ':syntax' : ''}`;
  const pipe = (name: string, code: () => string) => r.pipeline(name + tag, code);

  /** Σ x_k or Σ x_k y_k over any length: tiled first pass, one-workgroup second pass. */
  async function reduce(x: Float64Array, y?: Float64Array): Promise<number> {
    const plan = reducePlan(x.length, maxElems);
    const first = await pipe(y ? 'dot' : 'sum', () => reduceShader(y ? 'dot' : 'sum', flags));
    const second = await pipe('sum', () => reduceShader('sum', flags));
    return withScope(r, async (s) => {
      const partial = s.output(plan.partials);
      let slot = 0;
      for (const [t, [start, len]] of plan.tiles.entries()) {
        const xb = s.input(toF32(x, start, len));
        const yb = y ? s.input(toF32(y, start, len)) : undefined;
        await s.run([{ pipeline: first, bindings: [xb, yb, partial, s.params([len, slot, plan.groups[t], 0])], groups: [plan.groups[t]] }]);
        slot += plan.groups[t];
      }
      const result = s.output(1);
      const [out] = await s.run([{ pipeline: second, bindings: [partial, undefined, result, s.params([plan.partials, 0, 1, 0])], groups: [1] }], [[result, 1]]);
      return out[0];
    });
  }

  async function rowwise(log: boolean, x: Float64Array, rows: number, cols: number): Promise<Float64Array> {
    if (x.length !== rows * cols) throw new RangeError(`softmax of ${x.length} values as ${rows}×${cols}`);
    if (cols > maxElems) throw new WebGpuFault('E_WEBGPU_TOO_LARGE', `one softmax row of ${cols} values exceeds the ${maxElems}-float binding limit`);
    const p = await pipe(log ? 'log-softmax' : 'softmax', () => softmaxShader(log, flags));
    const out = new Float64Array(rows * cols);
    const perTile = Math.min(MAX_DISPATCH, Math.floor(maxElems / cols));
    await withScope(r, async (s) => {
      const params = s.params([cols, 0, 0, 0]);
      for (const [r0, nr] of ranges(rows, perTile)) {
        const xb = s.input(toF32(x, r0 * cols, nr * cols));
        const ob = s.output(nr * cols);
        const [o] = await s.run([{ pipeline: p, bindings: [xb, ob, params], groups: [nr] }], [[ob, nr * cols]]);
        out.set(o, r0 * cols);
      }
    });
    return out;
  }

  /** θ (d×V) + α Σ_i h_i⊗r_i, tile by tile; `theta` undefined means start from zero (materialise). */
  async function outerInto(dst: Float64Array, theta: Float64Array | undefined, alpha: number, g: OuterSum): Promise<void> {
    const { n, d, V } = g;
    if (d > MAX_DISPATCH) throw new WebGpuFault('E_WEBGPU_TOO_LARGE', `hidden size d = ${d} exceeds ${MAX_DISPATCH} workgroup rows`);
    if (n * d > maxElems) throw new WebGpuFault('E_WEBGPU_TOO_LARGE', `n·d = ${n * d} hidden values exceed the ${maxElems}-float binding limit`);
    const p = await pipe('add-outer', () => addOuterShader(flags));
    const T = columnTile(V, maxElems, d, n);
    await withScope(r, async (s) => {
      const hb = s.input(toF32(g.hidden, 0, n * d));
      const params = s.params([n, d, T, 0], [alpha]);
      for (const [v0, t] of ranges(V, T)) {
        const rb = s.input(gatherColumns(g.vocab, n, V, v0, t));
        const tb = s.output(d * t, theta ? gatherColumns(theta, d, V, v0, t) : undefined);
        const tp = t === T ? params : s.params([n, d, t, 0], [alpha]);
        const [o] = await s.run([{ pipeline: p, bindings: [hb, rb, tb, tp], groups: [Math.ceil(t / WG), d] }], [[tb, d * t]]);
        scatterColumns(dst, d, V, v0, t, o);
      }
    });
  }

  /** Gram of two row sets over their columns, tiled: partial[(tile·na + i)·nb + j]. Returns the buffer and tile count. */
  async function pairs(s: Scope, a: Float64Array, na: number, b: Float64Array, nb: number, cols: number): Promise<[GPUBuffer, number]> {
    if (na > MAX_DISPATCH || nb > MAX_DISPATCH) throw new WebGpuFault('E_WEBGPU_TOO_LARGE', `${na}×${nb} row pairs exceed ${MAX_DISPATCH} workgroups per dimension`);
    const p = await pipe('pairs', () => pairShader(flags));
    const T = columnTile(cols, maxElems, na, nb);
    const tiles = ranges(cols, T);
    const partial = s.output(tiles.length * na * nb);
    for (const [t, [v0, w]] of tiles.entries()) {
      const ab = s.input(gatherColumns(a, na, cols, v0, w));
      const bb = s.input(gatherColumns(b, nb, cols, v0, w));
      await s.run([{ pipeline: p, bindings: [ab, bb, partial, s.params([nb, w, t * na * nb, 0])], groups: [na, nb] }]);
    }
    return [partial, tiles.length];
  }

  const backend: WebGpuBackend = {
    kind: 'webgpu',
    adapter: ctx.adapter,
    maxElems,
    submits: () => r.submits,
    dispose: () => { if (ctx.lostReason === undefined) { ctx.lostReason = 'disposed'; ctx.device.destroy(); } },

    softmax: (x, rows, cols) => rowwise(false, x, rows, cols),
    logSoftmax: (x, rows, cols) => rowwise(true, x, rows, cols),

    async logits(hidden, n, theta, d, V) {
      if (n * d > maxElems) throw new WebGpuFault('E_WEBGPU_TOO_LARGE', `n·d = ${n * d} hidden values exceed the ${maxElems}-float binding limit`);
      if (n > MAX_DISPATCH) throw new WebGpuFault('E_WEBGPU_TOO_LARGE', `${n} rows exceed ${MAX_DISPATCH} workgroup rows`);
      const p = await pipe('logits', () => logitsShader(flags));
      const out = new Float64Array(n * V);
      const T = columnTile(V, maxElems, d, n);
      await withScope(r, async (s) => {
        const hb = s.input(toF32(hidden, 0, n * d));
        for (const [v0, t] of ranges(V, T)) {
          const tb = s.input(gatherColumns(theta, d, V, v0, t));
          const ob = s.output(n * t);
          const [o] = await s.run([{ pipeline: p, bindings: [hb, tb, ob, s.params([n, d, t, 0])], groups: [Math.ceil(t / WG), n] }], [[ob, n * t]]);
          scatterColumns(out, n, V, v0, t, o);
        }
      });
      return out;
    },

    async outerInner(a, b) {
      if (a.d !== b.d || a.V !== b.V) throw new RangeError(`gradient shapes differ: ${a.d}×${a.V} vs ${b.d}×${b.V}`);
      const combine = await pipe('combine', () => combineShader(flags));
      return withScope(r, async (s) => {
        const [hh, hTiles] = await pairs(s, a.hidden, a.n, b.hidden, b.n, a.d);
        if (hTiles !== 1) throw new WebGpuFault('E_WEBGPU_TOO_LARGE', `hidden rows (${a.n + b.n}×${a.d}) do not fit one binding`);
        const [rr, tiles] = await pairs(s, a.vocab, a.n, b.vocab, b.n, a.V);
        const out = s.output(1);
        const m = a.n * b.n;
        const [o] = await s.run([{ pipeline: combine, bindings: [hh, rr, out, s.params([m, tiles * m, 0, 0])], groups: [1] }], [[out, 1]]);
        return o[0];
      });
    },

    async materialise(g) {
      const out = new Float64Array(g.d * g.V);
      await outerInto(out, undefined, 1, g);
      return out;
    },
    addOuter: (theta, alpha, g) => outerInto(theta, theta, alpha, g),

    dot(x, y) {
      if (x.length !== y.length) throw new RangeError(`dot of lengths ${x.length} and ${y.length}`);
      return reduce(x, y);
    },
    sum: (x) => reduce(x),

    async axpy(alpha, x, y) {
      if (x.length !== y.length) throw new RangeError(`axpy of lengths ${x.length} and ${y.length}`);
      const p = await pipe('axpy', () => axpyShader(flags));
      const out = new Float64Array(y.length);
      await withScope(r, async (s) => {
        for (const [k0, len] of ranges(y.length, maxElems)) {
          const xb = s.input(toF32(x, k0, len)), yb = s.input(toF32(y, k0, len));
          const ob = s.output(len);
          const groups = Math.ceil(len / WG);
          const [o] = await s.run([{ pipeline: p, bindings: [xb, yb, ob, s.params([len, 0, 0, 0], [alpha])],
            groups: [Math.min(groups, MAX_DISPATCH), Math.ceil(groups / MAX_DISPATCH)] }], [[ob, len]]);
          out.set(o, k0);
        }
      });
      return out;
    },
  };
  return backend;
}
