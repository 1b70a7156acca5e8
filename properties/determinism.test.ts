// Same seed, same output: the PRNG, the direction audit, the domain arbitraries and `marginlab fuzz`.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzDerivation } from '../src/fuzz/engine.js';
import { directionAudit } from '../src/symbolic/audit.js';
import { makeRng } from '../src/util/prng.js';
import { NAMED_LOSSES } from './arbitraries/catalogue.js';
import { gramArb, pointArb } from './arbitraries/domain.js';
import { assertProduceSameValueGivenSameSeed } from './laws/index.js';
import { compiled } from './support.js';

const seedArb = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

describe('determinism', () => {
  it('makeRng: same seed, same bits (next, int, normal)', () => {
    fc.assert(fc.property(seedArb, (seed) => {
      assertProduceSameValueGivenSameSeed((s) => { const r = makeRng(s); return [r.next(), r.int(-5, 5), r.normal(), r.normal(), r.next()]; }, seed);
    }));
  });

  it('makeRng: different seeds give different streams', () => {
    fc.assert(fc.property(seedArb, seedArb, (a, b) => {
      fc.pre(a !== b);
      const ra = makeRng(a), rb = makeRng(b);
      expect([ra.next(), ra.next()]).not.toEqual([rb.next(), rb.next()]);
    }), { numRuns: 50 });
  });

  it('directionAudit: same seed, identical result, for every named loss', () => {
    fc.assert(fc.property(fc.constantFrom(...NAMED_LOSSES), seedArb, (l, seed) => {
      const c = compiled(l.spec)!;
      assertProduceSameValueGivenSameSeed((s) => directionAudit(c, { samples: 60, seed: s }), seed);
    }), { numRuns: 60 });
  });

  it('domain arbitraries: same seed, same samples', () => {
    const spec = NAMED_LOSSES[0].spec;
    fc.assert(fc.property(seedArb, (seed) => {
      assertProduceSameValueGivenSameSeed((s) => fc.sample(fc.tuple(pointArb(spec), gramArb()), { seed: s, numRuns: 5 }), seed);
    }), { numRuns: 30 });
  });

  it('fuzzDerivation: same seed, same report', () => {
    const c = compiled(NAMED_LOSSES.find((l) => l.id === 'rrhf')!.spec)!;
    assertProduceSameValueGivenSameSeed((s) => fuzzDerivation(c.derivation, { runs: 30, seed: s }), 7);
  });
});
