// Each proof check passes on the real model — and fails on a deliberately broken one: a checker that
// cannot fail is a defect.
import { describe, expect, it } from 'vitest';
import type { OuterSum } from '../../src/numeric/backend.js';
import { type LastLinearOps, lastLinear } from '../../src/numeric/models/last-linear.js';
import { type LearnableLogitsOps, learnableLogits } from '../../src/numeric/models/learnable-logits.js';
import { type FreePairOps, freePair } from '../../src/numeric/models/free-pair.js';
import { ASSUMPTION_ORTHOGONAL, type Predictor, THEOREM1_CLAIM, THEOREM3_PRINTED, cases, catalogueSpecs, corollary2, taylor,
  theorem1, theorem3 } from '../../src/numeric/theorems/index.js';
import { logLogSlope } from '../../src/numeric/theorems/evidence.js';

/** The last-linear model with the sign of its gradient flipped (log π itself untouched). */
const flippedLastLinear: LastLinearOps = {
  logProb: lastLinear.logProb,
  async gradient(b, m, r) {
    const g = await lastLinear.gradient(b, m, r);
    return { ...g, vocab: g.vocab.map((x) => -x) } satisfies OuterSum;
  },
};
const flippedLogits: LearnableLogitsOps = {
  ...learnableLogits,
  gradient: async (b, m, s) => (await learnableLogits.gradient(b, m, s)).map((x) => -x),
};
const flippedPair: FreePairOps = { ...freePair, gradient: (p, s) => freePair.gradient(p, s).map((x) => -x) };

const small = { samples: 12, seed: 3, vocab: 40, dim: 8 };

describe('log-log slope', () => {
  it('recovers the exponent of a power law', () => {
    const xs = [1, 0.5, 0.25, 0.125];
    expect(logLogSlope(xs, xs.map((x) => 3 * x * x))).toBeCloseTo(2, 12);
    expect(logLogSlope(xs, xs.map((x) => x))).toBeCloseTo(1, 12);
  });
});

describe('theorem1', () => {
  it('verifies the identities and the step on the real model', async () => {
    const v = await theorem1(small);
    expect(v.status, JSON.stringify(v.evidence.worst)).toBe('verified');
    expect(v.evidence.maxRelError).toBeLessThan(1e-9);
  });
  it('same seed, same verdict', async () => {
    const a = await theorem1({ ...small, samples: 3 }), b = await theorem1({ ...small, samples: 3 });
    expect(a.evidence).toEqual(b.evidence);
  });
  it('fails on a model whose gradient has a flipped sign', async () => {
    const v = await theorem1({ ...small, ops: flippedLastLinear });
    expect(v.status).toBe('refuted');
    expect(v.evidence.notes?.some((n) => n.startsWith('FAILED'))).toBe(true);
  });
  it('fails on a wrong claimed formula (⟨∇w,∇l⟩ = +‖h‖²/M)', async () => {
    const v = await theorem1({ ...small, claim: { ...THEOREM1_CLAIM, uniform: (M, h2) => ({ ...THEOREM1_CLAIM.uniform(M, h2), innerWL: h2 / M }) } });
    expect(v.status).toBe('refuted');
    expect(v.evidence.worst).toMatchObject({ claim: 'uniform', quantity: 'innerWL' });
  });
  it('fails on a wrong general closed form (‖∇w‖² = ‖h‖²(1 − s_w))', async () => {
    const v = await theorem1({ ...small, claim: { ...THEOREM1_CLAIM, general: (s, w, l, h2) => ({ ...THEOREM1_CLAIM.general(s, w, l, h2), normW2: h2 * (1 - s[w]) }) } });
    expect(v.status).toBe('refuted');
  });
});

describe('corollary2', () => {
  it('holds under the orthogonal-prefix assumption and reports counterexamples outside it', async () => {
    const v = await corollary2({ ...small, samples: 30 });
    expect(v.status, JSON.stringify(v.evidence.notes)).toBe('needs-assumption');
    expect(v.assumption).toBe(ASSUMPTION_ORTHOGONAL);
    // the counterexample is a real one: the chosen response fell or the norms differ
    const w = v.evidence.worst as { deltaW: number; normW2: number; normL2: number; innerBelowNorm: boolean };
    expect(w.deltaW < 0 || w.normW2 !== w.normL2 || !w.innerBelowNorm).toBe(true);
  });
  it('fails on a flipped gradient', async () => {
    expect((await corollary2({ ...small, ops: flippedLastLinear })).status).toBe('refuted');
  });
  it('fails on a wrong token-level claim', async () => {
    const v = await corollary2({ ...small, claim: { ...THEOREM1_CLAIM, uniform: (M, h2) => ({ ...THEOREM1_CLAIM.uniform(M, h2), normL2: h2 }) } });
    expect(v.status).toBe('refuted');
  });
});

describe('theorem3', () => {
  it('verifies (11), (13) to first order and finds that the step matches appendix (21), not main-text (12)', async () => {
    const v = await theorem3({ samples: 24, seed: 5, vocab: 30 });
    expect(v.status, JSON.stringify(v.evidence.notes)).toBe('verified-first-order');
    const note = v.evidence.notes!.find((n) => n.startsWith('position m'))!;
    expect(note).toMatch(/appendix \(21\) is right/);
    expect(note).toMatch(/on 24\/24 samples/);
  });
  it('fails on a flipped gradient', async () => {
    expect((await theorem3({ samples: 8, seed: 5, vocab: 30, ops: flippedLogits })).status).toBe('refuted');
  });
  it('fails on a wrong (13) (sign of the sum flipped)', async () => {
    const wrong = { ...THEOREM3_PRINTED, eq13: (sw: Float64Array, sl: Float64Array, j: number) => {
      let rest = 0;
      for (let q = 0; q < sw.length; q++) if (q !== j) rest += sw[q] * (sl[q] - sw[q]);
      return (1 - sw[j]) * (sl[j] - sw[j]) + rest;
    } };
    expect((await theorem3({ samples: 8, seed: 5, vocab: 30, claims: wrong })).status).toBe('refuted');
  });
  it('fails when neither printed form of the position-m change is right', async () => {
    const wrong = { ...THEOREM3_PRINTED, eq12: () => 1, eq21: () => 1 };
    expect((await theorem3({ samples: 8, seed: 5, vocab: 30, claims: wrong })).status).toBe('refuted');
  });
});

describe('taylor', () => {
  const some = catalogueSpecs().filter((s) => ['dpo', 'simpo', 'sppo', 'rrhf', 'kto'].includes(s.source.id));
  it('verifies the first-order expansion for every catalogue loss', async () => {
    const v = await taylor({ samples: 4, seed: 2 });
    expect(v.status, JSON.stringify(v.evidence.worst)).toBe('verified-first-order');
  });
  it('fails on a flipped model gradient (the error becomes O(η))', async () => {
    const v = await taylor({ losses: some, samples: 3, seed: 2, ops: flippedLastLinear });
    expect(v.status).toBe('refuted');
  });
  it('fails when d_l has the wrong sign, through the finite difference of L', async () => {
    const v = await taylor({ losses: some, samples: 3, seed: 2, weights: (w) => ({ dW: w.dW, dL: -w.dL }) });
    expect(v.status).toBe('refuted');
    expect(v.evidence.notes?.some((n) => n.startsWith('FAILED weights'))).toBe(true);
  });
});

describe('cases', () => {
  it('conditions (9)/(10) and classify agree with the actual signs for every loss', async () => {
    const v = await cases({ samples: 60, seed: 4 });
    expect(v.status, JSON.stringify(v.evidence.worst)).toBe('verified');
  });
  // Eq. (9)/(10) as printed divide by d_l (d_w) without minding its sign.
  const literal: Predictor = (c, w, g) => {
    switch (c.direction) {
      case 'chosen-up': return g.innerWL <= (w.dW / w.dL) * g.normW2;
      case 'chosen-down': return g.innerWL >= (w.dW / w.dL) * g.normW2;
      case 'rejected-down': return g.innerWL <= (w.dL / w.dW) * g.normL2;
      case 'rejected-up': return g.innerWL >= (w.dL / w.dW) * g.normL2;
    }
  };
  it('fails with the d > 0-only reading of (9)/(10) on a loss whose d_l changes sign (SPPO)', async () => {
    const v = await cases({ samples: 80, seed: 4, predict: literal, losses: catalogueSpecs().filter((s) => s.source.id === 'sppo') });
    expect(v.status).toBe('refuted');
    expect((v.evidence.worst as { dL: number }).dL).toBeLessThan(0);
  });
  it('fails on a step built from flipped gradients', async () => {
    const v = await cases({ samples: 20, seed: 4, ops: flippedPair, losses: catalogueSpecs().filter((s) => s.source.id === 'dpo') });
    expect(v.status).toBe('refuted');
  });
});

describe('corollary2, the hand-built counterexample', () => {
  it('h_1 = 2h_L and y_1 = y_l: a DPO step lowers both log π_w and log π_l (case 2, not case 1)', async () => {
    const { cpuBackend: be } = await import('../../src/numeric/cpu.js');
    const { pinLogits, gramOf, combine, stepped } = await import('../../src/numeric/models/last-linear.js');
    const d = 2, V = 4, yw = 0, yl = 1;
    const model = { d, V, theta: Float64Array.from([0.3, -0.2, 0.1, 0.5, -0.4, 0.2, 0.7, -0.1]) };
    const hL = Float64Array.from([1, 0.5]);
    await pinLogits(be, model, hL, new Float64Array(V)); // uniform on all M = V = 4 tokens at position L
    const hidden = Float64Array.from([2 * hL[0], 2 * hL[1], hL[0], hL[1]]);
    const rw = { hidden, tokens: [yl, yw] }, rl = { hidden, tokens: [yl, yl] };
    const gw = await lastLinear.gradient(be, model, rw), gl = await lastLinear.gradient(be, model, rl);
    const gram = await gramOf(be, gw, gl);
    expect(gram.innerWL).toBeGreaterThan(gram.normW2); // condition (7) for the chosen side fails
    const eta = 1e-3;
    const next = await stepped(be, model, eta, combine([{ coef: 1, g: gw }, { coef: -1, g: gl }]));
    const dW = (await lastLinear.logProb(be, next, rw)) - (await lastLinear.logProb(be, model, rw));
    const dL = (await lastLinear.logProb(be, next, rl)) - (await lastLinear.logProb(be, model, rl));
    const hL2 = hL[0] ** 2 + hL[1] ** 2;
    // first order: Δlog π_w ≈ η(−2‖h_L‖² + ‖h_L‖²) = −η‖h_L‖², Δlog π_l ≈ −3η‖h_L‖²
    expect(dW).toBeLessThan(0);
    expect(dL).toBeLessThan(dW);
    expect(Math.abs(dW / (eta * hL2) + 1)).toBeLessThan(1e-2);
    expect(Math.abs(dL / (eta * hL2) + 3)).toBeLessThan(1e-2);
  });
});
