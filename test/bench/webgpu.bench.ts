// Benchmark: the WebGPU backend (f32) against the CPU backend (float64) on the same work, at GPT-2's
// vocabulary (V = 50257) and a 256k one (V = 256000), d = 64, one timed run each after an untimed
// warm-up that compiles the pipelines. The work is one Theorem 1 sample on the last-linear-layer model:
// forward pass (logits, softmax), the two structured gradients, their Gram data (three outerInner), a
// gradient step on θ (addOuter) and the forward pass again (logits, logSoftmax). Results are compared to
// the CPU's; the ratio is reported with the adapter named. On llvmpipe the GPU is the same two CPU
// cores behind a driver, so WebGPU may well be slower: the point is a correct, portable kernel.
// Run: npx tsx test/bench/webgpu.bench.ts   (writes docs/bench/webgpu.json)

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend, OuterSum } from '../../src/numeric/backend.js';
import { cpuBackend } from '../../src/numeric/cpu.js';
import { uniformVector, vectorOfNorm } from '../../src/numeric/sample.js';
import { createWebGpuBackend } from '../../src/numeric/webgpu/index.js';
import { makeRng } from '../../src/util/prng.js';

const VOCABS = [50257, 256000];
const d = 64, seed = 1;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Outputs { innerWL: number; normW2: number; normL2: number; logProbW: number; logProbL: number }

async function work(be: Backend, V: number): Promise<Outputs> {
  const rng = makeRng(seed);
  const h = vectorOfNorm(rng, d, 3);
  const theta = uniformVector(rng, d * V, 1 / Math.sqrt(d));
  const [yw, yl] = [rng.int(0, V - 1), rng.int(0, V - 1)];
  const s = await be.softmax(await be.logits(h, 1, theta, d, V), 1, V);
  const grad = (y: number): OuterSum => { const r = s.map((x) => -x); r[y] += 1; return { hidden: h, vocab: r, n: 1, d, V }; };
  const gw = grad(yw), gl = grad(yl);
  const [innerWL, normW2, normL2] = [await be.outerInner(gw, gl), await be.outerInner(gw, gw), await be.outerInner(gl, gl)];
  // one DPO-style step: θ ← θ + η(∇log π_w − ∇log π_l)
  const eta = 1e-2 / normW2;
  await be.addOuter(theta, eta, gw);
  await be.addOuter(theta, -eta, gl);
  const lp = await be.logSoftmax(await be.logits(h, 1, theta, d, V), 1, V);
  return { innerWL, normW2, normL2, logProbW: lp[yw], logProbL: lp[yl] };
}

async function timed(be: Backend, V: number): Promise<[number, Outputs]> {
  const t = performance.now();
  const out = await work(be, V);
  return [(performance.now() - t) / 1000, out];
}

async function main(): Promise<void> {
  const gpu = await createWebGpuBackend();
  await work(gpu, 1000); // compile every pipeline once, outside the timings
  const rows = [];
  for (const V of VOCABS) {
    const [cpuS, ref] = await timed(cpuBackend, V);
    const [gpuS, got] = await timed(gpu, V);
    const relErr = Object.fromEntries(Object.entries(ref).map(([k, x]) => [k, Math.abs(got[k as keyof Outputs] - x) / Math.abs(x)]));
    rows.push({ V, d, cpuSeconds: cpuS, webgpuSeconds: gpuS, webgpuOverCpu: gpuS / cpuS, maxRelErrorVsCpu: Math.max(...Object.values(relErr)), relErrorVsCpu: relErr });
    process.stdout.write(`V = ${V}: cpu ${cpuS.toFixed(3)} s, webgpu ${gpuS.toFixed(3)} s, webgpu/cpu ${(gpuS / cpuS).toFixed(2)}×, max rel error ${Math.max(...Object.values(relErr)).toExponential(2)}\n`);
  }
  const result = { schema: 'marginlab/bench-webgpu@1', date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length,
    adapter: gpu.adapter, work: 'one Theorem 1 sample: logits+softmax, 2 gradients, 3 outerInner, 2 addOuter on d×V θ, logits+logSoftmax', rows };
  gpu.dispose();
  mkdirSync(join(root, 'docs', 'bench'), { recursive: true });
  writeFileSync(join(root, 'docs', 'bench', 'webgpu.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`adapter: ${gpu.adapter.name}\nwrote docs/bench/webgpu.json\n`);
}

await main();
