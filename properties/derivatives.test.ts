// d_w and d_l against finite differences of L — the rule table first (each primitive on its own, then
// random compositions), then every named loss, catalogue losses with random hyperparameters, and
// random new losses. Also: the regimes of every loss cover its domain, one at a time.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { call, sym } from '../src/expr/expr.js';
import { PRIMITIVES } from '../src/expr/primitives.js';
import { NAMED_LOSSES, catalogueLossArb } from './arbitraries/catalogue.js';
import { pointArb } from './arbitraries/domain.js';
import { exprArb, randomLossArb } from './arbitraries/expr.js';
import { Tally, assertDerivativeMatchesFiniteDifference, assertRegimesCoverDomain, assertWeightsMatchFiniteDifference } from './laws/index.js';
import { RUNS, compiled, compiledGuarded, randomLossPointArb } from './support.js';

const SMOOTH = [...PRIMITIVES.values()].filter((p) => p.derivative).map((p) => p.name);
// Away from 0 by at least 0.01, so that a step of 1e-4 stays inside domains like u > 0.
const arg = fc.oneof(fc.double({ min: -6, max: 6, noNaN: true }), fc.double({ min: -40, max: 40, noNaN: true })).filter((x) => Math.abs(x) >= 0.01);

describe('rule table: each derivative entry matches a central difference', () => {
  for (const p of [...PRIMITIVES.values()].filter((q) => q.derivative)) {
    it(`${p.name}`, () => {
      const t = new Tally(p.name);
      const e = call(p.name, ...p.params.map(sym));
      // Arguments inside the primitive's domain (log u needs u > 0, …).
      const args = fc.tuple(...p.params.map(() => arg)).filter((xs) => !p.domain || p.domain(...xs));
      fc.assert(fc.property(args, (xs) => {
        const env = Object.fromEntries(p.params.map((u, i) => [u, xs[i]]));
        for (const u of p.params) assertDerivativeMatchesFiniteDifference(e, u, env, t);
      }));
      t.expectAtLeast(RUNS / 4);
    });
  }
});

describe('differentiate: random compositions of smooth primitives', () => {
  it('d/da matches a central difference', () => {
    const t = new Tally('compositions');
    fc.assert(fc.property(exprArb({ symbols: ['a', 'beta'], primitives: SMOOTH, maxDepth: 4 }),
      fc.double({ min: -4, max: 4, noNaN: true }), fc.double({ min: 0.1, max: 5, noNaN: true }),
      (e, a, beta) => { assertDerivativeMatchesFiniteDifference(e, 'a', { a, beta }, t); }));
    t.expectAtLeast(RUNS / 4);
  });
});

describe.each(NAMED_LOSSES.map((l) => [l.id, l] as const))('%s', (_id, { spec }) => {
  const c = compiled(spec)!;
  it('d_w = −∂L/∂logp_w and d_l = ∂L/∂logp_l; exactly one regime holds', () => {
    const fd = new Tally('finite differences'), cover = new Tally('regimes');
    fc.assert(fc.property(pointArb(spec), (env) => {
      assertWeightsMatchFiniteDifference(c, env, fd);
      assertRegimesCoverDomain(c, env, cover);
    }));
    fd.expectAtLeast(RUNS / 4);
    // At the start of training (c_ref = logp, a quarter of the points) DPOP sits on its kink.
    cover.expectAtLeast(RUNS / 4);
  });
});

describe('catalogue losses with random hyperparameters', () => {
  it('weights match finite differences; regimes cover', () => {
    const fd = new Tally('finite differences');
    fc.assert(fc.property(catalogueLossArb().chain((l) => fc.tuple(fc.constant(l), pointArb(l.spec))), ([l, env]) => {
      const c = compiled(l.spec)!;
      assertWeightsMatchFiniteDifference(c, env, fd);
      assertRegimesCoverDomain(c, env);
    }));
    fd.expectAtLeast(RUNS / 4);
  });
});

describe.skipIf(!!process.env.MARGINLAB_SKIP_RANDOM_LOSSES)('random new losses (compositions of the rule table)', () => {
  it('weights match finite differences; regimes cover', () => {
    const fd = new Tally('finite differences'), cover = new Tally('regimes'), losses = new Tally('losses derived');
    fc.assert(fc.property(randomLossArb(), fc.array(randomLossPointArb, { minLength: 3, maxLength: 3 }), (loss, points) => {
      const c = compiledGuarded(loss.spec, loss.text);
      if (!losses.record(c ? { status: 'pass' } : { status: 'skip', reason: 'engine refused (too many regimes, or E_TOO_COMPLEX)' }) || !c) return;
      for (const env of points) {
        assertWeightsMatchFiniteDifference(c, env, fd);
        assertRegimesCoverDomain(c, env, cover);
      }
    }));
    losses.expectAtLeast(RUNS * 0.8);
    fd.expectAtLeast(RUNS / 4);
    cover.expectAtLeast(RUNS / 2);
  }, 900_000);
});
