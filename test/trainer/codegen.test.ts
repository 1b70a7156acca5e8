// The generated PyTorch loss agrees with marginlab's own L, d_w, d_l at random points, for every catalogue
// loss and for a loss that uses every primitive; all evaluated in one Python process.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/loss/catalogue/index.js';
import { fromCatalogue, inlineLoss } from '../../src/loss/file.js';
import { checkLoss } from '../../src/loss/check.js';
import { mustDerive, type Derivation } from '../../src/symbolic/derive.js';
import { compileDerivation, completePoint, evaluateAt } from '../../src/symbolic/point.js';
import { generateTorch, missingPrimitives } from '../../src/trainer/codegen.js';
import { requireTorch, runPython } from './torch.js';

beforeAll(requireTorch);

function must<T>(r: { ok: true; value: T } | { ok: false }): T {
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.value;
}

const everyPrimitive = must(inlineLoss({
  name: 'every primitive',
  m: 'logsigmoid(a) + tanh(a)/10 - abs(a)/100 - relu(-a)/100 + sqrt(softplus(a))/10 - max(a, 1)/50 + min(a, -1)/50',
  hw: 'beta*a + log1mexp(a)/10 + sigmoid(a)',
  hl: 'beta*a - log1p(exp(a))/10 + expm1(a)/10 + log(-a)/10',
  params: { beta: 0.1 },
}));

const POINT = fc.record({
  logp_w: fc.double({ min: -30, max: -0.05, noNaN: true }),
  logp_l: fc.double({ min: -30, max: -0.05, noNaN: true }),
  c_ref_w: fc.double({ min: -30, max: -0.05, noNaN: true }),
  c_ref_l: fc.double({ min: -30, max: -0.05, noNaN: true }),
  len_w: fc.integer({ min: 1, max: 40 }),
  len_l: fc.integer({ min: 1, max: 40 }),
  z_ref: fc.double({ min: 0, max: 2, noNaN: true }),
});

describe('PyTorch code generation', () => {
  it('has a torch form for every primitive of the rule table', () => {
    expect(missingPrimitives()).toEqual([]);
  });

  it('agrees with marginlab at random points for every catalogue loss (one Python process)', () => {
    const cases: { id: string; d: Derivation }[] = CATALOGUE.map((e) => ({ id: e.id, d: mustDerive(must(checkLoss(fromCatalogue(e)))) }));
    cases.push({ id: 'every-primitive', d: mustDerive(everyPrimitive) });
    const points = fc.sample(POINT, { numRuns: 40, seed: 42 });
    const jobs = cases.map(({ id, d }) => {
      const c = compileDerivation(d);
      const kept: { point: (typeof points)[number]; L: number; dW: number; dL: number }[] = [];
      for (const p of points) {
        const e = evaluateAt(c, must(completePoint(d, p)));
        if (e.ok) kept.push({ point: p, L: e.value.L, dW: e.value.dW, dL: e.value.dL });
      }
      const code = generateTorch(d);
      if (!code.ok) throw new Error(code.errors[0].message);
      const params = Object.fromEntries(Object.entries(d.spec.source.params).map(([k, v]) => [k, v.default]));
      return { id, kept, item: { python: code.value.python, entry: code.value.entry, params, points: kept.map((k) => k.point) } };
    });
    for (const j of jobs) expect(j.kept.length, `${j.id}: points where marginlab evaluates`).toBeGreaterThanOrEqual(20);
    const out = JSON.parse(runPython(['--eval'], JSON.stringify({ losses: jobs.map((j) => j.item) }))) as { results: { L: number; dW: number; dL: number }[][] };
    jobs.forEach((j, i) => {
      j.kept.forEach((want, k) => {
        const got = out.results[i][k];
        for (const f of ['L', 'dW', 'dL'] as const) {
          const err = Math.abs(got[f] - want[f]) / Math.max(Math.abs(want[f]), 1e-12);
          expect(err, `${j.id} ${f} at ${JSON.stringify(want.point)}: torch ${got[f]} vs marginlab ${want[f]}`).toBeLessThan(1e-9);
        }
      });
    });
  });

  it('prefixes params so that a param named like a Python keyword is safe', () => {
    const d = mustDerive(must(checkLoss(fromCatalogue(CATALOGUE.find((e) => e.id === 'dpop')!))));
    const code = generateTorch(d);
    expect(code.ok && code.value.python).toContain('p_lambda = params["lambda"]');
    expect(code.ok && /\blambda\b(?!")/.test(code.value.python.replace(/p_lambda|"lambda"/g, ''))).toBe(false);
  });
});
