// Issue 15, "values" and the command line's errors: duplicates refused, each value checked against its
// domain (with --outside-domain to explore, said out loud), decimal or scientific numbers only, commander's
// option errors coded, and --json errors as JSON on stderr.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runCli } from '../helpers/cli.js';
import { parseDecimal } from '../../src/loss/domain.js';
import { evaluate } from '../../src/symbolic/evaluate.js';
import { call, num } from '../../src/expr/expr.js';

const AT = 'logp_w=-1,logp_l=-2';
const oneCodedLine = (stderr: string, code: string) => {
  const lines = stderr.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^${code} `));
  expect(stderr).not.toMatch(/Usage:|\n\s+at /);
};

describe('accepted without a word before: now refused, coded and located', () => {
  it.each([
    [['eval', 'dpo', '--at', 'logp_w=-1,logp_l=-2,logp_w=-3'], 'E_POINT', "in --at, column 21: 'logp_w' is given twice"],
    [['eval', 'dpo', '--at', AT, '--param', 'beta=0.2', '--param', 'beta=0.3'], 'E_POINT', "in --param, column 10: 'beta' is given twice"],
    [['eval', 'simpo', '--at', `${AT},len_w=0`], 'E_POINT', 'in --at: len_w = 0 is outside its domain: len_w >= 1'],
    [['eval', 'simpo', '--at', `${AT},len_w=-5`], 'E_POINT', 'in --at: len_w = -5 is outside its domain'],
    [['eval', 'dpo', '--at', 'logp_w=1,logp_l=-2'], 'E_POINT', 'in --at: logp_w = 1 is outside its domain: logp_w < 0'],
    [['eval', 'dpo', '--at', 'logp_w=0,logp_l=-2'], 'E_POINT', 'in --at: logp_w = 0 is outside its domain'],
    [['eval', 'dpo', '--at', `${AT},c_ref_w=0.5`], 'E_POINT', 'in --at: c_ref_w = 0.5 is outside its domain'],
    [['eval', 'kto', '--at', `${AT},z_ref=-1`], 'E_POINT', 'in --at: z_ref = -1 is outside its domain: z_ref >= 0'],
    [['eval', 'dpo', '--at', AT, '--param', 'beta=-1'], 'E_PARAM', 'in --param: beta = -1 is outside its domain: beta in [0.001, 10] (its declared range)'],
    [['eval', 'dpo', '--at', AT, '--param', 'beta=0'], 'E_PARAM', 'in --param: beta = 0 is outside its domain'],
    [['eval', 'dpo', '--at', `${AT},beta=11`], 'E_POINT', 'in --at: beta = 11 is outside its domain'],
    [['eval', 'dpo', '--at', AT, '--param', 'beta=0x10'], 'E_POINT', "in --param, column 1: 'beta' needs a finite decimal number, got '0x10'"],
    [['eval', 'dpo', '--at', 'logp_w=-0x1,logp_l=-2'], 'E_POINT', "in --at, column 1: 'logp_w' needs a finite decimal number"],
    [['eval', 'dpo', '--at', 'logp_w=-1_0,logp_l=-2'], 'E_POINT', "in --at, column 1: 'logp_w' needs a finite decimal number"],
    [['eval', 'dpo', '--at', 'logp_w=-Infinity,logp_l=-2'], 'E_POINT', "in --at, column 1: 'logp_w' needs a finite decimal number"],
    [['classify', 'dpo', '--at', AT, '--inner', '0x10', '--norm-w2', '1', '--norm-l2', '1'], 'E_USAGE', "in --inner: option '--inner <x>' argument '0x10' is invalid"],
    [['derive', 'dpo', '--samples', '0x10'], 'E_USAGE', 'in --samples:'],
    [['derive', 'dpo', '--seed', ''], 'E_USAGE', 'in --seed:'],
    [['derive', '--m', 'logsigmoid(0x10*a)'], 'E_SYNTAX', 'in m, line 1, column 12: only decimal numbers are part of the loss language'],
    // An input's control and bidi characters are shown escaped: a message stays one line, read as written.
    [['prove', 'dW >\n E_FAKE in x: y', '--loss', 'dpo'], 'E_SYNTAX', "in claim, column 1: expected one comparison 'lhs op rhs' (op one of < <= > >=), got 'dW >\\u000a E_FAKE in x: y'"],
    [['derive', '--m', 'a\u202e+b'], 'E_SYNTAX', "in m, line 1, column 2: character '\\u202e' is not part of the loss language"],
    [['eval', '--m', 'log(-a)', '--at', AT], 'E_DOMAIN', 'in --at: log is defined for'],
    // regimeAt places nothing itself: the command locates what the library could not (need's fallback).
    [['eval', 'slic-hf', '--at', 'logp_w=-10,logp_l=-11'], 'E_ON_BOUNDARY', 'in --at: the point lies on the regime boundary'],
  ])('%j → %s', async (args, code, text) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    oneCodedLine(r.stderr, code);
    expect(r.stderr).toContain(`${code} ${text}`);
  });
  it('the edges of each domain: closed ranges and lengths include their ends, log-probabilities stay below 0', async () => {
    for (const at of [`${AT},beta=0.001`, `${AT},beta=10`, `${AT},len_w=1`, 'logp_w=-1e-300,logp_l=-2', `${AT},beta=1e-1`]) {
      const r = await runCli(['eval', 'r-dpo', '--at', at]);
      expect(r.code, at).toBe(0);
      expect(r.stdout).not.toContain('OUTSIDE');
    }
  });
  it('an evaluation fault is located at the point', () => {
    expect(evaluate(call('log', num(-1)), {})).toMatchObject({ ok: false, error: { code: 'E_DOMAIN', at: { slot: '--at' } } });
  });
  it('parseDecimal: decimal and scientific, nothing else', () => {
    expect(['1', '-2.5', '+.5', '5.', '1e-3', '-1E+2'].map(parseDecimal)).toEqual([1, -2.5, 0.5, 5, 1e-3, -100]);
    for (const bad of ['0x10', '0b1', '0o7', '1_000', 'Infinity', 'NaN', '', ' ', '1e', '.', '--1', '1e999']) expect(parseDecimal(bad), bad).toBeUndefined();
  });
});

describe('--outside-domain explores outside, and the output says so', () => {
  it('eval (text and JSON) lists every value taken outside', async () => {
    const t = await runCli(['eval', 'dpo', '--at', 'logp_w=1,logp_l=-2', '--param', 'beta=-1', '--outside-domain']);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('d_w     = -0.5');
    expect(t.stdout).toContain('OUTSIDE THE DOMAIN (--outside-domain)');
    expect(t.stdout).toContain('logp_w = 1 is outside its domain');
    expect(t.stdout).toContain('beta = -1 is outside its domain');
    expect(t.stdout).toContain('beta = -1  (default (--param))');
    const j = JSON.parse((await runCli(['eval', 'dpo', '--at', 'logp_w=1,logp_l=-2', '--outside-domain', '--json'])).stdout);
    expect(j.outsideDomain).toEqual([{ name: 'logp_w', value: 1, domain: '< 0 (a log-probability)' }]);
    const inside = JSON.parse((await runCli(['eval', 'dpo', '--at', AT, '--json'])).stdout);
    expect(inside.outsideDomain).toEqual([]);
  });
  it('classify, remedy and derive say so too', async () => {
    const gram = ['--inner', '3', '--norm-w2', '2', '--norm-l2', '5'];
    const c = await runCli(['classify', 'dpo', '--at', 'logp_w=1,logp_l=-2', ...gram, '--outside-domain', '--json']);
    expect(JSON.parse(c.stdout).outsideDomain).toHaveLength(1);
    const r = await runCli(['remedy', 'dpo', '--at', 'logp_w=-1,logp_l=-2,beta=20', ...gram, '--outside-domain']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('beta = 20 is outside its domain');
    const d = JSON.parse((await runCli(['derive', 'dpo', '--param', 'beta=-1', '--outside-domain', '--json', '--samples', '100'])).stdout);
    expect(d.loss.notes.join(' ')).toContain('beta = -1 is outside its domain');
  });
  it('an inline loss declares its params with --param: no range is declared, so none is checked', async () => {
    const r = await runCli(['eval', '--m', 'logsigmoid(a - gamma)', '--param', 'gamma=0', '--at', AT]);
    expect(r.code).toBe(0);
  });
});

describe("commander's option errors: a coded usage error naming the option, a pointer to --help, no help dump", () => {
  it.each([
    [['classify', 'dpo', '--at', AT, '--inner', 'abc', '--norm-w2', '1', '--norm-l2', '1'], "E_USAGE in --inner: option '--inner <x>' argument 'abc' is invalid. --inner needs a finite decimal number, got 'abc' — see 'marginlab classify --help'"],
    [['derive', 'dpo', '--bogus'], "E_USAGE in --bogus: unknown option '--bogus' — see 'marginlab derive --help'"],
    [['eval', 'dpo'], "E_USAGE in --at: required option '--at <point>' not specified — see 'marginlab eval --help'"],
    [['eval', 'dpo', '--at'], "E_USAGE in --at: option '--at <point>' argument missing — see 'marginlab eval --help'"],
    [['prove'], "E_USAGE in <claim>: missing required argument 'claim' — see 'marginlab prove --help'"],
    [['frobnicate'], "E_USAGE in <command>: unknown command 'frobnicate' — see 'marginlab --help'"],
    [['train', '--task', 'single', '--loss', 'dpo', '--variant', 'zz'], "E_USAGE in --variant: option '--variant <v>' argument 'zz' is invalid. Allowed choices are"],
    [['derive', 'dpo', 'simpo'], "E_USAGE in derive: too many arguments for 'derive'"],
  ])('%j', async (args, line) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    oneCodedLine(r.stderr, 'E_USAGE');
    expect(r.stderr).toContain(line);
  });
  it('--help still prints the help and exits 0', async () => {
    const r = await runCli(['eval', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: marginlab eval');
  });
});

/** The documented error document (docs/json.md, `marginlab/error@1`). */
const ErrorDoc = z.object({
  schema: z.literal('marginlab/error@1'),
  exitCode: z.number().int(),
  errors: z.array(z.object({
    code: z.string().regex(/^E_[A-Z_]+$/),
    where: z.string(),
    at: z.object({ slot: z.string().optional(), line: z.number().optional(), column: z.number().optional(), symbol: z.string().optional(), file: z.string().optional() }).strict().nullable(),
    message: z.string().min(1),
    hint: z.string().nullable(),
    remoteCode: z.string().optional(),
  }).strict()).min(1),
}).strict();

describe('--json: errors come out as one JSON document on stderr (marginlab/error@1), stdout stays empty', () => {
  it.each([
    [['eval', 'dpo', '--at', 'logp_w=1,logp_l=-2', '--json'], 'E_POINT', 2],
    [['derive', '--m', 'logsigmoid(bta*a)', '--json'], 'E_UNKNOWN_SYMBOL', 2],
    [['derive', 'dpo', '--bogus', '--json'], 'E_USAGE', 2],
    [['classify', 'dpo', '--at', AT, '--inner', 'x', '--norm-w2', '1', '--norm-l2', '1', '--json'], 'E_USAGE', 2],
    [['derive', '/dev/zero', '--json'], 'E_FILE', 2],
    [['prove', 'logp_w > (', '--json'], 'E_SYNTAX', 2],
  ])('%j', async (args, code, exitCode) => {
    const r = await runCli(args);
    expect(r.code).toBe(exitCode);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const doc = ErrorDoc.parse(JSON.parse(lines[0]));
    expect(doc.exitCode).toBe(exitCode);
    expect(doc.errors[0].code).toBe(code);
    expect(doc.errors[0].where).not.toBe('');
  });
  it('the fields are those of the text line', async () => {
    const text = (await runCli(['derive', '--m', 'logsigmoid(bta*a)'])).stderr.trim();
    const doc = ErrorDoc.parse(JSON.parse((await runCli(['derive', '--m', 'logsigmoid(bta*a)', '--json'])).stderr));
    const e = doc.errors[0];
    expect(text).toBe(`${e.code} ${e.where}: ${e.message}${e.hint ? ` — ${e.hint}` : ''}`);
    expect(e.at).toEqual({ slot: 'm', line: 1, column: 12, symbol: 'bta' });
  });
  it('fuzz --json has a schema field like every other command', async () => {
    const run = mkdtempSync(join(tmpdir(), 'marginlab-report-'));
    writeFileSync(join(run, 'metrics.jsonl'), [0, 1, 2].map((s) => JSON.stringify({ step: s, logp_w: -1 - s, logp_l: -2 - s, cos_wl: 0.1, agree_rate: 1, ml_agree_rate: 1 })).join('\n'));
    const commands: Array<[string[], string]> = [
      [['fuzz', 'dpo', '--runs', '5', '--seed', '1'], 'marginlab/fuzz@1'],
      [['derive', 'dpo', '--samples', '50'], 'marginlab/derive@1'],
      [['eval', 'dpo', '--at', AT], 'marginlab/eval@1'],
      [['classify', 'dpo', '--at', AT, '--inner', '1', '--norm-w2', '2', '--norm-l2', '3'], 'marginlab/classify@1'],
      [['remedy', 'dpo', '--at', AT, '--inner', '1', '--norm-w2', '2', '--norm-l2', '3'], 'marginlab/remedy@1'],
      [['prove', 'dW > 0', '--loss', 'dpo'], 'marginlab/prove@1'],
      [['catalogue'], 'marginlab/catalogue@1'],
      [['report', run, '--no-png'], 'marginlab/report@1'],
    ];
    for (const [args, schema] of commands) {
      const r = await runCli([...args, '--json']);
      expect(r.code, args.join(' ')).toBe(0);
      expect(JSON.parse(r.stdout).schema, args.join(' ')).toBe(schema);
    }
  }, 120_000);
});
