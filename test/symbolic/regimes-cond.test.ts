// Example tests for regimes.ts: which nodes are hinges, and the boundary and sides of a conditional
// `test ? x : y` for all four comparison operators, nested hinges and constant boundaries.
import { describe, expect, it } from 'vitest';
import { call, sym } from '../../src/expr/expr.js';
import { parseExpression } from '../../src/loss/parse.js';
import { compile } from '../../src/symbolic/evaluate.js';
import { hasHinge, hingeParts, innermostHinge, replaceNode } from '../../src/symbolic/regimes.js';
import { inlineLoss } from '../../src/loss/file.js';
import { derive } from '../../src/symbolic/derive.js';
import { toText } from '../../src/symbolic/print.js';
import { key } from '../../src/expr/expr.js';

const P = (t: string) => { const r = parseExpression(t, { slot: 't', symbols: new Set(['a', 'b']) }); if (!r.ok) throw new Error(r.errors[0].message); return r.value; };
const ev = (e: ReturnType<typeof P>, a: number, b: number) => compile(e)({ a, b });

describe('hinges', () => {
  it('smooth calls are not hinges; hinge primitives and conditionals are', () => {
    expect(innermostHinge(P('exp(a) + log(a)'))).toBeUndefined();
    expect(hasHinge(P('sigmoid(a)*a'))).toBe(false);
    expect(innermostHinge(call('nosuch', sym('a')))).toBeUndefined();
    expect(hasHinge(P('a < b ? a : b'))).toBe(true);
    expect(innermostHinge(P('exp(a < b ? a : b)'))?.kind).toBe('cond');
    expect(toText(innermostHinge(P('exp(relu(a))'))!)).toBe('relu(a)');
  });
  it('innermost first: the inner hinge of a nested one', () => {
    expect(toText(innermostHinge(P('max(relu(a - 1), b)'))!)).toBe('relu(a - 1)');
    const c = innermostHinge(P('(relu(a) > b ? a : b)'))!;
    expect(toText(c)).toBe('relu(a)');
  });
  it('replaceNode swaps the hinge for a branch', () => {
    const e = P('exp(relu(a)) + relu(a)');
    const h = innermostHinge(e)!;
    const r = replaceNode(e, key(h), sym('a'));
    expect(hasHinge(r)).toBe(false);
    expect(ev(r, 0.5, 0)).toBeCloseTo(Math.exp(0.5) + 0.5, 14);
  });
});

describe('conditional boundaries, all four operators', () => {
  // g = left − right; `above` is the branch taken where g > 0.
  const cases = [
    { t: 'a > b ? a : 2*b', aboveIsThen: true },
    { t: 'a >= b ? a : 2*b', aboveIsThen: true },
    { t: 'a < b ? a : 2*b', aboveIsThen: false },
    { t: 'a <= b ? a : 2*b', aboveIsThen: false },
  ];
  for (const { t, aboveIsThen } of cases) {
    it(t, () => {
      const h = innermostHinge(P(t))!;
      expect(h.kind).toBe('cond');
      const { g, above, below } = hingeParts(h);
      expect(ev(g, 3, 1)).toBe(2);
      expect(ev(g, 1, 3)).toBe(-2);
      expect(toText(above)).toBe(aboveIsThen ? 'a' : '2*b');
      expect(toText(below)).toBe(aboveIsThen ? '2*b' : 'a');
      // The branch on each side is what the conditional itself evaluates to there.
      const whole = P(t);
      expect(ev(above, 3, 1)).toBe(ev(whole, 3, 1));
      expect(ev(below, 1, 3)).toBe(ev(whole, 1, 3));
    });
  }
  it('a hinge primitive: relu(a − b) has boundary a − b, above a − b, below 0', () => {
    const { g, above, below } = hingeParts(innermostHinge(P('relu(a - b)'))!);
    expect(ev(g, 5, 2)).toBe(3);
    expect(ev(above, 5, 2)).toBe(3);
    expect(ev(below, 5, 2)).toBe(0);
  });
});

describe('conditionals split a loss into regimes', () => {
  const regimesOf = (o: Parameters<typeof inlineLoss>[0]) => {
    const s = inlineLoss(o); if (!s.ok) throw new Error(s.errors[0].message);
    const d = derive(s.value); if (!d.ok) throw new Error(d.errors[0].message);
    return d.value.regimes;
  };
  it('m = (a < 0 ? 2a : a): d_w = m′(u) is 2 on the below side, 1 on the above side', () => {
    const r = regimesOf({ m: 'a < 0 ? 2*a : a' });
    expect(r).toHaveLength(2);
    const below = r.find((x) => x.constraints[0].side === 'below')!;
    const above = r.find((x) => x.constraints[0].side === 'above')!;
    expect(toText(below.dW)).toBe('2');
    expect(toText(above.dW)).toBe('1');
    expect(toText(below.dL)).toBe('2');
    expect(below.label).toMatch(/< 0$/);
    expect(above.label).toMatch(/> 0$/);
  });
  it('nested conditionals: the regime that holds at a point has that piece\'s slope', () => {
    const r = regimesOf({ m: 'a > 1 ? (a > 2 ? 3*a : 2*a) : (a < -1 ? -a : a)' });
    // Both inner hinges and the outer one are split: 2 × 2 × 2 sign patterns, some infeasible.
    expect(r).toHaveLength(8);
    expect([...new Set(r.map((x) => compile(x.dW)({})))].sort((p, q) => p - q)).toEqual([-1, 1, 2, 3]);
    for (const [u, slope] of [[2.5, 3], [1.5, 2], [0, 1], [-2, -1]]) {
      const holding = r.filter((x) => x.constraints.every((c) => {
        const g = compile(c.g)({ logp_w: u - 5, logp_l: -5 });
        return c.side === 'above' ? g > 0 : g < 0;
      }));
      expect(holding).toHaveLength(1);
      expect(compile(holding[0].dW)({})).toBe(slope);
    }
  });
  it('constant boundary: decided once, no constraint, one regime', () => {
    const r = regimesOf({ m: '2 > 1 ? a : -a' });
    expect(r).toHaveLength(1);
    expect(r[0].label).toBe('everywhere');
    expect(r[0].constraints).toEqual([]);
    expect(toText(r[0].dW)).toBe('1');
    const r2 = regimesOf({ m: '1 > 2 ? a : -a' });
    expect(toText(r2[0].dW)).toBe('-1');
    // constant boundary exactly 0 (the test compares equal sides): > and <= are decided right
    expect(toText(regimesOf({ m: '1 > 1 ? a : -a' })[0].dW)).toBe('-1');
    expect(toText(regimesOf({ m: '1 <= 1 ? a : -a' })[0].dW)).toBe('1');
    // a boundary free of symbols that the simplifier leaves as a call: sigmoid(1) − log(2) > 0
    const r3 = regimesOf({ m: 'sigmoid(1) > log(2) ? a : 2*a' });
    expect(r3).toHaveLength(1);
    expect(toText(r3[0].dW)).toBe('1');
    const r4 = regimesOf({ m: 'sigmoid(1) < log(2) ? a : 2*a' });
    expect(toText(r4[0].dW)).toBe('2');
  });
});
