// The admissible interval (issue 9), fuzzed: for random gradient pairs, every ratio inside
// [⟨a,b⟩/‖a‖², ‖b‖²/⟨a,b⟩] gives Δlogp_w ≥ 0 ≥ Δlogp_l, every ratio outside it does not, and the interval
// is never empty (Cauchy–Schwarz).
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { expect } from 'vitest';
import { admissible } from '../src/symbolic/remedy.js';
import { firstOrderChange } from '../src/symbolic/conditions.js';

const vec = (n: number) => fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: n, maxLength: n });
const pair = fc.integer({ min: 2, max: 6 }).chain((n) => fc.tuple(vec(n), vec(n), fc.double({ min: -1, max: 1, noNaN: true })))
  .map(([a, b, mix]) => {
    const bb = b.map((x, i) => mix * a[i] + x);
    const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i], 0);
    return { innerWL: dot(a, bb), normW2: dot(a, a), normL2: dot(bb, bb) };
  })
  .filter((g) => g.normW2 > 1e-6 && g.normL2 > 1e-6);

test.prop([pair, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.01, max: 100, noNaN: true })])(
  'inside ⟹ case 1; outside ⟹ not; never empty',
  (g, t, dL) => {
    const a = admissible(g);
    expect(a.lo).toBeLessThanOrEqual(a.hi);
    const hi = Number.isFinite(a.hi) ? a.hi : a.lo + 10;
    const r = a.lo + t * (hi - a.lo);
    const ch = firstOrderChange({ dW: r * dL, dL }, g);
    const tol = 1e-9 * dL * (r * g.normW2 + g.normL2 + Math.abs(g.innerWL) * (1 + r));
    expect(ch.dLogpW).toBeGreaterThanOrEqual(-tol);
    expect(ch.dLogpL).toBeLessThanOrEqual(tol);
    if (g.innerWL > 1e-6 * Math.sqrt(g.normW2 * g.normL2) && a.lo > 0) {
      const below = firstOrderChange({ dW: 0.9 * a.lo * dL, dL }, g);
      expect(below.dLogpW).toBeLessThan(0);
      if (Number.isFinite(a.hi)) expect(firstOrderChange({ dW: 1.1 * a.hi * dL, dL }, g).dLogpL).toBeGreaterThan(0);
    }
  },
);
