// Benchmark: Theorem 1 at GPT-2 scale (V = 50257, d = 768). One model (θ pinned so that the next-token
// distribution is uniform on M tokens), many (y_w, y_l) pairs; per pair, ⟨∇w,∇l⟩, ‖∇w‖², ‖∇l‖² by
//   (i)   the structured gradient h ⊗ (e_y − s), never forming d×V;
//   (ii)  the materialised d×V gradients;
//   (iii) PyTorch autograd on CPU (test/bench/theorem1_torch.py, float64), as the peer;
// all in one run, the results compared to 1e-9 relative, the ratios reported twice: per pair given the
// forward pass (what the structure saves) and end to end with the forward pass (O(dV) for everyone).
// Run: npm run bench:theorem1   (writes docs/bench/theorem1.json)

import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuBackend as be } from '../../src/numeric/cpu.js';
import { type LastLinear, type Response, gradientFromProbs, gramMaterialised, gramOf, pinLogits } from '../../src/numeric/models/last-linear.js';
import { distinctIndices, norm2, uniformVector, vectorOfNorm } from '../../src/numeric/sample.js';
import { makeRng } from '../../src/util/prng.js';
import type { Gram } from '../../src/symbolic/conditions.js';

const V = 50257, d = 768, M = 1000, seed = 1;
const STRUCTURED_PAIRS = 2000, SLOW_PAIRS = 3;
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

const now = () => performance.now() / 1000;
const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);

async function main(): Promise<void> {
  const rng = makeRng(seed);
  const h = vectorOfNorm(rng, d, 3);
  const model: LastLinear = { d, V, theta: uniformVector(rng, d * V, 1 / Math.sqrt(d)) };
  const support = distinctIndices(rng, V, M);
  const target = new Float64Array(V).fill(-1000);
  for (const j of support) target[j] = 0;
  await pinLogits(be, model, h, target);
  const pairs: [number, number][] = Array.from({ length: STRUCTURED_PAIRS }, () => { const [a, b] = distinctIndices(rng, M, 2); return [support[a], support[b]]; });
  const resp = (y: number): Response => ({ hidden: h, tokens: [y] });

  // The forward pass, shared by (i) and (ii) (O(dV)).
  let t = now();
  const s = await be.softmax(await be.logits(h, 1, model.theta, d, V), 1, V);
  const forwardS = now() - t;

  // (i) structured, given the forward pass.
  const structured: Gram[] = [];
  t = now();
  for (const [yw, yl] of pairs) structured.push(await gramOf(be, gradientFromProbs(resp(yw), s, d, V), gradientFromProbs(resp(yl), s, d, V)));
  const structuredS = (now() - t) / pairs.length;

  // (ii) materialised, given the forward pass.
  const materialised: Gram[] = [];
  t = now();
  for (const [yw, yl] of pairs.slice(0, SLOW_PAIRS)) materialised.push(await gramMaterialised(be, gradientFromProbs(resp(yw), s, d, V), gradientFromProbs(resp(yl), s, d, V)));
  const materialisedS = (now() - t) / SLOW_PAIRS;

  // (iii) PyTorch autograd, same θ and h, same pairs.
  const dir = mkdtempSync(join(tmpdir(), 'marginlab-bench-'));
  let torch: { torch: string; threads: number; forward_s: number; per_pair_given_forward_s: number; per_pair_end_to_end_s: number; values: number[][] };
  try {
    writeFileSync(join(dir, 'theta.f64'), new Uint8Array(model.theta.buffer, model.theta.byteOffset, model.theta.byteLength));
    writeFileSync(join(dir, 'h.f64'), new Uint8Array(h.buffer, h.byteOffset, h.byteLength));
    const spec = { d, V, theta: join(dir, 'theta.f64'), h: join(dir, 'h.f64'), pairs: pairs.slice(0, SLOW_PAIRS), threads: cpus().length };
    torch = JSON.parse(execFileSync('/usr/bin/python3', [join(here, 'theorem1_torch.py'), JSON.stringify(spec)], { encoding: 'utf8', maxBuffer: 1 << 24 }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // Agreement on the shared pairs, and with Theorem 1's value.
  const keys = ['innerWL', 'normW2', 'normL2'] as const;
  let maxStructVsMat = 0, maxStructVsTorch = 0, maxVsTheorem = 0;
  const h2 = norm2(h);
  const theorem = { innerWL: -h2 / M, normW2: ((M - 1) / M) * h2, normL2: ((M - 1) / M) * h2 };
  for (let p = 0; p < SLOW_PAIRS; p++) {
    keys.forEach((k, q) => {
      maxStructVsMat = Math.max(maxStructVsMat, relDiff(structured[p][k], materialised[p][k]));
      maxStructVsTorch = Math.max(maxStructVsTorch, relDiff(structured[p][k], torch.values[p][q]));
    });
  }
  for (const g of structured) for (const k of keys) maxVsTheorem = Math.max(maxVsTheorem, relDiff(g[k], theorem[k]));

  const e2e = { structured: forwardS + structuredS, materialised: forwardS + materialisedS, torch: torch.per_pair_end_to_end_s };
  const result = {
    schema: 'marginlab/bench-theorem1@1',
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, torch: torch.torch, torchThreads: torch.threads },
    setup: { V, d, M, seed, structuredPairs: STRUCTURED_PAIRS, materialisedPairs: SLOW_PAIRS, torchPairs: SLOW_PAIRS, dtype: 'float64' },
    forwardSeconds: { marginlab: forwardS, torch: torch.forward_s },
    perPairGivenForward: {
      seconds: { structured: structuredS, materialised: materialisedS, torch: torch.per_pair_given_forward_s },
      samplesPerSecond: { structured: 1 / structuredS, materialised: 1 / materialisedS, torch: 1 / torch.per_pair_given_forward_s },
      ratios: { structuredOverMaterialised: materialisedS / structuredS, structuredOverTorch: torch.per_pair_given_forward_s / structuredS },
    },
    endToEnd: {
      seconds: e2e,
      samplesPerSecond: { structured: 1 / e2e.structured, materialised: 1 / e2e.materialised, torch: 1 / e2e.torch },
      ratios: { structuredOverMaterialised: e2e.materialised / e2e.structured, structuredOverTorch: e2e.torch / e2e.structured },
    },
    agreement: { maxRelStructuredVsMaterialised: maxStructVsMat, maxRelStructuredVsTorch: maxStructVsTorch, maxRelVsTheorem1: maxVsTheorem, tolerance: 1e-9,
      ok: maxStructVsMat <= 1e-9 && maxStructVsTorch <= 1e-9 && maxVsTheorem <= 1e-9 },
    targets: {
      structuredAtLeast100xMaterialised: materialisedS / structuredS >= 100,
      structuredAtLeast10xTorch: torch.per_pair_given_forward_s / structuredS >= 10,
      note: 'targets judged per pair given the forward pass; endToEnd shows the same ratios with the O(dV) forward pass included',
    },
  };
  mkdirSync(join(root, 'docs', 'bench'), { recursive: true });
  writeFileSync(join(root, 'docs', 'bench', 'theorem1.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (!result.agreement.ok) { process.stderr.write('results disagree beyond 1e-9 relative\n'); process.exitCode = 1; }
}

await main();
