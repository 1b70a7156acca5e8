// A loss over K ranked responses: d_k = −∂L/∂logp_k against central differences of L as written (random
// losses, with hinges), the step Δlogp = η·G·d against the gradients themselves (explicit vectors), and the
// sign-pattern verdicts: every witness re-checked here on its own vectors, every "unreachable" pattern never
// met by random Gram matrices, and the Gram matrix refused unless symmetric PSD.
import { describe, expect, it } from 'vitest';
import { checkLoss } from '../../src/loss/check.js';
import type { LossSpec } from '../../src/loss/types.js';
import { compile } from '../../src/symbolic/evaluate.js';
import { allPatterns, checkPsd, parseGram, patternVerdict, patternVerdicts, rankedStep, symmetricEigenvalues } from '../../src/symbolic/gram.js';
import { compileRanked, completeRankedPoint, deriveRanked, evaluateRanked, type RankedEvaluation } from '../../src/symbolic/ranked.js';
import { makeRng, type Rng } from '../../src/util/prng.js';

const SEED = Number(process.env.RANKED_SEED ?? 18);

function must<T>(r: { ok: true; value: T } | { ok: false; errors?: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}
const ranked = (K: number, L: string, params: Record<string, number> = {}): LossSpec => must(checkLoss({ id: 't', name: 't', origin: 'test', responses: K, L,
  m: '0', h_w: '0', h_l: '0', Lambda: '0', params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, { default: v, description: k }])) }));

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[r.int(0, xs.length - 1)];
const coef = (r: Rng) => (0.2 + r.next() * 2).toFixed(3);

/** A random K-response loss: pairwise logsigmoid terms, a log-softmax over a suffix, hinges, products and squares. */
function randomLoss(r: Rng, K: number): string {
  const i = () => r.int(1, K);
  const terms = Array.from({ length: r.int(2, 4) }, () => {
    const a = i(), b = i();
    return pick(r, [
      () => `-${coef(r)}*logsigmoid(beta*(logp_${a} - c_ref_${a}) - beta*(logp_${b} - c_ref_${b}))`,
      () => `${coef(r)}*log(${Array.from({ length: K - a + 1 }, (_, j) => `exp(beta*logp_${a + j}/len_${a + j})`).join(' + ')}) - ${coef(r)}*beta*logp_${a}/len_${a}`,
      () => `${coef(r)}*max(0, 1 - (logp_${a} - logp_${b}))`,
      () => `${coef(r)}*exp(0.1*logp_${a})*logp_${b}`,
      () => `0.01*${coef(r)}*(logp_${a} - c_ref_${a})^2`,
    ])();
  });
  return terms.join(' + ');
}

function randomPoint(r: Rng, K: number): Record<string, number> {
  const p: Record<string, number> = {};
  for (let k = 1; k <= K; k++) {
    p[`logp_${k}`] = -0.5 - r.next() * 20;
    p[`c_ref_${k}`] = -0.5 - r.next() * 20;
    p[`len_${k}`] = 1 + r.int(0, 8);
  }
  return p;
}

/** −∂L/∂logp_k by central differences of L as written (not simplified, not the derivation). */
function byDifference(spec: LossSpec, env: Record<string, number>, k: number): number {
  const L = compile(spec.ranked!.L);
  const name = `logp_${k}`;
  const h = 1e-6 * Math.max(1, Math.abs(env[name]));
  return -(L({ ...env, [name]: env[name] + h }) - L({ ...env, [name]: env[name] - h })) / (2 * h);
}

function evaluate(spec: LossSpec, given: Record<string, number>): ReturnType<typeof evaluateRanked> {
  const d = must(deriveRanked(spec));
  const p = completeRankedPoint(d, given);
  return p.ok ? evaluateRanked(compileRanked(d), p.value) : p;
}

/** K random vectors in R^n and their Gram matrix. */
function randomVectors(r: Rng, K: number, n: number): { V: number[][]; G: number[][] } {
  const V = Array.from({ length: K }, () => Array.from({ length: n }, () => r.normal()));
  const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
  return { V, G: V.map((a) => V.map((b) => dot(a, b))) };
}

describe('d_k = −∂L/∂logp_k for random K-response losses', () => {
  it(`agrees with central differences across K = 2 … 8 and the regimes of their hinges (seed ${SEED})`, () => {
    const rng = makeRng(SEED);
    let checked = 0;
    for (let n = 0; n < 40; n++) {
      const K = 2 + (n % 7);
      const text = randomLoss(rng, K);
      const spec = ranked(K, text, { beta: 0.5 });
      for (let t = 0; t < 5; t++) {
        const env = randomPoint(rng, K);
        const e = evaluate(spec, env);
        if (!e.ok) { expect(e.errors[0].code, `seed ${SEED}: ${text}`).toMatch(/E_ON_BOUNDARY|E_ILL_CONDITIONED/); continue; }
        const full = e.value.point.values as Record<string, number>;
        e.value.d.forEach((dk, i) => {
          const fd = byDifference(spec, full, i + 1);
          expect(Math.abs(dk - fd), `seed ${SEED}: d_${i + 1} of ${text} at ${JSON.stringify(full)}: ${dk} vs ${fd}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(fd)));
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('a hinge splits into regimes: max(0, 1 − (logp_1 − logp_3)) has two, with d_1 = ±1 on its sides', () => {
    const spec = ranked(3, 'max(0, 1 - (logp_1 - logp_3)) - 0.1*logp_2');
    expect(must(deriveRanked(spec)).regimes.length).toBe(2);
    expect(must(evaluate(spec, { logp_1: -5, logp_2: -3, logp_3: -5 })).d).toEqual([1, 0.1, -1]);
    expect(must(evaluate(spec, { logp_1: -2, logp_2: -3, logp_3: -5 })).d).toEqual([0, 0.1, 0]);
  });

  it('c_ref_k defaults to logp_k and len_k to 1; every logp_k is required', () => {
    const d = must(deriveRanked(ranked(3, '-logsigmoid(logp_1/len_1 - c_ref_2)')));
    const p = must(completeRankedPoint(d, { logp_1: -1, logp_2: -2, logp_3: -3 }));
    expect(p.values).toMatchObject({ c_ref_1: -1, c_ref_2: -2, c_ref_3: -3, len_1: 1, len_2: 1, len_3: 1 });
    expect(completeRankedPoint(d, { logp_1: -1, logp_2: -2 })).toFailWith('E_POINT', { symbol: 'logp_3' });
    expect(completeRankedPoint(d, { logp_1: -1, logp_2: -2, logp_3: -3, logp_w: -1 })).toFailWith('E_POINT', { symbol: 'logp_w' });
    expect(completeRankedPoint(d, { logp_1: 1, logp_2: -2, logp_3: -3 })).toFailWith('E_POINT', { symbol: 'logp_1' });
  });
});

describe('one step with a Gram matrix', () => {
  it('Δlogp_k = η·(G·d)_k equals η·⟨∇logp_k, Σ_j d_j ∇logp_j⟩ for explicit gradient vectors, with its sign pattern', () => {
    const rng = makeRng(SEED + 1);
    for (let n = 0; n < 30; n++) {
      const K = 2 + (n % 7);
      const r = evaluate(ranked(K, randomLoss(rng, K), { beta: 0.5 }), randomPoint(rng, K));
      if (!r.ok) continue;
      const e: RankedEvaluation = r.value;
      const { V, G } = randomVectors(rng, K, 1 + rng.int(0, 5));
      const eta = 0.1 + rng.next();
      const step = rankedStep(e.certified, G, eta);
      const descent = V[0].map((_, i) => e.d.reduce((s, dj, j) => s + dj * V[j][i], 0));
      V.forEach((v, k) => {
        const explicit = eta * v.reduce((s, x, i) => s + x * descent[i], 0);
        expect(step.changes[k]).toBeCloseTo(explicit, 10);
        const sign = step.pattern[k];
        if (sign === '+') expect(explicit).toBeGreaterThan(0);
        else if (sign === '-') expect(explicit).toBeLessThan(0);
        else expect(Math.abs(explicit)).toBeLessThan(1e-12);
      });
    }
  });

  it('the weights of InfoNCA-like log-softmax losses sum to zero, so with G = I the step keeps Σ_k Δlogp_k = 0', () => {
    const e = must(evaluate(ranked(3, '-(0.5*logp_1 + 0.3*logp_2 + 0.2*logp_3 - log(exp(logp_1) + exp(logp_2) + exp(logp_3)))'), { logp_1: -1, logp_2: -2, logp_3: -3 }));
    const step = rankedStep(e.certified, [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(step.changes.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
  });
});

describe('which sign patterns some PSD G reaches', () => {
  const cert = (d: number[]) => d.map((v) => ({ value: v, lo: v, hi: v, digits: 17 }));

  it('each reachable pattern comes with vectors whose Gram matrix gives exactly that pattern (checked here), and the rest are never met', () => {
    const rng = makeRng(SEED + 2);
    for (let n = 0; n < 20; n++) {
      const K = 2 + (n % 4);
      const d = Array.from({ length: K }, () => (rng.next() < 0.15 ? 0 : rng.normal()));
      const verdicts = patternVerdicts(cert(d));
      expect(verdicts.map((v) => v.pattern)).toEqual(allPatterns(K));
      const unreachable = new Set(verdicts.filter((v) => v.status === 'unreachable').map((v) => v.pattern));
      for (const v of verdicts) {
        expect(v.status, `seed ${SEED + 2}: ${v.pattern} at d = ${d}`).not.toBe('undecided');
        if (v.status !== 'reachable') continue;
        const vd = v.vectors.reduce((s, x, j) => s + x * d[j], 0);
        const signs = v.vectors.map((x) => (x * vd > 0 ? '+' : x * vd < 0 ? '-' : '0')).join('');
        expect(signs, `seed ${SEED + 2}: witness for ${v.pattern} at d = ${d}`).toBe(v.pattern);
        expect(checkPsd(v.gram)).toBeUndefined();
      }
      // Random Gram matrices never reach a pattern the proof says is unreachable.
      for (let t = 0; t < 300; t++) {
        const { G } = randomVectors(rng, K, 1 + rng.int(0, 3));
        const pattern = rankedStep(cert(d), G).pattern;
        expect(unreachable.has(pattern), `seed ${SEED + 2}: G = ${JSON.stringify(G)} reaches ${pattern} at d = ${d}`).toBe(false);
      }
    }
  });

  it('at d = (1, −1, 0): a pattern is reachable iff response 1 rises or response 2 falls; (−,+,±) are proved unreachable', () => {
    const verdicts = Object.fromEntries(patternVerdicts(cert([1, -1, 0])).map((v) => [v.pattern, v.status]));
    expect(verdicts).toEqual({ '+++': 'reachable', '++-': 'reachable', '+-+': 'reachable', '+--': 'reachable',
      '-++': 'unreachable', '-+-': 'unreachable', '--+': 'reachable', '---': 'reachable' });
  });

  it('a weight whose sign float64 cannot certify leaves the patterns that rest on it UNDECIDED', () => {
    const weights = [{ value: 1e-20, lo: -1e-19, hi: 1e-19, digits: 0 }, { value: -1, lo: -1, hi: -1, digits: 17 }];
    expect(patternVerdict('++', weights).status).toBe('undecided');
    expect(patternVerdict('+-', weights).status).toBe('reachable');
  });
});

describe('the Gram matrix', () => {
  it('is read row by row or as JSON, and refused unless K×K, symmetric and positive semidefinite', () => {
    expect(must(parseGram('1,0.5,0.5,1', 2))).toEqual([[1, 0.5], [0.5, 1]]);
    expect(must(parseGram('[[1, 0.5], [0.5, 1]]', 2))).toEqual([[1, 0.5], [0.5, 1]]);
    expect(must(parseGram('[1, 0.5, 0.5, 1]', 2))).toEqual([[1, 0.5], [0.5, 1]]);
    expect(parseGram('1,0.5,0.5', 2)).toFailWith('E_POINT', { slot: '--gram' });
    expect(parseGram('1,0.5,0.4,1', 2)).toFailWith('E_POINT', { slot: '--gram' });
    const notPsd = parseGram('1,2,2,1', 2);
    expect(notPsd).toFailWith('E_POINT', { slot: '--gram' });
    if (!notPsd.ok) expect(notPsd.errors[0].message).toMatch(/not positive semidefinite: its smallest eigenvalue is -1/);
    expect(parseGram('1,x,0,1', 2)).toFailWith('E_POINT', { slot: '--gram' });
    expect(parseGram('[[1,0],[0]]', 2)).toFailWith('E_POINT', { slot: '--gram' });
    // A rank-deficient Gram matrix (two equal gradients) is PSD, and accepted.
    expect(parseGram('1,1,1,1', 2).ok).toBe(true);
  });

  it('eigenvalues by Jacobi rotations match a known spectrum', () => {
    const ev = symmetricEigenvalues([[2, -1, 0], [-1, 2, -1], [0, -1, 2]]).sort((a, b) => a - b);
    [2 - Math.SQRT2, 2, 2 + Math.SQRT2].forEach((x, i) => expect(ev[i]).toBeCloseTo(x, 12));
  });
});
