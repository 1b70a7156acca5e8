// The toy models' gradients against finite differences, the structured Gram against the materialised
// one, and the backend's primitives.
import { describe, expect, it } from 'vitest';
import { cpuBackend as be } from '../../src/numeric/cpu.js';
import { type LastLinear, type Response, gramMaterialised, gramOf, lastLinear } from '../../src/numeric/models/last-linear.js';
import { type LearnableLogits, learnableLogits, paramRows } from '../../src/numeric/models/learnable-logits.js';
import { freePair } from '../../src/numeric/models/free-pair.js';
import { normalVector } from '../../src/numeric/sample.js';
import { makeRng } from '../../src/util/prng.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

describe('cpu backend', () => {
  it('softmax rows sum to 1 and log-softmax is its log, even with huge logits', async () => {
    const x = Float64Array.from([1000, 999, -1000, 0, 1, 2]);
    const s = await be.softmax(x, 2, 3);
    const ls = await be.logSoftmax(x, 2, 3);
    for (const r of [0, 1]) expect(Math.abs(s[3 * r] + s[3 * r + 1] + s[3 * r + 2] - 1)).toBeLessThan(1e-15);
    for (let k = 0; k < 6; k++) if (s[k] > 0) expect(rel(Math.log(s[k]), ls[k])).toBeLessThan(1e-13);
    expect(s[2]).toBe(0);
  });
  it('dot of a long vector keeps its accuracy', async () => {
    const n = 1 << 20;
    const x = new Float64Array(n).fill(0.1);
    expect(rel(await be.dot(x, x), n * 0.01)).toBeLessThan(1e-12);
  });
});

describe('last-linear-layer model', () => {
  const rng = makeRng(11);
  const d = 3, V = 5;
  const model: LastLinear = { d, V, theta: normalVector(rng, d * V) };
  const resp: Response = { hidden: normalVector(rng, 2 * d), tokens: [4, 1] };

  it('∇log π = Σ h_i ⊗ (e_{y_i} − s_i) matches a central difference in every coordinate of θ', async () => {
    const G = await be.materialise(await lastLinear.gradient(be, model, resp));
    for (let q = 0; q < d * V; q++) {
      const h = 1e-6;
      const p = Float64Array.from(model.theta); p[q] += h;
      const m = Float64Array.from(model.theta); m[q] -= h;
      const fd = ((await lastLinear.logProb(be, { ...model, theta: p }, resp)) - (await lastLinear.logProb(be, { ...model, theta: m }, resp))) / (2 * h);
      expect(Math.abs(G[q] - fd), `θ[${q}]`).toBeLessThan(1e-8);
    }
  });

  it('the structured Gram equals the materialised one', async () => {
    const other: Response = { hidden: normalVector(rng, 3 * d), tokens: [0, 2, 2] };
    const gw = await lastLinear.gradient(be, model, resp), gl = await lastLinear.gradient(be, model, other);
    const s = await gramOf(be, gw, gl), m = await gramMaterialised(be, gw, gl);
    for (const k of ['innerWL', 'normW2', 'normL2'] as const) expect(rel(s[k], m[k])).toBeLessThan(1e-13);
  });
});

describe('learnable-logits model', () => {
  for (const tying of ['shared-offset', 'separate-rows'] as const) {
    it(`${tying}: ∇log π_side matches a central difference in every parameter`, async () => {
      const rng = makeRng(5);
      const L = 4, V = 3, m = 2;
      const model: LearnableLogits = { L, V, m, tying, params: normalVector(rng, paramRows(L, m, tying) * V),
        offsetW: normalVector(rng, L * V), offsetL: normalVector(rng, L * V), tokensW: [0, 1, 2, 0], tokensL: [0, 2, 2, 0] };
      // rows ≤ m share their context
      for (let q = 0; q < m * V; q++) model.offsetL[q] = model.offsetW[q];
      for (const side of ['w', 'l'] as const) {
        const g = await learnableLogits.gradient(be, model, side);
        const total = async (p: Float64Array) => (await learnableLogits.tokenLogProbs(be, { ...model, params: p }, side)).reduce((a, x) => a + x, 0);
        for (let q = 0; q < model.params.length; q++) {
          const h = 1e-6;
          const p = Float64Array.from(model.params); p[q] += h;
          const n = Float64Array.from(model.params); n[q] -= h;
          expect(Math.abs(g[q] - ((await total(p)) - (await total(n))) / (2 * h)), `${side} param ${q}`).toBeLessThan(1e-8);
        }
      }
    });
  }
});

describe('free pair', () => {
  it('log π is linear with gradient a (resp. b)', async () => {
    const pair = { a: Float64Array.from([1, 2]), b: Float64Array.from([-3, 0.5]) };
    expect(await freePair.logProb(be, pair, Float64Array.from([2, 1]), 'w')).toBe(4);
    expect(await freePair.logProb(be, pair, Float64Array.from([2, 1]), 'l')).toBe(-5.5);
    expect(freePair.gradient(pair, 'l')).toBe(pair.b);
  });
});
