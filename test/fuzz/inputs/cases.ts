// The inputs of the input fuzzer, one per index: case i of seed s is always the same input (its own
// xoshiro stream), so a finding replays by (seed, index). Each case says what it feeds marginlab, runs it
// through the library or the CLI in process, and says whether it must be refused.

import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type Rng, makeRng } from '../../../src/util/prng.js';
import { CATALOGUE } from '../../../src/loss/catalogue/index.js';
import { fromCatalogue, inlineLoss, parseSpecText } from '../../../src/loss/source.js';
import { checkLoss } from '../../../src/loss/check.js';
import { resolveLoss } from '../../../src/loss/file.js';
import type { LossSource, LossSpec } from '../../../src/loss/types.js';
import { type MarginError, type Result, withLocation } from '../../../src/errors.js';
import { domainOf, inDomain, parseDecimal } from '../../../src/loss/domain.js';
import { isSymbolTex } from '../../../src/loss/symbols.js';
import { type Derivation, derive } from '../../../src/symbolic/derive.js';
import { compileDerivation, completePoint, evaluateAt, parseAssignments } from '../../../src/symbolic/point.js';
import { parseDomain } from '../../../src/symbolic/interval/domain.js';
import { withParams } from '../../../src/cli/load.js';
import { loadClaimsFile } from '../../../src/claims/user.js';
import { ingestEvents } from '../../../src/trainer/ingest.js';
import { runCli } from '../../helpers/cli.js';
import { type Expectation, type Outcome, type SeenError, cliErrors } from './judge.js';
import { SECRET, type Scratch } from './scratch.js';

export interface FuzzCase {
  readonly kind: string;
  /** The input, short, for the report (a replay is by seed and index). */
  readonly input: string;
  readonly expect: Expectation;
  run(): Promise<Outcome>;
}

const PROTO = Object.getOwnPropertyNames(Object.prototype);
const IDENT_PROTO = PROTO.filter((n) => /^[A-Za-z][A-Za-z0-9_]*$/.test(n));
const SOURCES: LossSource[] = CATALOGUE.map(fromCatalogue);
const SLOT_TEXTS = SOURCES.flatMap((s) => [s.m, s.h_w, s.h_l, s.Lambda]).filter((t) => t !== '0' && t !== 'a');
const FUNCS = ['exp', 'log', 'log1p', 'expm1', 'sqrt', 'sigmoid', 'logsigmoid', 'softplus', 'log1mexp', 'tanh', 'relu', 'abs'];
const SYMBOLS = ['a', 'beta', 'gamma', 'c_ref', 'c_ref_w', 'c_ref_l', 'len_w', 'len_l', 'z_ref', 'pi', 'e', 'logp_w', ...IDENT_PROTO, 'import', 'evaluate'];
const WEIRD_NUMBERS = ['1e308', '1e309', '-1e309', '1e-400', '5e-324', '0x10', '0b11', '1_000', 'NaN', 'Infinity', '-0', '.5', '5.', '1e', '99999999999999999999999', '0.1e-1'];
const CHARS = 'abcelgprstw_0123456789 ()+-*/^?:<>=,.';
const HOSTILE_CHARS = ['"', "'", '[', ']', '{', '}', ';', '\\', '`', '$', '@', '#', '!', '|', '&', '~', '\u0000', '\u0007', '\u001b', '\u00e9', '\u03b2', '\u200b', '\ud83d\ude00', '\n', '\t', '\u202e'];

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[r.int(0, xs.length - 1)];
/** A catalogue loss, checked (it always checks; the catalogue test says so). */
const specOf = (src: LossSource): LossSpec => { const c = checkLoss(src); if (!c.ok) throw new Error(`${src.id} does not check`); return c.value; };
let dpoDerivation: Derivation | undefined;
const dpo = (): Derivation => {
  if (!dpoDerivation) { const d = derive(specOf(SOURCES[0])); if (!d.ok) throw new Error('dpo does not derive'); dpoDerivation = d.value; }
  return dpoDerivation;
};
/** An own, enumerable key, even `__proto__` (plain assignment would set the prototype instead). */
const put = (o: Record<string, unknown>, k: string, v: unknown): void => { Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true }); };
const chance = (r: Rng, p: number): boolean => r.next() < p;
const clip = (s: string, n = 160): string => (s.length > n ? `${s.slice(0, n - 3)}...` : s);

function randomString(r: Rng, max = 60): string {
  let s = '';
  const n = r.int(0, max);
  for (let i = 0; i < n; i++) s += chance(r, 0.1) ? pick(r, HOSTILE_CHARS) : CHARS[r.int(0, CHARS.length - 1)];
  return s;
}

function mutate(r: Rng, text: string, times = r.int(1, 4)): string {
  let s = text;
  for (let k = 0; k < times; k++) {
    const i = r.int(0, s.length);
    switch (r.int(0, 7)) {
      case 0: s = s.slice(0, i) + pick(r, [...CHARS, ...HOSTILE_CHARS]) + s.slice(i); break;
      case 1: s = s.slice(0, i) + s.slice(i + 1); break;
      case 2: { const j = r.int(i, s.length); s = s.slice(0, j) + s.slice(i, j) + s.slice(j); break; }
      case 3: s = s.replace(/\b[a-z_]+\b/, pick(r, SYMBOLS)); break;
      case 4: s = `${pick(r, FUNCS)}(${s})`; break;
      case 5: s = s.replace(/\d+(\.\d+)?/, pick(r, WEIRD_NUMBERS)); break;
      case 6: s = `(${s})${pick(r, ['*', '+', '-', '/', '^'])}(${pick(r, SLOT_TEXTS)})`; break;
      default: s = s.slice(0, r.int(0, s.length)); break;
    }
  }
  return s;
}

function deep(r: Rng): string {
  const n = pick(r, [5, 20, 40, 63, 64, 65, 100, 140, 300, 1000, 1500, 3000]);
  switch (r.int(0, 8)) {
    case 0: return `${`${pick(r, FUNCS)}(`.repeat(n)}a${')'.repeat(n)}`;
    case 1: return `${'('.repeat(n)}a${')'.repeat(n)}`;
    case 2: return `${'-'.repeat(n)}a`;
    case 3: return Array(Math.min(n, 1999)).fill('a').join('^');
    case 4: return `${'max(a, '.repeat(n)}a${')'.repeat(n)}`;
    case 5: return Array(Math.min(n, 1999)).fill('a').join(pick(r, ['*', '+', '-', '/']));
    case 6: return `${'a < 0 ? '.repeat(Math.min(n, 400))}a${' : -a'.repeat(Math.min(n, 400))}`;
    case 7: return Array(Math.min(n, 12)).fill('a').join('^');
    default: return `${'exp('.repeat(Math.min(n, 30))}a${')'.repeat(Math.min(n, 30))}`;
  }
}

const fromResult = <T>(res: Result<T>): Outcome =>
  (res.ok ? { accepted: true, errors: [] } : { accepted: false, errors: res.errors as MarginError[], text: res.errors.map((e) => `${e.message} ${e.hint ?? ''} ${e.at?.symbol ?? ''}`).join('\n') });

/** Derive a loss and evaluate it at a point in its domain: everything after the parse must also hold up. */
function deriveAndEvaluate(spec: LossSpec, r: Rng): Outcome {
  const d = derive(spec);
  if (!d.ok) return fromResult(d);
  const p = completePoint(d.value, { logp_w: -r.next() * 20 - 1e-3, logp_l: -r.next() * 20 - 1e-3 });
  if (!p.ok) return fromResult(p);
  const e = evaluateAt(compileDerivation(d.value), p.value);
  // A refusal at the point (E_DOMAIN, E_ON_BOUNDARY) is an answer too; derivation succeeded.
  return e.ok ? { accepted: true, errors: [] } : { accepted: true, errors: withLocation(e.errors, { slot: '--at' }) };
}

function exprCase(r: Rng, kind: string, text: string): FuzzCase {
  const slot = pick(r, ['m', 'hw', 'hl', 'Lambda'] as const);
  return {
    kind, input: `--${slot} ${clip(JSON.stringify(text))}`, expect: {},
    async run() {
      const s = inlineLoss({ m: slot === 'm' ? text : 'logsigmoid(a)', hw: slot === 'hw' ? text : undefined, hl: slot === 'hl' ? text : undefined,
        Lambda: slot === 'Lambda' ? text : undefined, params: { beta: 0.1, gamma: 1 } });
      return s.ok ? deriveAndEvaluate(s.value, r) : fromResult(s);
    },
  };
}

function specText(r: Rng, src: LossSource): { text: string; refuse: boolean; why: string } {
  const params: Record<string, unknown> = {};
  let refuse = false;
  let why = '';
  for (const [k, p] of Object.entries(src.params)) {
    const decl: Record<string, unknown> = { default: p.default, ...(p.range ? { range: [...p.range] } : {}), ...(p.tex ? { tex: p.tex } : {}) };
    if (chance(r, 0.15)) {
      const tex = pick(r, ['\\rule{10000em}{10000em}', '-\\beta', '\\href{javascript:alert(1)}{x}', '\\beta', 'x_{1}', randomString(r, 12)]);
      decl.tex = tex;
      if (!isSymbolTex(tex)) { refuse = true; why = `tex ${tex}`; }
    }
    if (chance(r, 0.1) && p.range) { decl.default = p.range[1] * 10 + 1; refuse = true; why = 'default outside its declared range'; }
    if (chance(r, 0.05)) { decl.range = [1, 1]; refuse = true; why = 'empty range'; }
    put(params, chance(r, 0.1) ? pick(r, PROTO) : k, decl);
  }
  if (Object.keys(params).some((k) => !/^[A-Za-z][A-Za-z0-9_]*$/.test(k))) { refuse = true; why = 'invalid parameter name'; }
  const doc: Record<string, unknown> = { name: src.name, params, m: src.m, h_w: src.h_w, h_l: src.h_l, Lambda: src.Lambda };
  for (const slot of ['m', 'h_w', 'h_l', 'Lambda']) if (chance(r, 0.15)) doc[slot] = mutate(r, String(doc[slot]));
  if (chance(r, 0.08)) { put(doc, pick(r, [...PROTO, 'onload', 'extra', 'M']), 1); refuse = true; why = 'unknown key'; }
  if (chance(r, 0.05)) { delete doc.m; refuse = true; why = 'no m'; }
  let text = chance(r, 0.5) ? stringify(doc) : JSON.stringify(doc);
  if (chance(r, 0.1)) { text = mutate(r, text, r.int(1, 6)); refuse = false; }
  return { text, refuse, why };
}

function yamlBomb(r: Rng): string {
  const width = r.int(2, 10), depth = r.int(1, 9);
  const lines = [`a0: &a0 [${Array(width).fill('"x"').join(',')}]`];
  for (let d = 1; d <= depth; d++) lines.push(`a${d}: &a${d} [${Array(width).fill(`*a${d - 1}`).join(',')}]`);
  if (chance(r, 0.3)) lines.push(`deep: ${'['.repeat(r.int(10, 3000))}1${']'.repeat(0)}`);
  return `${lines.join('\n')}\nname: bomb\nm: a\nh_w: a\nh_l: a\n`;
}

function atText(r: Rng, src: LossSource): { text: string; refuse: boolean; why: string } {
  const names = ['logp_w', 'logp_l', 'c_ref_w', 'c_ref_l', 'len_w', 'len_l', 'z_ref', ...Object.keys(src.params)];
  const parts: string[] = [];
  const seen = new Set<string>();
  let refuse = false, why = '';
  const note = (w: string) => { refuse = true; why ||= w; };
  for (const req of ['logp_w', 'logp_l']) if (chance(r, 0.95)) parts.push(`${req}=${-(r.next() * 30 + 1e-6)}`);
  const extra = r.int(0, 4);
  for (let k = 0; k < extra; k++) {
    const name = chance(r, 0.15) ? pick(r, [...IDENT_PROTO, 'c_ref', 'bogus', 'Beta']) : pick(r, names);
    const value = chance(r, 0.25) ? pick(r, WEIRD_NUMBERS) : String(pick(r, [r.next() * 10, -r.next() * 10, 0, 1, 0.001, 1e3, -1e-9, r.int(-5, 1000)]));
    parts.push(`${name}=${value}`);
  }
  if (chance(r, 0.05)) parts.push(pick(r, ['', 'x', '=', 'a==1', 'logp_w=-1=2']));
  const order = parts.sort(() => (r.next() < 0.5 ? -1 : 1));
  const text = order.join(chance(r, 0.95) ? ',' : pick(r, [', ', ' ,', ';']));
  // The oracle: what completePoint must refuse.
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*([^\s]+)\s*$/.exec(part);
    if (!m) { note('not name=value'); continue; }
    const [, name, raw] = m;
    if (seen.has(name)) note('given twice');
    seen.add(name);
    const v = parseDecimal(raw);
    if (v === undefined) { note(`not a decimal: ${raw}`); continue; }
    const dom = domainOf(name, src.params);
    if (!dom) note(`unknown name ${name}`);
    else if (!inDomain(dom, v)) note(`${name} outside its domain`);
  }
  if (!seen.has('logp_w') || !seen.has('logp_l')) note('no logp');
  return { text, refuse, why };
}

function cliArgs(r: Rng, s: Scratch): { args: string[]; json: boolean; refuse: boolean; why: string } {
  const json = chance(r, 0.4);
  const id = pick(r, CATALOGUE).id;
  const loss = chance(r, 0.8) ? id : pick(r, ['simp0', s.specInside, s.bomb, s.hostile, s.hostile, ...s.special, pick(r, PROTO)]);
  const at = atText(r, SOURCES.find((x) => x.id === id)!);
  let refuse = false, why = '';
  const args: string[] = [];
  switch (r.int(0, 11)) {
    case 0: args.push('derive', loss, '--samples', pick(r, ['50', '100', '0', '0x10', '-3', '', '1e2'])); break;
    case 1: args.push('eval', loss, '--at', at.text); if (loss === id) { refuse = at.refuse; why = at.why; } break;
    case 2: args.push('classify', loss, '--at', at.text, '--inner', pick(r, ['1', '-2', 'abc', '0x1', '1e400', '9']), '--norm-w2', pick(r, ['1', '4', '-1', '']), '--norm-l2', '2'); break;
    case 3: args.push('remedy', loss, '--at', at.text, '--inner', '1', '--norm-w2', '2', '--norm-l2', '3', ...(chance(r, 0.3) ? ['--knob', pick(r, ['beta', 'nll', ...IDENT_PROTO])] : [])); break;
    case 4: args.push('prove', pick(r, ['dW > 0', 'ratio >= 1', `${pick(r, IDENT_PROTO)} > 0`, randomString(r, 20), mutate(r, 'dL > 0')]), '--loss', loss, '--budget', pick(r, ['50', '200', 'x']),
      ...(chance(r, 0.5) ? ['--domain', pick(r, [`${pick(r, IDENT_PROTO)}<0`, 'logp_w<0, 0.01<=beta<=1', randomString(r, 20), 'beta<0x1'])] : [])); break;
    case 5: args.push('fuzz', loss, '--runs', pick(r, ['3', '5', '0', 'x']), '--seed', pick(r, ['1', '0x2', ''])); break;
    case 6: args.push('derive', '--m', chance(r, 0.5) ? mutate(r, pick(r, SLOT_TEXTS)) : randomString(r, 30), '--param', pick(r, ['beta=0.1', 'beta=0x1', `${pick(r, IDENT_PROTO)}=1`, 'beta=1,beta=2']), '--samples', '50'); break;
    case 7: args.push('eval', id, '--at', 'logp_w=-1,logp_l=-2', '--param', `${pick(r, [...Object.keys(SOURCES.find((x) => x.id === id)!.params), ...IDENT_PROTO, 'bogus'])}=${pick(r, ['0.5', '-1', '0', '1e9', '0x10'])}`); break;
    case 8: args.push('audit', '--claims', pick(r, readdirSync(s.claimsDir).map((f) => join(s.claimsDir, f))), '--samples', '20'); break;
    case 9: args.push('table', '--losses', pick(r, [id, `${id},simp0`, pick(r, PROTO)]), '--format', pick(r, ['md', 'json', 'pdf'])); break;
    case 10: args.push('ingest', pick(r, [...s.special, s.specInside]), '--loss', 'dpo', '--out', s.runDir(), '--json'); refuse = true; why = 'events file is no event log'; break;
    default: args.push(pick(r, ['derive', 'eval', 'bogus', 'catalogue']), pick(r, ['--bogus', '--at', '--json', '-x', '--samples=abc', loss])); break;
  }
  if (json && !args.includes('--json')) args.push('--json');
  return { args, json: args.includes('--json'), refuse, why };
}

function eventsFile(r: Rng, s: Scratch): { path: string; refuse: boolean; why: string } {
  // A valid stream of DPO events at points where marginlab's own weights are known, then mutations.
  const d = dpo();
  const c = compileDerivation(d);
  const line = (o: Record<string, unknown>) => JSON.stringify({ v: 1, ...o });
  const pair = (lw: number, ll: number) => {
    const p = completePoint(d, { logp_w: lw, logp_l: ll });
    const e = p.ok ? evaluateAt(c, p.value) : undefined;
    const w = e?.ok ? e.value.dW : 0.05, l = e?.ok ? e.value.dL : 0.05;
    return { logp_w: lw, logp_l: ll, c_ref_w: lw, c_ref_l: ll, len_w: 1, len_l: 1, z_ref: 0, dW: w, dL: l, inner_wl: -1, norm_w2: 2, norm_l2: 2,
      cos_wl: -0.5, pred_dlogp_w_sign: 1, pred_dlogp_l_sign: -1, fo_dlogp_w: 0.1, fo_dlogp_l: -0.1, obs_dlogp_w: 0.1, obs_dlogp_l: -0.1 };
  };
  const steps = r.int(1, 8);
  const lines = [line({ event: 'hello', protocol: 1, trainer: 'fuzz' }),
    line({ event: 'eval', step: 0, pairs: 4, pref_acc: 0.5, reward_acc: 0.5, logp_w: -3, logp_l: -3, reward_margin: 0 })];
  for (let k = 0; k < steps; k++) lines.push(line({ event: 'step', step: k, loss: 0.69, pairs: [pair(-2 - k / 10, -3 - k / 10)] }));
  lines.push(line({ event: 'done', seconds: 1 }));
  let refuse = false, why = '';
  const stepAt = () => lines.findIndex((l) => l.includes('"event":"step"'));
  switch (r.int(0, 9)) {
    case 0: lines.splice(r.int(0, lines.length), 0, pick(r, ['UserWarning: x', 'Traceback (most recent call last):', '[1,2]', '42', '{"progress":1}', randomString(r, 40)])); break;
    case 1: { const i = stepAt(); lines.splice(i + 1, 0, lines[i]); refuse = true; why = 'repeated step'; break; }
    case 2: if (steps > 1) { const i = stepAt(); [lines[i], lines[i + 1]] = [lines[i + 1], lines[i]]; refuse = true; why = 'out of order'; } break;
    case 3: lines.push(lines[stepAt()]); refuse = true; why = 'step after done'; break;
    case 4: lines.push(line({ event: 'heartbeat', t: 1 })); break;
    case 5: { const i = stepAt(); lines[i] = lines[i].replace('"loss":0.69', `"loss":${pick(r, ['"x"', 'null', '[]', 'NaN'])}`); refuse = true; why = 'schema'; break; }
    case 6: lines.splice(r.int(0, lines.length), 0, JSON.stringify({ v: pick(r, [2, 0, '1', null]), event: 'heartbeat', t: 1 })); refuse = true; why = 'another version'; break;
    case 7: lines.pop(); break; // cut off before done: a failed run, kept
    case 8: lines.splice(r.int(0, lines.length), 0, mutate(r, pick(r, lines))); break;
    default: break;
  }
  const path = join(s.root, `events-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { path, refuse, why };
}

const writeClaims = (s: Scratch, text: string): string => {
  const path = join(s.claimsDir, `c-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, text);
  return path;
};

/** The i-th input of the fuzzer for this seed. */
export function caseAt(seed: number, i: number, s: Scratch): FuzzCase {
  const r = makeRng(seed * 1_000_003 + i);
  const roll = r.next();
  if (roll < 0.12) return exprCase(r, 'expression: random text', randomString(r));
  if (roll < 0.27) return exprCase(r, 'expression: mutated catalogue slot', mutate(r, pick(r, SLOT_TEXTS)));
  if (roll < 0.33) return exprCase(r, 'expression: deep nesting', deep(r));
  if (roll < 0.37) return exprCase(r, 'expression: huge and non-finite numbers', `${pick(r, WEIRD_NUMBERS)}*a + logsigmoid(${pick(r, WEIRD_NUMBERS)}*a)`);
  if (roll < 0.49) {
    const src = pick(r, SOURCES);
    const t = specText(r, src);
    return { kind: 'spec file: mutated catalogue spec', input: clip(JSON.stringify(t.text)), expect: { refuse: t.refuse, why: t.why },
      async run() { const p = await parseSpecText(t.text, 'fuzz.yaml'); if (!p.ok) return fromResult(p); const c = checkLoss(p.value); return c.ok ? deriveAndEvaluate(c.value, r) : fromResult(c); } };
  }
  if (roll < 0.51) {
    const text = yamlBomb(r);
    return { kind: 'spec file: YAML alias bomb', input: clip(text), expect: {}, async run() { return fromResult(await parseSpecText(text, 'bomb.yaml')); } };
  }
  if (roll < 0.63) {
    const src = pick(r, SOURCES);
    const at = atText(r, src);
    return { kind: '--at', input: `${src.id} --at ${clip(at.text)}`, expect: { refuse: at.refuse, why: at.why }, async run() {
      const d = derive(specOf(src));
      if (!d.ok) return fromResult(d);
      const given = parseAssignments(at.text);
      if (!given.ok) return fromResult(given);
      const p = completePoint(d.value, given.value);
      if (!p.ok) return fromResult(p);
      const e = evaluateAt(compileDerivation(d.value), p.value);
      // As `eval` reports it: an error the library could not place is located at the point (cli/common.ts need()).
      return e.ok ? { accepted: true, errors: [] } : { accepted: true, errors: withLocation(e.errors, { slot: '--at' }) };
    } };
  }
  if (roll < 0.70) {
    const src = pick(r, SOURCES);
    const name = chance(r, 0.7) ? pick(r, [...Object.keys(src.params), 'beta']) : pick(r, [...PROTO, 'bogus']);
    const raw = chance(r, 0.3) ? pick(r, WEIRD_NUMBERS) : String(pick(r, [r.next() * 2, -1, 0, 1e-4, 1e4, 10, 0.001]));
    const text = chance(r, 0.1) ? `${name}=${raw},${name}=${raw}` : `${name}=${raw}`;
    const v = parseDecimal(raw);
    const dom = Object.hasOwn(src.params, name) ? domainOf(name, src.params) : undefined;
    const refuse = text.includes(',') || v === undefined || !dom || !inDomain(dom, v);
    return { kind: '--param', input: `${src.id} --param ${text}`, expect: { refuse, why: 'undeclared, outside its range, twice or not decimal' }, async run() {
      const spec = specOf(src);
      const values = parseAssignments(text, '--param');
      return fromResult(values.ok ? withParams(spec, values.value) : values);
    } };
  }
  if (roll < 0.74) {
    const text = Array.from({ length: r.int(1, 4) }, () => pick(r, [`${pick(r, [...IDENT_PROTO, 'logp_w', 'beta'])}${pick(r, ['<', '<=', '>', '>='])}${pick(r, ['0', '-1', '1e3', 'inf', '0x1', '1_0'])}`,
      `0.01<=${pick(r, [...IDENT_PROTO, 'beta'])}<=${pick(r, ['1', '0', '-1'])}`, randomString(r, 12)])).join(', ');
    return { kind: '--domain', input: clip(text), expect: {}, async run() { return fromResult(parseDomain(text)); } };
  }
  if (roll < 0.80) {
    const lossRef = pick(r, ['dpo', 'simp0', 'spec.yaml', 'hostile.yaml', '../outside.yaml', 'link-out.yaml', 'secrets.yaml', '/etc/passwd', '/proc/self/environ', '/dev/zero',
      s.specOutside, ...IDENT_PROTO, randomString(r, 10)]);
    const outside = ['../outside.yaml', 'link-out.yaml', '/etc/passwd', '/proc/self/environ', '/dev/zero', s.specOutside].includes(lossRef);
    const claim = () => pick(r, [
      { id: 'w', holds: pick(r, ['dW > 0', 'dL >= 0 and dW > 0', mutate(r, 'ratio > 1'), `${pick(r, IDENT_PROTO)} > 0`, randomString(r, 20)]) },
      { id: 'r', ratio: pick(r, ['1', 'len_l/len_w', mutate(r, 'beta*a'), randomString(r, 10)]) },
      { id: 'd', direction: pick(r, ['chosen-up', 'rejected-down', 'sideways', 'constructor']), whenever: pick(r, ['inner <= normW2', mutate(r, 'inner < 0')]) },
      (() => { const o: Record<string, unknown> = { id: 'x', holds: 'dW > 0' }; put(o, pick(r, [...PROTO, 'extra']), 1); return o; })(),
    ]);
    const doc = { loss: lossRef, samples: pick(r, [10, 20, 0, -1, 1.5]), claims: Array.from({ length: r.int(0, 3) }, claim) };
    const text = chance(r, 0.1) ? mutate(r, stringify(doc)) : stringify(doc);
    return { kind: 'claims file', input: clip(JSON.stringify(text)), expect: { refuse: outside, why: 'loss: outside the claims folder', secret: SECRET }, async run() {
      const o = fromResult(await loadClaimsFile(writeClaims(s, text)));
      return o;
    } };
  }
  if (roll < 0.83) {
    const path = pick(r, s.special);
    const via = pick(r, ['spec', 'claims', 'events'] as const);
    return { kind: 'special file', input: `${via}: ${path}`, expect: { refuse: true, why: 'not a regular text file', secret: SECRET }, async run() {
      if (via === 'spec') return fromResult(await resolveLoss(path));
      if (via === 'claims') return fromResult(await loadClaimsFile(writeClaims(s, `loss: ${JSON.stringify(path)}\nclaims:\n  - id: w\n    holds: dW > 0\n`), { allowOutside: true }));
      const res = ingestEvents(path, dpo(), null, s.runDir());
      return res.error ? { accepted: false, errors: [res.error] } : { accepted: true, errors: [] };
    } };
  }
  if (roll < 0.91) {
    const ev = eventsFile(r, s);
    return { kind: 'trainer events (ingest)', input: ev.path, expect: { refuse: ev.refuse, why: ev.why }, async run() {
      const res = ingestEvents(ev.path, dpo(), null, s.runDir());
      const protocol = res.error && (res.error.code === 'E_PROTOCOL' || res.error.code === 'E_PROTOCOL_VERSION');
      return { accepted: !protocol, errors: res.error ? [res.error] : [] };
    } };
  }
  const cli = cliArgs(r, s);
  return { kind: 'command line', input: clip(JSON.stringify(cli.args)), expect: { refuse: cli.refuse, why: cli.why, secret: SECRET }, async run() {
    const res = await runCli(cli.args);
    const errors: SeenError[] = res.code === 0 || res.code === 1 ? cliErrors(res.stderr, cli.json).filter((e) => e.code) : cliErrors(res.stderr, cli.json);
    const crash = res.code === 3 || /\n\s+at \S+ \(/.test(res.stderr) ? `exit ${res.code}: ${clip(res.stderr, 300)}` : undefined;
    const silent = res.code === 2 && errors.length === 0 ? [{ message: 'exit 2 without a message' }] : [];
    return { accepted: res.code === 0 || res.code === 1, errors: [...errors, ...silent], crash, text: res.stdout + res.stderr };
  } };
}
