// Matchers that speak the domain: expect('simpo').toHaveRatio('len_l/len_w'),
// expect(result).toFailWith('E_UNKNOWN_SYMBOL', { column: 12 }).
import { expect } from 'vitest';
import { CATALOGUE } from '../../src/loss/catalogue/index.js';
import { checkLoss } from '../../src/loss/check.js';
import { fromCatalogue } from '../../src/loss/file.js';
import { parseExpression } from '../../src/loss/parse.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { simplify } from '../../src/symbolic/simplify.js';
import { key } from '../../src/expr/expr.js';
import { toText } from '../../src/symbolic/print.js';
import { resultSymbols } from '../../src/loss/symbols.js';
import type { Location, MarginError } from '../../src/errors.js';

interface DomainMatchers<R = unknown> {
  /** The loss (catalogue id) has, in every regime with a ratio, d_w/d_l structurally equal to `ratio`. */
  toHaveRatio(ratio: string): R;
  /** A Result failed with this code, and (optionally) at this location. */
  toFailWith(code: MarginError['code'], at?: Partial<Location>): R;
}

declare module 'vitest' {
  interface Assertion<T = any> extends DomainMatchers<T> {}
  interface AsymmetricMatchersContaining extends DomainMatchers {}
}

expect.extend({
  toHaveRatio(id: string, ratio: string) {
    const e = CATALOGUE.find((x) => x.id === id);
    if (!e) return { pass: false, message: () => `no catalogue loss '${id}'` };
    const spec = checkLoss(fromCatalogue(e));
    if (!spec.ok) return { pass: false, message: () => `${id} does not check` };
    const want = parseExpression(ratio, { slot: 'matcher', symbols: resultSymbols(Object.keys(e.params)) });
    if (!want.ok) return { pass: false, message: () => `cannot parse '${ratio}'` };
    const got = mustDerive(spec.value).regimes.filter((r) => r.ratio).map((r) => r.ratio!);
    const pass = got.length > 0 && got.every((r) => key(r) === key(simplify(want.value)));
    return { pass, message: () => `expected ${id}'s d_w/d_l ${pass ? 'not ' : ''}to be ${ratio}; derived ${got.map(toText).join(' | ')}` };
  },
  toFailWith(result: { ok: boolean; errors?: readonly MarginError[] }, code: MarginError['code'], at?: Partial<Location>) {
    const first = result.ok ? undefined : result.errors?.[0];
    const codeOk = first?.code === code;
    const atOk = !at || (first?.at !== undefined && Object.entries(at).every(([k, v]) => (first.at as Record<string, unknown>)[k] === v));
    const pass = !result.ok && codeOk && atOk;
    return { pass, message: () => `expected a failure ${code}${at ? ` at ${JSON.stringify(at)}` : ''}; got ${result.ok ? 'success' : JSON.stringify(first)}` };
  },
});
