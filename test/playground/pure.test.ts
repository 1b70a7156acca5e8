// The playground's own small pure pieces, in Node: the browser's mathjs parser stand-in gives the same
// trees as the bundle the CLI uses, links round-trip through the spec-file path, errors land in the
// right field and column, metrics rows parse, and the LaTeX export carries the library's formulas.

import { describe, expect, test } from 'vitest';
import bundle from 'mathjs/lib/browser/math.js';
import shim from '../../src/loss/mathjs-parse.js';
import { buildLoss, fieldsOf, locateError } from '../../playground/src/loss.js';
import { readHash, shareHash } from '../../playground/src/share.js';
import { parseMetrics } from '../../playground/src/metrics.js';
import { derivationLatex } from '../../playground/src/export.js';
import { findEntry } from '../../src/loss/catalogue/index.js';
import { fromCatalogue } from '../../src/loss/source.js';
import { derivationJson } from '../../src/report/derivation.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { CATALOGUE } from '../../src/loss/catalogue/index.js';
import { checkLoss } from '../../src/loss/check.js';

const full = (bundle as { parse: (s: string) => unknown }).parse;

describe('mathjs parser stand-in', () => {
  // The stand-in wires mathjs's parse factory with a reduced typed-function and stubs for what only
  // evaluation uses, so the cases reach past the loss language too: number literals in every notation
  // (they go through mathjs's own `number`), units, strings, and every node type parse.ts refuses.
  const texts = [...CATALOGUE.flatMap((e) => [e.m, e.h_w, e.h_l, e.Lambda]), 'a > 1 ? a^2 : -a', '1.5e-3*a', 'f(a, b)', 'a.b', '[1,2]', 'x = 1',
    '0x1F + 2', '0b101', '0xffi8', '0x1.8', '1e400', 'NaN', 'Infinity', '.5', '5 cm', '3 cm to inch', '2 a', '2(3)', '-a^-2', '2^3^4', "a'", 'a!', '50%',
    'a mod b', 'not a and b', 'true', 'null', '"str"', 'a < b < c', 'a[1, 2:3]', '1:3', '{a: 1}', 'f(x) = x', 'a; b', 'a ? b : c ? d : e', 'f(x)(y)', '1e', 'a # comment', ''];
  test.each(texts)('%s parses to the same tree', (t) => {
    expect(JSON.stringify(shim.parse(t))).toBe(JSON.stringify(full(t)));
  });
  test.each(['logsigmoid(a -', '(', 'a +* b', 'a ? b', '0x', '0b12', 'a..b', 'a)', 'f(', '0xffi4'])('syntax error in %j: same class, message and column', (t) => {
    const err = (f: (s: string) => unknown) => {
      try { f(t); return null; } catch (e) { return `${(e as Error).name}: ${(e as Error).message} @${(e as { char?: number }).char}`; }
    };
    expect(err(shim.parse)).not.toBeNull();
    expect(err(shim.parse)).toBe(err(full));
  });
});

describe('links', () => {
  test('a catalogue loss is linked by id, an edited one by its spec, and both come back', async () => {
    const simpo = fromCatalogue(findEntry('simpo')!);
    expect(shareHash(simpo)).toBe('#loss=simpo');
    const back = await readHash('#loss=simpo');
    expect(back.kind === 'ok' && back.source.id).toBe('simpo');
    const edited = buildLoss(simpo, { ...fieldsOf(simpo), params: 'beta=3, gamma=0.5' });
    expect(edited.result.ok).toBe(true);
    const hash = shareHash(edited.source!);
    expect(hash).toMatch(/^#spec=[A-Za-z0-9_-]+$/);
    const r = await readHash(hash);
    expect(r.kind).toBe('ok');
    if (r.kind === 'ok') expect([r.source.m, r.source.h_w, r.source.params.beta.default, r.source.params.beta.tex]).toEqual(['logsigmoid(a - gamma)', 'beta*a/len_w', 3, '\\beta']);
  });
  test('a bad link is an error value, never a throw', async () => {
    expect((await readHash('#loss=nope')).kind).toBe('error');
    expect((await readHash('#spec=%%%')).kind).toBe('error');
    expect((await readHash(`#spec=${Buffer.from('{"name":"x","m":"a","h_w":"a","h_l":"a","extra":1}').toString('base64url')}`)).kind).toBe('error');
    expect((await readHash('#x=1')).kind).toBe('none');
  });
});

describe('errors land in their field', () => {
  const dpo = fromCatalogue(findEntry('dpo')!);
  test('an unknown symbol in m, at its column', () => {
    const f = { ...fieldsOf(dpo), m: 'logsigmoid(a - bta)' };
    const r = buildLoss(dpo, f).result;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(locateError(r.errors[0], f)).toEqual({ field: 'm', column: 16 });
  });
  test('a bad param value, at the param name', () => {
    const f = { ...fieldsOf(dpo), params: 'beta=0.1, gamma=x' };
    const r = buildLoss(dpo, f).result;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(locateError(r.errors[0], f)).toEqual({ field: 'params', column: 11 });
  });
  test('an unedited catalogue loss stays that loss', () => {
    expect(buildLoss(dpo, fieldsOf(dpo)).source).toBe(dpo);
  });
});

test('metrics rows parse, bad lines are reported by number', () => {
  const m = parseMetrics('{"step":1,"logp_w":-2,"logp_l":-3}\n\n{"step":0,"logp_w":-1,"logp_l":-1}\nnope\n{"step":2}\n');
  expect(m.points.map((p) => p.step)).toEqual([0, 1]);
  expect(m.problems).toEqual(['line 4: not JSON', 'line 5: needs numeric step, logp_w and logp_l']);
});

test("the derivation's LaTeX carries the library's d_w, d_l and ratio", () => {
  const spec = checkLoss(fromCatalogue(findEntry('simpo')!));
  if (!spec.ok) throw new Error('SimPO does not check');
  const j = derivationJson(mustDerive(spec.value));
  const tex = derivationLatex(j);
  expect(tex).toContain('\\begin{align*}');
  expect(tex).toContain(`d_w &= ${j.regimes[0].dW.tex}`);
  expect(tex).toContain('\\frac{d_w}{d_l} &= \\frac{|y_l|}{|y_w|}');
});
