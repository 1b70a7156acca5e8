// The loss language's front door: every bad input gets a code, a slot, a column and a hint; hostile
// strings never reach anything but the parser.
import { describe, expect, it } from 'vitest';
import { parseExpression } from '../../src/loss/parse.js';
import { checkLoss } from '../../src/loss/check.js';
import type { MarginError } from '../../src/errors.js';
import { formatError } from '../../src/errors.js';

const symbols = new Set(['a', 'beta', 'gamma', 'c_ref', 'len_w']);
const parse = (t: string) => parseExpression(t, { slot: 'm', symbols });
function errorOf(t: string): MarginError {
  const r = parse(t);
  if (r.ok) throw new Error(`expected '${t}' to fail`);
  return r.errors[0];
}

describe('accepted expressions', () => {
  it.each(['logsigmoid(beta*a - c_ref)', '-(a - 1/(2*beta))^2', 'min(0, a - gamma)', 'a > 0 ? a : 2*a', 'log1mexp(a/len_w)', 'pi*e*a', '2a'])('%s', (t) => {
    expect(parse(t).ok).toBe(true);
  });
});

describe('errors say what and where', () => {
  it('unknown symbol: code, slot, column, did-you-mean', () => {
    const e = errorOf('logsigmoid(bta*a)');
    expect(e).toMatchObject({ code: 'E_UNKNOWN_SYMBOL', at: { slot: 'm', column: 12, symbol: 'bta' } });
    expect(e.hint).toContain("did you mean 'beta'");
    expect(formatError(e)).toBe("E_UNKNOWN_SYMBOL in m, line 1, column 12: 'bta' is not a known symbol — did you mean 'beta'?");
  });
  it('toFailWith speaks the same language', () => {
    expect(parse('logsigmoid(bta*a)')).toFailWith('E_UNKNOWN_SYMBOL', { slot: 'm', column: 12 });
    expect(parse('a + min(a)')).toFailWith('E_ARITY', { column: 5 });
  });
  it('unknown function with a suggestion', () => {
    expect(errorOf('logsigmod(a)')).toMatchObject({ code: 'E_UNKNOWN_FUNCTION', at: { column: 1 }, hint: "did you mean 'logsigmoid'?" });
  });
  it('wrong arity', () => {
    expect(errorOf('a + min(a)')).toMatchObject({ code: 'E_ARITY', at: { column: 5, symbol: 'min' } });
  });
  it('syntax error with the column mathjs reports', () => {
    expect(errorOf('a + (beta')).toMatchObject({ code: 'E_SYNTAX' });
    expect(errorOf('a + (beta').at?.column).toBeGreaterThan(0);
  });
  it('a result variable in a slot gets a hint to use a', () => {
    const r = checkLoss({ id: 'x', name: 'x', params: {}, m: 'logsigmoid(logp_w)', h_w: 'a', h_l: 'a', Lambda: '0', origin: 'test' });
    expect(!r.ok && r.errors[0].hint).toContain("argument 'a'");
  });
  it('a function name used as a value', () => {
    expect(errorOf('sigmoid + a').code).toBe('E_SYNTAX');
  });
  it('equality tests and bare comparisons are refused', () => {
    expect(errorOf('a == 0 ? 1 : 2').code).toBe('E_UNSUPPORTED');
    expect(errorOf('a < 1').code).toBe('E_UNSUPPORTED');
  });
  it('empty expressions', () => expect(errorOf('  ').code).toBe('E_SYNTAX'));
});

describe('known mathjs escape strings are refused before anything runs', () => {
  it.each([
    ['import({x: 1})', 'E_SYNTAX'],
    ['import(a)', 'E_FORBIDDEN'],
    ['createUnit(a)', 'E_FORBIDDEN'],
    ['evaluate(a)', 'E_FORBIDDEN'],
    ['parse(a)', 'E_FORBIDDEN'],
    ['compile(a)', 'E_FORBIDDEN'],
    ['simplify(a)', 'E_FORBIDDEN'],
    ['chain(a)', 'E_FORBIDDEN'],
    ['f(x) = x', 'E_FORBIDDEN'],
    ['a = 1', 'E_FORBIDDEN'],
    ['"abc"', 'E_SYNTAX'],
    ["cos.constructor('return process')()", 'E_SYNTAX'],
    ['[1, 2]', 'E_SYNTAX'],
    ['{a: 1}', 'E_SYNTAX'],
    ['a; a', 'E_SYNTAX'],
    ['a.b', 'E_FORBIDDEN'],
    ['1:3', 'E_FORBIDDEN'],
  ])('%s → %s', (t, code) => {
    expect(errorOf(t).code).toBe(code);
  });
});

describe('a loss must depend on logp_w', () => {
  it('E_NO_DEPENDENCE when neither m∘h_w nor Λ uses a', () => {
    const r = checkLoss({ id: 'x', name: 'x', params: {}, m: 'logsigmoid(a)', h_w: '1', h_l: 'a', Lambda: '0', origin: 'test' });
    expect(r).toFailWith('E_NO_DEPENDENCE');
  });
  it('a param may not shadow a known symbol', () => {
    const r = checkLoss({ id: 'x', name: 'x', params: { len_w: { default: 1, description: '' } }, m: 'a', h_w: 'a', h_l: 'a', Lambda: '0', origin: 'test' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ code: 'E_PARAM', at: { symbol: 'len_w' } });
  });
});
