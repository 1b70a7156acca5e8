// Issue 15, "names": every lookup of a user-named key is an own-property test or a Map. A property test
// draws the names of Object.prototype and checks that each behaves exactly like an ordinary name — the
// same refusal where an unknown name is refused, the same numbers where it is declared — and that
// nothing is written onto Object or Object.prototype.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { parseSpecText } from '../../src/loss/source.js';
import { checkLoss } from '../../src/loss/check.js';
import { derive } from '../../src/symbolic/derive.js';
import { compileDerivation, completePoint, evaluateAt, parseAssignments } from '../../src/symbolic/point.js';
import { parseDomain } from '../../src/symbolic/interval/domain.js';
import { withParams } from '../../src/cli/load.js';
import { resolveLoss } from '../../src/loss/file.js';
import { parseExpression } from '../../src/loss/parse.js';
import { toTex } from '../../src/symbolic/print.js';
import { evaluate } from '../../src/symbolic/evaluate.js';
import { sym } from '../../src/expr/expr.js';
import { compileInterval } from '../../src/symbolic/interval/evaluate.js';

const PROTO = Object.getOwnPropertyNames(Object.prototype);
const IDENTS = PROTO.filter((n) => /^[A-Za-z][A-Za-z0-9_]*$/.test(n));
const protoName = fc.constantFrom(...PROTO);
const identName = fc.constantFrom(...IDENTS);
const ORDINARY = 'zq';
const tmp = mkdtempSync(join(tmpdir(), 'marginlab-names-'));
let files = 0;
const write = (text: string): string => { const p = join(tmp, `spec-${files++}.yaml`); writeFileSync(p, text); return p; };

/** What the global objects look like: a write onto Object or its prototype (or a prototype's function) shows here. */
const globals = () => JSON.stringify([Object.getOwnPropertyNames(Object).sort(), Object.getOwnPropertyNames(Object.prototype).sort(),
  ...IDENTS.map((n) => Object.getOwnPropertyNames((Object.prototype as unknown as Record<string, object>)[n]).sort())]);
const before = globals();

const spec = (name: string, range = '[6, 7]') => `name: proto\nparams:\n  ${name}: {default: 6.5, range: ${range}}\nm: logsigmoid(${name}*a)\nh_w: a\nh_l: a\n`;

async function evalWith(name: string, at: string): Promise<number[] | string> {
  const src = await parseSpecText(spec(name), 'x.yaml');
  if (!src.ok) return src.errors[0].code;
  const s = checkLoss(src.value);
  if (!s.ok) return s.errors[0].code;
  const d = derive(s.value);
  if (!d.ok) return d.errors[0].code;
  const given = parseAssignments(at.replace(/NAME/g, name));
  if (!given.ok) return given.errors[0].code;
  const p = completePoint(d.value, given.value);
  if (!p.ok) return p.errors[0].code;
  const e = evaluateAt(compileDerivation(d.value), p.value);
  return e.ok ? [e.value.L, e.value.dW, e.value.dL] : e.errors[0].code;
}

const codes = (r: { ok: boolean; errors?: readonly { code: string }[] }) => (r.ok ? 'ok' : r.errors!.map((e) => e.code).join(','));

describe('names of Object.prototype are ordinary names', () => {
  it('a declared parameter of that name gives the same numbers as any other name, at its default and when set', async () => {
    await fc.assert(fc.asyncProperty(identName, fc.constantFrom('logp_w=-1,logp_l=-2', 'logp_w=-3,logp_l=-0.5,NAME=6.9'), async (name, at) => {
      expect(await evalWith(name, at)).toEqual(await evalWith(ORDINARY, at.replace(/NAME/g, ORDINARY)));
    }), { numRuns: 30 });
    expect(globals()).toBe(before);
  });
  it('a declared parameter keeps its declared range: the audit box and the domain check use it', async () => {
    await fc.assert(fc.asyncProperty(identName, async (name) => {
      const r = await runCli(['prove', `${name} >= 6`, '--loss', write(spec(name))]);
      expect(r.stdout).toMatch(/^PROVED/);
      const outside = await evalWith(name, 'logp_w=-1,logp_l=-2,NAME=5');
      expect(outside).toBe('E_POINT');
    }), { numRuns: 12 });
  });
  it('as an undeclared --param it is refused exactly as `bogus` is', async () => {
    const dpo = await resolveLoss('dpo');
    if (!dpo.ok) throw new Error('dpo');
    await fc.assert(fc.property(protoName, (name) => {
      const r = withParams(dpo.value, Object.fromEntries([[name, 1]]));
      expect(codes(r)).toBe(codes(withParams(dpo.value, { bogus: 1 })));
    }), { numRuns: 30 });
    const cli = await runCli(['eval', 'dpo', '--at', 'logp_w=-1,logp_l=-2', '--param', 'constructor=1']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/^E_PARAM in --param: 'constructor' is not a parameter of DPO/);
  });
  it('in --at it is refused as an unknown symbol, as `bogus` is', async () => {
    await fc.assert(fc.asyncProperty(identName, async (name) => {
      const r = await runCli(['eval', 'dpo', '--at', `logp_w=-1,logp_l=-2,${name}=1`]);
      const b = await runCli(['eval', 'dpo', '--at', 'logp_w=-1,logp_l=-2,bogus=1']);
      expect(r.code).toBe(b.code);
      expect(r.stderr.replace(name, 'bogus').replace(/did you mean '[^']*'\?|known: .*/, '')).toBe(b.stderr.replace(/did you mean '[^']*'\?|known: .*/, ''));
    }), { numRuns: 20 });
  });
  it('in --domain it bounds that name and writes nothing onto Object', () => {
    fc.assert(fc.property(identName, fc.integer({ min: -5, max: 5 }), (name, hi) => {
      const r = parseDomain(`${name}<${hi}, logp_w<0`);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(Object.keys(r.value).sort()).toEqual([name, 'logp_w'].sort());
      expect(r.value[name].hi).toBe(hi);
    }), { numRuns: 30 });
    expect(globals()).toBe(before);
  });
  it('in an expression it is an unknown symbol with an ordinary hint, and a declared one prints as its name', () => {
    fc.assert(fc.property(identName, (name) => {
      const r = parseExpression(`${name}*a`, { slot: 'm', symbols: new Set(['a']), symbolHints: { logp_w: 'x' } });
      expect(r).toFailWith('E_UNKNOWN_SYMBOL', { slot: 'm', symbol: name });
      expect(typeof (r.ok ? '' : r.errors[0].hint)).toBe('string');
      const ok = parseExpression(`${name}*a`, { slot: 'm', symbols: new Set(['a', name]) });
      expect(ok.ok && toTex(ok.value)).not.toContain('function');
    }), { numRuns: 20 });
  });
  it('evaluation finds only own values: a symbol with no value is E_POINT, not Object.prototype.valueOf', () => {
    fc.assert(fc.property(identName, (name) => {
      expect(evaluate(sym(name), {})).toEqual({ ok: false, error: { code: 'E_POINT', message: `no value for '${name}'`, at: { symbol: name } } });
      expect(evaluate(sym(name), Object.fromEntries([[name, 2]]))).toEqual({ ok: true, value: 2 });
      // The prover's boxes likewise: a name the box does not bound is unbounded, never a function's fields.
      const i = compileInterval(sym(name))({});
      expect([i.lo, i.hi]).toEqual([-Infinity, Infinity]);
    }), { numRuns: 20 });
  });
  it('as a spec-file key it is a key: __proto__ is refused as a name, never taken as the prototype', async () => {
    const r = await parseSpecText('name: x\nparams:\n  __proto__: {default: 1}\nm: a\nh_w: a\nh_l: a\n', 'x.yaml');
    expect(r).toFailWith('E_PARAM', { slot: 'params', line: 3, column: 3 });
    expect(globals()).toBe(before);
  });
});

