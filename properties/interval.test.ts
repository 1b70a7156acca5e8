// Interval soundness, fuzzed: at every point inside a box, the float64 value of every primitive and of
// random compositions lies in the enclosure (or, outside the domain, the enclosure says "maybe").
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { PRIMITIVES } from '../src/expr/primitives.js';
import { type Interval, contains, interval, imul, iadd, ipowInt, irecip } from '../src/expr/interval.js';
import { type Expr, call, add, mul, pow, num, sym } from '../src/expr/expr.js';
import { compileInterval } from '../src/symbolic/interval/evaluate.js';
import { compile, evaluateOrNaN } from '../src/symbolic/evaluate.js';

/** A box end: finite of any magnitude, or infinite. */
const finite = fc.oneof(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(0, 1, -1, -745, 710));
const boxAndPoint = fc.tuple(finite, finite, fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean())
  .map(([a, b, t, loInf, hiInf, loOpen, hiOpen]) => {
    let lo = Math.min(a, b), hi = Math.max(a, b);
    const x = lo + t * (hi - lo);
    if (loInf) lo = -Infinity;
    if (hiInf) hi = Infinity;
    return { box: interval(lo, hi, loOpen || lo === -Infinity, hiOpen || hi === Infinity), x };
  })
  .filter(({ box, x }) => contains(box, x));

function enclosed(i: Interval, v: number): boolean {
  if (Number.isNaN(v)) return i.def !== 'yes';
  if (i.def === 'no') return false;
  // A float64 value may itself have rounded onto an open end (σ(40) = 1); compare on the closure there.
  return v >= i.lo && v <= i.hi;
}

describe('every primitive encloses its values', () => {
  for (const p of PRIMITIVES.values()) {
    test.prop(p.params.length === 1 ? [boxAndPoint] : [boxAndPoint, boxAndPoint])(`${p.name}`, (...args) => {
      const iv = p.interval(...args.map((a) => a.box));
      const v = p.domain && !p.domain(...args.map((a) => a.x)) ? NaN : p.evaluate(...args.map((a) => a.x));
      expect(enclosed(iv, v), `${p.name}(${args.map((a) => a.x)}) = ${v} ∉ ${JSON.stringify(iv)}`).toBe(true);
    });
  }
});

describe('arithmetic encloses its values', () => {
  test.prop([boxAndPoint, boxAndPoint])('x + y', (a, b) => { expect(enclosed(iadd(a.box, b.box), a.x + b.x)).toBe(true); });
  test.prop([boxAndPoint, boxAndPoint])('x · y', (a, b) => { expect(enclosed(imul(a.box, b.box), a.x * b.x)).toBe(true); });
  test.prop([boxAndPoint, fc.integer({ min: -4, max: 5 })])('x^n', (a, n) => {
    const v = a.x === 0 && n < 0 ? NaN : Math.pow(a.x, n);
    expect(enclosed(ipowInt(a.box, n), v)).toBe(true);
  });
  test.prop([boxAndPoint])('1/x', (a) => { expect(enclosed(irecip(a.box), a.x === 0 ? NaN : 1 / a.x)).toBe(true); });
});

/** Random compositions of the rule table over x and y (depth-bounded, shrinking to small trees). */
const { tree } = fc.letrec<{ tree: Expr }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<Expr>(sym('x'), sym('y'), num(2), num(-1), num(0.5)),
    fc.tuple(tie('tree'), tie('tree')).map(([a, b]) => add(a, b)),
    fc.tuple(tie('tree'), tie('tree')).map(([a, b]) => mul(a, b)),
    fc.tuple(tie('tree'), fc.constantFrom(-1, 2, 3)).map(([a, n]) => pow(a, num(n))),
    fc.tuple(fc.constantFrom(...PRIMITIVES.keys()), tie('tree'), tie('tree')).map(([f, a, b]) => call(f, ...(PRIMITIVES.get(f)!.params.length === 1 ? [a] : [a, b])))),
}));

describe('random compositions enclose their values', () => {
  test.prop([tree, boxAndPoint, boxAndPoint])('f(x, y)', (e, a, b) => {
    const f = compileInterval(e);
    const iv = f({ x: a.box, y: b.box });
    const v = evaluateOrNaN(compile(e), { x: a.x, y: b.x });
    if (Number.isNaN(v) && iv.def === 'yes') {
      // float64 faulted where the enclosure says the expression is defined: an intermediate underflow
      // or overflow (x·x → 0 for x = 5e-324, e^x → 0 for x < −745), not a domain error. The exact
      // point's own enclosure must then agree that it is defined.
      const at = f({ x: interval(a.x, a.x), y: interval(b.x, b.x) });
      expect(at.def, `point enclosure ${JSON.stringify(at)}`).toBe('yes');
      return;
    }
    expect(enclosed(iv, v), `value ${v}, enclosure ${JSON.stringify(iv)}`).toBe(true);
  });
});
