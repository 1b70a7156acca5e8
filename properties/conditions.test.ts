// Conditions (9)/(10) with their sign handling (conditionsFor + holdsAt) against the signs of the
// first-order changes (firstOrderChange), for every loss, regime and gradient pair — random new losses
// included, where d_w or d_l can be negative. And Table 1's cases partition the gradient-pair space
// for DPO.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CASES, classify, conditionsFor, firstOrderChange, holdsAt } from '../src/symbolic/conditions.js';
import { regimeAt } from '../src/symbolic/point.js';
import { compile } from '../src/symbolic/evaluate.js';
import { NAMED_LOSSES, catalogueLossArb } from './arbitraries/catalogue.js';
import { gramArb, pointArb } from './arbitraries/domain.js';
import { randomLossArb } from './arbitraries/expr.js';
import { Tally, assertConditionMatchesFirstOrderStep } from './laws/index.js';
import { RUNS, compiled, compiledGuarded, randomLossPointArb } from './support.js';

describe.each(NAMED_LOSSES.map((l) => [l.id, l] as const))('%s', (_id, { spec }) => {
  it('conditions (9)/(10) agree with the sign of the first-order step', () => {
    const c = compiled(spec)!;
    const t = new Tally('conditions');
    fc.assert(fc.property(pointArb(spec), gramArb(), (env, g) => { assertConditionMatchesFirstOrderStep(c, env, g, t); }));
    // DPOP sits on its kink at the start of training; APO-down's step vanishes where σ saturates.
    t.expectAtLeast(RUNS / 4);
  });
});

describe('catalogue losses with random hyperparameters', () => {
  it('conditions agree with the first-order step', () => {
    const t = new Tally('conditions');
    fc.assert(fc.property(catalogueLossArb().chain((l) => fc.tuple(fc.constant(l), pointArb(l.spec))), gramArb(), ([l, env], g) => {
      assertConditionMatchesFirstOrderStep(compiled(l.spec)!, env, g, t);
    }));
    t.expectAtLeast(RUNS / 2);
  });
});

describe.skipIf(!!process.env.MARGINLAB_SKIP_RANDOM_LOSSES)('random new losses', () => {
  it('conditions agree with the first-order step, negative weights included', () => {
    const t = new Tally('conditions');
    let negative = 0;
    fc.assert(fc.property(randomLossArb(), fc.array(fc.tuple(randomLossPointArb, gramArb()), { minLength: 3, maxLength: 3 }), (loss, samples) => {
      const c = compiledGuarded(loss.spec, loss.text);
      if (!c) return;
      for (const [env, g] of samples) {
        if (assertConditionMatchesFirstOrderStep(c, env, g, t)) {
          const r = c.regimes[regimeAt(c, env)];
          if (r.dW(env) < 0 || r.dL(env) < 0) negative++;
        }
      }
    }));
    t.expectAtLeast(RUNS / 2);
    // The sign handling is only exercised where a weight is negative.
    expect(negative).toBeGreaterThan(RUNS / 20);
  }, 900_000);
});

describe("Table 1 for DPO", () => {
  const dpo = compiled(NAMED_LOSSES.find((l) => l.id === 'dpo')!.spec)!;
  // Table 1 as printed: case 1 ⟨a,b⟩ ≤ min(‖a‖², ‖b‖²); case 2 ‖a‖² ≤ ⟨a,b⟩ ≤ ‖b‖²; case 3 ‖b‖² ≤ ⟨a,b⟩ ≤ ‖a‖².
  const table1 = (g: { innerWL: number; normW2: number; normL2: number }) => [
    g.innerWL <= Math.min(g.normW2, g.normL2),
    g.normW2 <= g.innerWL && g.innerWL <= g.normL2,
    g.normL2 <= g.innerWL && g.innerWL <= g.normW2,
  ];
  it('every gradient pair is in at least one case, and off the boundaries in exactly one — the one the engine derives', () => {
    const t = new Tally('off-boundary pairs');
    fc.assert(fc.property(pointArb(dpo.derivation.spec), gramArb(), (env, g) => {
      const cases = table1(g);
      expect(cases.filter(Boolean).length).toBeGreaterThanOrEqual(1);
      const scale = Math.max(g.normW2, g.normL2);
      const nearBoundary = Math.abs(g.innerWL - g.normW2) <= 1e-9 * scale || Math.abs(g.innerWL - g.normL2) <= 1e-9 * scale;
      if (nearBoundary) return;
      t.judged++;
      expect(cases.filter(Boolean).length).toBe(1);
      const paperCase = cases.indexOf(true) + 1;
      // The engine: conditions (9)/(10) of the point's regime, combined as CASES says, pick the same case…
      const r = dpo.derivation.regimes[regimeAt(dpo, env)];
      const w = { dW: dpo.regimes[0].dW(env), dL: dpo.regimes[0].dL(env) };
      if (!(w.dW > 0 && w.dL > 0)) return; // σ underflow: no step at all
      const conds = new Map(conditionsFor(r).map((k) => [k.direction, k]));
      const holding = CASES.filter((k) => k.parts.every((p) => holdsAt(conds.get(p)!, w, g, (e) => compile(e)(env))));
      expect(holding.map((k) => k.id)).toEqual([paperCase]);
      // …and so does the classification of the first-order step.
      const d = firstOrderChange(w, g);
      if (Math.abs(d.dLogpW) > 1e-12 * w.dW * scale && Math.abs(d.dLogpL) > 1e-12 * w.dL * scale) expect(classify(w, g).caseId).toBe(paperCase);
    }));
    t.expectAtLeast(RUNS / 2);
  });
});
