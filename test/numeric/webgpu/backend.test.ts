// The WebGPU backend against the float64 CPU backend, op by op, on llvmpipe (or whatever adapter the
// machine has): every f32 result within the bound derived for its size, at the adapter's binding limit
// and with a tiny one that forces the tiling; and each injected fault caught, never returned as a number.

import { afterAll, describe, expect, it } from 'vitest';
import type { OuterSum } from '../../../src/numeric/backend.js';
import { normalVector } from '../../../src/numeric/sample.js';
import { checkedBackend, createWebGpuBackend, type WebGpuBackend, type WebGpuOptions } from '../../../src/numeric/webgpu/index.js';
import { dotBound, sumBound } from '../../../src/numeric/webgpu/bounds.js';
import { makeRng } from '../../../src/util/prng.js';

const opened: WebGpuBackend[] = [];
async function open(o: WebGpuOptions = {}): Promise<WebGpuBackend> {
  const b = await createWebGpuBackend(o);
  opened.push(b);
  return b;
}
afterAll(() => { for (const b of opened) b.dispose(); });

/** One of every op, on sizes that are not multiples of the workgroup (128) and include n = 1. */
async function everyOp(gpu: WebGpuBackend, seed: number) {
  const c = checkedBackend(gpu);
  const rng = makeRng(seed);
  for (const [n, d, V] of [[1, 1, 2], [1, 64, 1000], [4, 13, 777], [3, 5, 3000]] as const) {
    const h = normalVector(rng, n * d), theta = normalVector(rng, d * V, 0.3), r = normalVector(rng, n * V);
    const g: OuterSum = { hidden: h, vocab: r, n, d, V };
    const logits = await c.logits(h, n, theta, d, V);
    await c.softmax(logits, n, V);
    await c.logSoftmax(logits, n, V);
    await c.outerInner(g, g);
    await c.outerInner(g, { hidden: normalVector(rng, 2 * d), vocab: normalVector(rng, 2 * V), n: 2, d, V });
    await c.materialise(g);
    await c.addOuter(Float64Array.from(theta), -0.25, g);
    await c.dot(r, r);
    await c.sum(r);
    await c.axpy(0.5, r, r.map((x) => x * 3));
  }
  // long vectors: several reduction tiles under a small binding limit
  const long = normalVector(rng, 10007), other = normalVector(rng, 10007);
  await c.dot(long, other);
  await c.sum(long);
  await c.axpy(-2, long, other);
  // max-subtraction: logits of 1e3 would overflow exp() unshifted
  const big = normalVector(rng, 3 * 300, 1e3);
  await c.softmax(big, 3, 300);
  await c.logSoftmax(big, 3, 300);
  return c.ledger;
}

describe('webgpu backend vs cpu float64', () => {
  it('names its adapter and runs in compatibility mode', async () => {
    const gpu = await open();
    expect(gpu.kind).toBe('webgpu');
    expect(gpu.adapter.runtime).toBe('node-dawn');
    expect(gpu.adapter.featureLevel).toBe('compatibility');
    expect(gpu.adapter.name.length).toBeGreaterThan(3);
  });

  it.each([['the adapter limit', {}], ['a 16 KiB binding limit (tiled)', { maxBindingBytes: 16384 }]] as const)('every op is within its f32 bound at %s', async (_, o) => {
    const gpu = await open(o);
    const ledger = await everyOp(gpu, 7);
    expect(ledger.violations, JSON.stringify(ledger.firstViolation)).toBe(0);
    expect(Object.keys(ledger.ops).sort()).toEqual(['addOuter', 'axpy', 'dot', 'logSoftmax', 'logits', 'materialise', 'outerInner', 'softmax', 'sum']);
    for (const s of Object.values(ledger.ops)) expect(s.maxRatio).toBeLessThanOrEqual(1);
    if (o.maxBindingBytes) expect(gpu.submits()).toBeGreaterThan(100);
  });

  it('one softmax row longer than a binding is refused with E_WEBGPU_TOO_LARGE (rows are the one thing not tiled)', async () => {
    const gpu = await open({ maxBindingBytes: 16384 });
    await expect(gpu.softmax(new Float64Array(5000), 1, 5000)).rejects.toMatchObject({ code: 'E_WEBGPU_TOO_LARGE' });
  });

  it('the bounds are tight enough to see one dropped term, and f32 is not exact', async () => {
    const rng = makeRng(11);
    const x = normalVector(rng, 50257);
    const dropped = Math.abs(x[x.length - 1]);
    expect(dropped).toBeGreaterThan(sumBound(x, 1 << 25));
    expect(dropped * Math.abs(x[x.length - 1])).toBeGreaterThan(dotBound(x, x, 1 << 25));
    const gpu = await open();
    const s = await gpu.sum(x);
    expect(Math.fround(s)).toBe(s);
  });

  it('an off-by-one in the reduction is caught by the comparison', async () => {
    const gpu = await open({ inject: 'reduction-off-by-one' });
    const ledger = await everyOp(gpu, 7);
    expect(ledger.violations).toBeGreaterThan(0);
    for (const op of ['dot', 'sum', 'softmax', 'logSoftmax', 'outerInner']) expect(ledger.ops[op].maxRatio, op).toBeGreaterThan(1);
    // the elementwise kernels have no reduction loop and stay right
    for (const op of ['logits', 'axpy', 'addOuter']) expect(ledger.ops[op].maxRatio, op).toBeLessThanOrEqual(1);
  });

  it('a shader that does not compile is a E_WEBGPU_SHADER fault, not a number', async () => {
    const gpu = await open({ inject: 'shader-syntax-error' });
    await expect(gpu.sum(new Float64Array([1, 2, 3]))).rejects.toMatchObject({ code: 'E_WEBGPU_SHADER', message: /failed to compile/ });
  });

  it('a device lost mid-run is a E_WEBGPU_DEVICE_LOST fault on every later op', async () => {
    const gpu = await open({ inject: 'device-lost-after:2' });
    const x = new Float64Array([1, 2, 3]);
    expect(await gpu.sum(x)).toBe(6);
    await expect((async () => { for (let k = 0; k < 4; k++) await gpu.sum(x); })()).rejects.toMatchObject({ code: 'E_WEBGPU_DEVICE_LOST' });
    await expect(gpu.dot(x, x)).rejects.toMatchObject({ code: 'E_WEBGPU_DEVICE_LOST', message: /was lost/ });
  });

  it('no adapter is a E_WEBGPU_UNAVAILABLE fault with the reason', async () => {
    await expect(createWebGpuBackend({ dawnFlags: ['backend=opengles', 'adapter=no-such-adapter'] })).rejects.toMatchObject({ code: 'E_WEBGPU_UNAVAILABLE', message: /no WebGPU adapter/ });
  });
});
