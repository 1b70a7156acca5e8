// simplify never changes a value; parse → print → parse is stable (same value; printing a canonical
// tree is a fixed point) — on random expressions over the whole rule table, conditionals included,
// and on every expression the engine derives for the named losses.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { ARG, CONTEXT_NAMES, LOGP_L, LOGP_W } from '../src/loss/symbols.js';
import { NAMED_LOSSES } from './arbitraries/catalogue.js';
import { pointArb } from './arbitraries/domain.js';
import { exprArb } from './arbitraries/expr.js';
import { Tally, assertParsePrintParseStable, assertSimplifyPreservesValue } from './laws/index.js';
import { RUNS, compiled } from './support.js';

const SYMBOLS = ['a', 'b', 'beta'];
// No subnormal inputs: (x/y)² → x²/y² is an identity, but at a = 3e−309 both squares underflow to 0.
const value = fc.double({ min: -4, max: 4, noNaN: true }).map((x) => (Math.abs(x) < 1e-30 ? 0 : x));
const envArb = fc.record({
  a: value,
  b: value,
  beta: fc.double({ min: 0.1, max: 5, noNaN: true }),
});
const exprs = exprArb({ symbols: SYMBOLS, maxDepth: 5, conditionals: true });

describe('simplify', () => {
  it('preserves the value of random expressions wherever they are defined', () => {
    const t = new Tally('simplify');
    fc.assert(fc.property(exprs, envArb, (e, env) => { assertSimplifyPreservesValue(e, env, t); }));
    t.expectAtLeast(RUNS / 4);
  });
});

describe('parse → print → parse', () => {
  it('random expressions print to text that parses back to the same value; canonical printing is a fixed point', () => {
    const t = new Tally('print');
    fc.assert(fc.property(exprs, envArb, (e, env) => { assertParsePrintParseStable(e, SYMBOLS, env, t); }));
    t.expectAtLeast(RUNS / 4);
  });

  it.each(NAMED_LOSSES.map((l) => [l.id, l] as const))('%s: every derived expression round-trips', (_id, { spec }) => {
    const c = compiled(spec)!;
    const d = c.derivation;
    const symbols = [ARG, LOGP_W, LOGP_L, ...CONTEXT_NAMES, ...Object.keys(spec.source.params)];
    // A loss written whole as L has no margin u and no m′ (null): every expression it does have round-trips.
    const all = [d.u, d.L, ...d.regimes.flatMap((r) => [r.dW, r.dL, r.mPrime, ...(r.ratio ? [r.ratio] : []), ...(r.invRatio ? [r.invRatio] : []), ...r.constraints.map((k) => k.g)])]
      .filter((e): e is NonNullable<typeof e> => e !== null);
    const t = new Tally('derived');
    fc.assert(fc.property(pointArb(spec), (env) => {
      for (const e of all) assertParsePrintParseStable(e, symbols, { ...env, [ARG]: env[LOGP_W] }, t);
    }), { numRuns: Math.max(10, Math.floor(RUNS / 10)) });
    t.expectAtLeast(1);
  });
});
