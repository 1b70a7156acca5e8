// The prover's verdicts, fuzzed (issue 14): random claims `f op 0` built from the rule table on random
// boxes. PROVED must never meet a point that violates the claim — 10⁴ points per claim, the box's
// closed ends and points just inside its open ends included, each judged by a float64 value with its
// own running error bound (evaluateBounded, independent of the interval code) and by the enclosure at
// the point. REFUTED must come with a witness inside the box whose enclosure lies on the wrong side.
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { type Expr, symbolsOf } from '../src/expr/expr.js';
import { type Interval, contains, interval, nextDown, nextUp } from '../src/expr/interval.js';
import { tryBounded, wellConditioned } from '../src/symbolic/bounded.js';
import { encloseAt, signOf } from '../src/symbolic/interval/enclose.js';
import { type SignOp, prove } from '../src/symbolic/interval/prove.js';
import { makeRng } from '../src/util/prng.js';
import { exprArb } from './arbitraries/expr.js';

const end = fc.oneof(fc.double({ min: -20, max: 20, noNaN: true }), fc.constantFrom(0, 1, -1, 0.5, 2, -3, 10));
const side = fc.tuple(end, end, fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean()).map(([a, b, loInf, hiInf, loOpen, hiOpen]): Interval => {
  const lo = loInf ? -Infinity : Math.min(a, b), hi = hiInf ? Infinity : Math.max(a, b);
  return interval(lo, hi, loOpen || lo === -Infinity, hiOpen || hi === Infinity);
}).filter((i) => i.lo < i.hi || (i.lo === i.hi && !i.loOpen && !i.hiOpen));

const claim = fc.record({
  e: exprArb({ symbols: ['x', 'y'], maxDepth: 3, conditionals: true }),
  op: fc.constantFrom<SignOp>('>', '>=', '<', '<='),
  x: side,
  y: side,
});

/** Points of a side: its closed ends, points just inside its ends, and random points at several scales. */
function pointsOf(i: Interval, n: number, seed: number): number[] {
  const rng = makeRng(seed);
  const out: number[] = [];
  if (Number.isFinite(i.lo)) out.push(i.loOpen ? nextUp(i.lo) : i.lo);
  if (Number.isFinite(i.hi)) out.push(i.hiOpen ? nextDown(i.hi) : i.hi);
  while (out.length < n) {
    const u = rng.next();
    const mag = 10 ** (rng.next() * 8 - 3);
    const v = Number.isFinite(i.lo) && Number.isFinite(i.hi) ? i.lo + u * (i.hi - i.lo)
      : Number.isFinite(i.lo) ? i.lo + mag : Number.isFinite(i.hi) ? i.hi - mag : (u < 0.5 ? -mag : mag);
    if (contains(i, v)) out.push(v);
  }
  return out.filter((v) => contains(i, v));
}

/** Does the claim certainly fail at the point — by a well-conditioned float64 value, or by its enclosure? */
function certainlyFails(e: Expr, op: SignOp, env: Record<string, number>): boolean {
  const b = tryBounded(e, env);
  if (b && wellConditioned(b) && Math.abs(b.value) > 2 * b.error) {
    const v = b.value;
    if (op === '>' ? v <= 0 : op === '>=' ? v < 0 : op === '<' ? v >= 0 : v > 0) return true;
  }
  const s = signOf(encloseAt(e, env));
  return op === '>' ? s === 'negative' || s === 'zero' : op === '>=' ? s === 'negative' : op === '<' ? s === 'positive' || s === 'zero' : s === 'positive';
}

describe('prover soundness on random claims', () => {
  test.prop([claim])('PROVED meets no violating point; REFUTED gives a certified witness in the box', ({ e, op, x, y }) => {
    const used = symbolsOf(e);
    const domain = { x, y };
    const r = prove(e, op, domain, { budget: 300 });
    if (r.status === 'proved') {
      const xs = used.has('x') ? pointsOf(x, 100, 1) : [0];
      const ys = used.has('y') ? pointsOf(y, 100, 2) : [0];
      for (const xv of xs) for (const yv of ys) {
        const env = { x: xv, y: yv };
        expect(certainlyFails(e, op, env), `PROVED, yet it fails at x=${xv}, y=${yv}`).toBe(false);
      }
    } else if (r.status === 'refuted') {
      // The witness names the variables the (simplified) claim depends on; any value of the others will do.
      const w: Record<string, number> = { ...r.witness! };
      for (const n of Object.keys(w)) expect(contains(domain[n as 'x' | 'y'], w[n]), `witness ${n}=${w[n]} outside the box`).toBe(true);
      for (const n of ['x', 'y'] as const) w[n] ??= pointsOf(domain[n], 1, 3)[0];
      const s = signOf(encloseAt(e, w));
      const wrong = op === '>' ? s === 'negative' || s === 'zero' : op === '>=' ? s === 'negative' : op === '<' ? s === 'positive' || s === 'zero' : s === 'positive';
      expect(wrong, `witness ${JSON.stringify(w)} is not certified: ${s}`).toBe(true);
    }
  });
});
