// The pinned-seed regression suite: the core laws with { seed: 42 } and a fixed run count, independent of
// FC_SEED, so that a change in behaviour shows up on the same cases every time.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { NAMED_LOSSES, catalogueLossArb } from './arbitraries/catalogue.js';
import { gramArb, pointArb } from './arbitraries/domain.js';
import { exprArb } from './arbitraries/expr.js';
import { Tally, assertConditionMatchesFirstOrderStep, assertParsePrintParseStable, assertRegimesCoverDomain, assertSimplifyPreservesValue,
  assertWeightsMatchFiniteDifference } from './laws/index.js';
import { compiled } from './support.js';

const PINNED = { seed: 42, numRuns: 150, verbose: 1 } as const;

describe('regression (seed 42)', () => {
  it('catalogue with random hyperparameters: finite differences, regimes, conditions', () => {
    const fd = new Tally('fd'), cond = new Tally('conditions');
    fc.assert(fc.property(catalogueLossArb().chain((l) => fc.tuple(fc.constant(l), pointArb(l.spec))), gramArb(), ([l, env], g) => {
      const c = compiled(l.spec)!;
      assertWeightsMatchFiniteDifference(c, env, fd);
      assertRegimesCoverDomain(c, env);
      assertConditionMatchesFirstOrderStep(c, env, g, cond);
    }), PINNED);
    fd.expectAtLeast(40);
    cond.expectAtLeast(80);
  });

  it('simplify and printing on random expressions', () => {
    const t = new Tally('simplify');
    const env = fc.record({ a: fc.double({ min: -4, max: 4, noNaN: true }).map((x) => (Math.abs(x) < 1e-30 ? 0 : x)), beta: fc.double({ min: 0.1, max: 5, noNaN: true }) });
    fc.assert(fc.property(exprArb({ symbols: ['a', 'beta'], maxDepth: 5, conditionals: true }), env, (e, v) => {
      assertSimplifyPreservesValue(e, v, t);
      assertParsePrintParseStable(e, ['a', 'beta'], v);
    }), PINNED);
    t.expectAtLeast(40);
  });

  it('DPO, SimPO, CPO, KTO, RRHF at their defaults: conditions agree with the first-order step', () => {
    for (const id of ['dpo', 'simpo', 'cpo', 'kto', 'rrhf']) {
      const spec = NAMED_LOSSES.find((l) => l.id === id)!.spec;
      const c = compiled(spec)!;
      fc.assert(fc.property(pointArb(spec), gramArb(), (env, g) => { assertConditionMatchesFirstOrderStep(c, env, g); }), PINNED);
    }
  });
});
