// Example tests for the differentiator's less-travelled rules: the general power rule d/dx f^g, the
// base-independent power a^x, the rule trace, and the internal errors for hinges and conditionals.
import { describe, expect, it } from 'vitest';
import { call, cond, mul, num, pow, sym } from '../../src/expr/expr.js';
import { parseExpression } from '../../src/loss/parse.js';
import { compile } from '../../src/symbolic/evaluate.js';
import { type RuleUse, derivativeTemplates, differentiate } from '../../src/symbolic/diff.js';
import { ruleTemplate } from '../../src/symbolic/rule-template.js';
import { toText } from '../../src/symbolic/print.js';

const P = (t: string) => { const r = parseExpression(t, { slot: 't', symbols: new Set(['a', 'b']) }); if (!r.ok) throw new Error(r.errors[0].message); return r.value; };
const at = (t: string, a: number, b = 0.7) => compile(differentiate(P(t), 'a'))({ a, b });

describe('power rules', () => {
  it('d/da a^a = a^a (log a + 1)', () => {
    for (const a of [0.5, 2, 3.25]) expect(at('a^a', a)).toBeCloseTo(a ** a * (Math.log(a) + 1), 12);
  });
  it('d/da (a^2)^(a) and d/da sigmoid(a)^(a^2): f^g (g′ log f + g f′/f)', () => {
    const a = 1.3;
    expect(at('(a^2)^a', a)).toBeCloseTo((a * a) ** a * (Math.log(a * a) + a * 2 * a / (a * a)), 10);
    const f = 1 / (1 + Math.exp(-a)), g = a * a;
    expect(at('sigmoid(a)^(a^2)', a)).toBeCloseTo(f ** g * (2 * a * Math.log(f) + g * f * (1 - f) / f), 10);
  });
  it('base free of x: d/da b^a = b^a log b, also d/da b^(a^2) = b^(a^2) log b · 2a', () => {
    expect(at('b^a', 2, 3)).toBeCloseTo(9 * Math.log(3), 12);
    expect(at('b^(a^2)', 1.5, 0.5)).toBeCloseTo(0.5 ** 2.25 * Math.log(0.5) * 3, 12);
    const trace: RuleUse[] = [];
    const d = differentiate(P('b^a'), 'a', trace);
    expect(toText(d)).toBe('b^a*log(b)');
    expect(trace).toEqual([{ rule: 'general power', formula: "d/dx f^g = f^g (g' log f + g f'/f)" }]);
  });
  it('constant exponent uses the power rule k f^(k−1) f′ (also for a negative base)', () => {
    const trace: RuleUse[] = [];
    const d = differentiate(P('a^3'), 'a', trace);
    expect(toText(d)).toBe('3*a^2');
    expect(compile(d)({ a: -2 })).toBe(12);
    expect(trace).toEqual([{ rule: 'power', formula: "d/dx f^k = k f^(k-1) f'" }]);
    expect(at('(b*a)^3', -1, 2)).toBeCloseTo(3 * 4 * 2, 12);
  });
  it('the trace names each primitive with its partial derivative', () => {
    const trace: RuleUse[] = [];
    differentiate(P('exp(a)'), 'a', trace);
    expect(trace).toEqual([{ rule: 'exp', formula: '∂exp/∂u = exp(u)' }]);
  });
});

describe('templates and internal errors', () => {
  it('derivative templates are parsed once and reused', () => {
    const t = derivativeTemplates('exp');
    expect(t).toHaveLength(1);
    expect(derivativeTemplates('exp')[0]).toBe(t[0]);
    // Hinge rules share the same cache: the same formula text of the same primitive is one tree.
    expect(ruleTemplate('max', 'u - v')).toBe(ruleTemplate('max', 'u - v'));
  });
  it('a hinge or an unknown function has no derivative template', () => {
    expect(() => derivativeTemplates('max')).toThrow(/'max' has no derivative rule/);
    expect(() => derivativeTemplates('nosuch')).toThrow(/'nosuch' has no derivative rule/);
  });
  it('a hinge or conditional that depends on x is an internal error, never a subgradient', () => {
    expect(() => differentiate(call('max', sym('a'), num(0)), 'a')).toThrow(/hinges must be resolved into regimes/);
    expect(() => differentiate(call('nosuch', sym('a')), 'a')).toThrow(/hinges must be resolved into regimes/);
    expect(() => differentiate(cond({ op: '<', left: sym('a'), right: num(0) }, sym('a'), num(0)), 'a')).toThrow(/a conditional reached the differentiator/);
  });
  it('a hinge or conditional free of x differentiates to 0 (a constant factor)', () => {
    const h = call('max', sym('b'), num(0));
    expect(differentiate(h, 'a')).toEqual(num(0));
    expect(differentiate(cond({ op: '<', left: sym('b'), right: num(0) }, sym('b'), num(0)), 'a')).toEqual(num(0));
    // product rule with a constant hinge factor: d/da (max(b,0)·a^2) = max(b,0)·2a
    const d = differentiate(mul(h, pow(sym('a'), num(2))), 'a');
    expect(compile(d)({ a: 3, b: 2 })).toBe(12);
    expect(compile(d)({ a: 3, b: -2 })).toBe(0);
  });
});
