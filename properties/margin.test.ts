// eq. (6). For a loss that depends on the margin alone — m(h(logp_w) − h(logp_l)) with one affine h and
// Λ = 0 — d_w = d_l and Δ(logp_w − logp_l) = d_w‖∇logp_w − ∇logp_l‖² to first order, so the margin
// never shrinks where d_w ≥ 0 (for DPO-like m, everywhere). For every other loss fast-check must FIND a
// gradient pair and a point where the margin shrinks; the counterexample is printed.
// (IPO's m = −(u − target)², cDPO's label-smoothed m and EXO-pair's reverse KL to its smoothed target are not
// monotone: where d_w < 0 the margin shrinks by design — they get the identity, eq. (6) where d_w ≥ 0, and a counterexample otherwise.)
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { marginIdentity } from '../src/fuzz/engine.js';
import { isMarginOnly } from '../src/symbolic/laws.js';
import { NAMED_LOSSES } from './arbitraries/catalogue.js';
import { gramArb, pointArb } from './arbitraries/domain.js';
import { Tally, assertMarginNonDecreasing } from './laws/index.js';
import { RUNS, compiled } from './support.js';

const marginOnly = NAMED_LOSSES.filter((l) => isMarginOnly(l.spec));
const others = NAMED_LOSSES.filter((l) => !isMarginOnly(l.spec));
/** Margin-only but with an m that is not monotone: the margin shrinks where d_w < 0. */
const NON_MONOTONE = new Set(['ipo', 'ipo@printed', 'cdpo', 'exo-pair']);

it('the margin-only class is what the theory says it is', () => {
  expect(marginOnly.map((l) => l.id).sort()).toEqual(expect.arrayContaining(['dpo', 'cdpo', 'ipo', 'r-dpo', 'robust-dpo', 'hinge']));
  expect(others.map((l) => l.id)).toEqual(expect.arrayContaining(['simpo', 'kto', 'cpo', 'sppo', 'dpop', 'rrhf', 'orpo']));
});

describe.each(marginOnly.map((l) => [l.id, l] as const))('%s (margin only)', (id, { spec }) => {
  const c = compiled(spec)!;
  it('Δ(logp_w − logp_l) = d_w‖a − b‖², d_w = d_l', () => {
    const t = new Tally('identity');
    fc.assert(fc.property(pointArb(spec), gramArb(), (env, g) => {
      const o = marginIdentity(c, env, g);
      if (o.status === 'fail') throw new Error(`${o.message}\n${JSON.stringify(o.details)}`);
      t.record(o);
    }));
    t.expectAtLeast(RUNS / 4);
  });
  it(NON_MONOTONE.has(id) ? 'eq. (6): the margin never shrinks where d_w ≥ 0' : 'eq. (6): the margin never shrinks to first order', () => {
    const t = new Tally('eq. (6)');
    fc.assert(fc.property(pointArb(spec), gramArb(), (env, g) => {
      if (NON_MONOTONE.has(id) && c.regimes[0].dW(env) < 0) return;
      assertMarginNonDecreasing(c, env, g, t);
    }));
    t.expectAtLeast(NON_MONOTONE.has(id) ? RUNS / 8 : RUNS / 4);
  });
});

describe.each([...others, ...marginOnly.filter((l) => NON_MONOTONE.has(l.id))].map((l) => [l.id, l] as const))('%s (not margin-only, or m not monotone)', (id, { spec }) => {
  const c = compiled(spec)!;
  it('fast-check finds a point and gradient pair where the margin shrinks', () => {
    const details = fc.check(fc.property(pointArb(spec), gramArb(), (env, g) => { assertMarginNonDecreasing(c, env, g); }),
      { numRuns: Math.max(RUNS, 5000) });
    expect(details.failed, `${id}: no counterexample to eq. (6) in ${details.numRuns} runs`).toBe(true);
    const [env, g] = details.counterexample!;
    process.stdout.write(`eq. (6) counterexample for ${id} (after ${details.numShrinks} shrinks): ${JSON.stringify({ env, innerWL: g.innerWL, normW2: g.normW2, normL2: g.normL2, kind: g.kind })}\n`);
  });
});
