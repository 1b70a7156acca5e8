// Issue 21, "Messages": a spec or claims file's mistake says what was expected and what was found, at the
// line and column of the value; a default outside its own range is refused; a claims file's ratio may be a
// number; the --at list of known symbols is what --at accepts; eval lists only the defaults the loss reads.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpecFile } from '../../src/loss/file.js';
import { loadClaimsFile } from '../../src/claims/user.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'marginlab-messages-'));
const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
const errorsOf = async (text: string, name = 'spec.yaml') => {
  const r = await loadSpecFile(file(name, text));
  if (r.ok) throw new Error('expected a refusal');
  return r.errors;
};

describe('spec files say what was expected and what was found, where', () => {
  it('a missing slot names what every loss needs', async () => {
    const [e] = await errorsOf('name: noslot\nh_w: a\nh_l: a\n');
    expect(e).toMatchObject({ code: 'E_SPEC', message: 'm is missing — every loss needs m, h_w, h_l (or the whole loss as L)', at: { slot: 'm', line: 1, column: 1 } });
  });
  it('a bad parameter value: expected a number or {default, range}, got the value, at its line and column', async () => {
    const [e] = await errorsOf('name: badp\nparams:\n  beta: abc\nm: logsigmoid(beta*a)\nh_w: a\nh_l: a\n');
    expect(e).toMatchObject({ code: 'E_SPEC', message: 'beta: expected a number or {default, range}, got "abc"', at: { slot: 'params', line: 3, column: 9 } });
  });
  it('the same in a JSON spec (a string where a number belongs), located in the one line', async () => {
    const text = JSON.stringify({ name: 'j', params: { beta: '0.1' }, m: 'logsigmoid(beta*a)', h_w: 'a', h_l: 'a' });
    const [e] = await errorsOf(text, 'spec.json');
    expect(e).toMatchObject({ message: 'beta: expected a number or {default, range}, got "0.1"', at: { line: 1, column: text.indexOf('"0.1"') + 1 } });
  });
  it('a mapping with a bad default is a bad default (the branch it meant), not "Invalid input"', async () => {
    const errors = await errorsOf('name: x\nparams:\n  beta: {default: q, range: [1]}\nm: logsigmoid(beta*a)\nh_w: a\nh_l: a\n');
    expect(errors.map((e) => e.message)).toEqual(['beta.default: expected a number, got "q"', 'beta.range: expected two numbers [lo, hi], got a list of 1']);
    expect(errors.map((e) => [e.at?.line, e.at?.column])).toEqual([[3, 19], [3, 29]]);
  });
  it('a misspelt key of a parameter is refused, not dropped', async () => {
    const [e] = await errorsOf('name: x\nparams:\n  beta: {default: 1, rnage: [0, 2]}\nm: logsigmoid(beta*a)\nh_w: a\nh_l: a\n');
    expect(e).toMatchObject({ message: "beta: unknown key 'rnage'", at: { line: 3, column: 22 } });
  });
  it('a long value found is described, not echoed (a file opened by mistake may hold a secret)', async () => {
    const [e] = await errorsOf('name: x\nparams:\n  beta: sk_live_0123456789abcdef\nm: logsigmoid(beta*a)\nh_w: a\nh_l: a\n');
    expect(e.message).toBe('beta: expected a number or {default, range}, got a string of 24 characters');
  });
  it('a file that is no mapping at all is described, never echoed, however short', async () => {
    const [e] = await errorsOf('hunter2\n', 'pw.yaml');
    expect(e.message).toBe('file: expected a mapping, got a string of 7 characters');
  });
  it('a default outside its own declared range is refused (E_PARAM), at the parameter', async () => {
    const [e] = await errorsOf('name: badr\nparams:\n  beta: {default: 20, range: [0.01, 10]}\nm: logsigmoid(beta*a)\nh_w: a\nh_l: a\n');
    expect(e).toMatchObject({ code: 'E_PARAM', at: { slot: 'params', symbol: 'beta', line: 3, column: 9 } });
    expect(e.message).toContain('default 20 outside its declared range [0.01, 10]');
  });
  it('the CLI prints it as one located line', async () => {
    const p = file('cli-badp.yaml', 'name: badp\nparams:\n  beta: abc\nm: logsigmoid(beta*a)\nh_w: a\nh_l: a\n');
    const r = await runCli(['derive', p]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`E_SPEC ${p}, in params, line 3, column 9: beta: expected a number or {default, range}, got "abc"\n`);
  });
});

describe('claims files', () => {
  it('accept a number where an expression is expected (ratio: 1)', async () => {
    const r = await loadClaimsFile(file('ratio1.yaml', 'loss: dpo\nclaims:\n  - id: one\n    ratio: 1\n'));
    expect(r.ok).toBe(true);
    const a = await runCli(['audit', '--claims', join(dir, 'ratio1.yaml'), '--json', '--samples', '50']);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).claims[0]).toMatchObject({ id: 'one', verdict: { status: 'proved' } });
  });
  it('say what was expected and found, at the line and column', async () => {
    const r = await loadClaimsFile(file('bad-claims.yaml', 'loss: dpo\nclaims:\n  - id: x\n    direction: sideways\n'));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors[0]).toMatchObject({ code: 'E_SPEC', at: { slot: 'claims', line: 4, column: 16 } });
      expect(r.errors[0].message).toBe('claims[0].direction: expected one of chosen-up, chosen-down, rejected-down, rejected-up, got "sideways"');
    }
  });
  it('an expression error in a claim carries the file and the line of its field', async () => {
    const p = file('bad-expr.yaml', 'loss: dpo\nclaims:\n  - id: x\n    holds: dW > bogus\n');
    const r = await loadClaimsFile(p);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ at: { file: p, line: 4 } });
  });
});

describe('--at', () => {
  it("the list of known symbols is exactly what --at accepts: no c_ref", async () => {
    const r = await runCli(['eval', 'dpo', '--at', 'logp_w=-1,logp_l=-2,qq=1']);
    expect(r.code).toBe(2);
    const known = /known: (.*)$/m.exec(r.stderr)![1].split(', ');
    expect(known).not.toContain('c_ref');
    // Each listed name is accepted.
    for (const name of known) {
      const value = name.startsWith('len') ? '2' : name === 'z_ref' ? '0.5' : name === 'beta' ? '0.2' : '-3';
      const at = name === 'logp_w' || name === 'logp_l' ? 'logp_w=-1,logp_l=-2' : `logp_w=-1,logp_l=-2,${name}=${value}`;
      expect((await runCli(['eval', 'dpo', '--at', at])).code, name).toBe(0);
    }
  });
});

describe('eval and witnesses list only the defaults the loss reads', () => {
  it('DPO: beta, c_ref_w, c_ref_l — not z_ref, len_w, len_l', async () => {
    const j = JSON.parse((await runCli(['eval', 'dpo', '--at', 'logp_w=-12,logp_l=-15', '--json'])).stdout);
    expect(j.defaults.map((d: { name: string }) => d.name).sort()).toEqual(['beta', 'c_ref_l', 'c_ref_w']);
  });
  it('SimPO reads the lengths, and no reference', async () => {
    const j = JSON.parse((await runCli(['eval', 'simpo', '--at', 'logp_w=-12,logp_l=-15', '--json'])).stdout);
    const names = j.defaults.map((d: { name: string }) => d.name);
    expect(names).toEqual(expect.arrayContaining(['len_w', 'len_l']));
    expect(names).not.toContain('c_ref_w');
    expect(names).not.toContain('z_ref');
  });
});

describe('witnesses show only what the loss (and the claim) reads', () => {
  const dpoReads = ['beta', 'c_ref_l', 'c_ref_w', 'logp_l', 'logp_w'];
  it('fuzz: IPO\'s margin-shrinks witness has no len_w, len_l, z_ref', async () => {
    const r = await runCli(['fuzz', 'ipo', '--runs', '50', '--seed', '1', '--json']);
    const law = JSON.parse(r.stdout).laws.find((l: { law: string }) => l.law === 'margin-shrinks');
    expect(Object.keys(law.counterexample.point).sort()).toEqual(dpoReads); // IPO's param is beta too
  });
  it('claims: a sampled counterexample for DPO lists beta, the references and the log-probabilities only', async () => {
    const p = file('dir.yaml', 'loss: dpo\nclaims:\n  - id: up\n    direction: chosen-up\n    whenever: inner > normW2\n');
    const a = await runCli(['audit', '--claims', p, '--json', '--samples', '200']);
    const v = JSON.parse(a.stdout).claims[0].verdict;
    expect(v.status).toBe('refuted');
    expect(Object.keys(v.evidence.worst.point).sort()).toEqual(dpoReads);
  });
  it('claims: a symbol the claim names itself is shown even where the loss does not read it', async () => {
    const p = file('len.yaml', 'loss: dpo\nclaims:\n  - id: up\n    direction: chosen-up\n    whenever: inner > normW2 and len_w > 2\n');
    const v = JSON.parse((await runCli(['audit', '--claims', p, '--json', '--samples', '200'])).stdout).claims[0].verdict;
    expect(v.status).toBe('refuted');
    expect(Object.keys(v.evidence.worst.point).sort()).toEqual([...dpoReads, 'len_w'].sort());
  });
  it('prove: a refuting witness for DPO names what the claim reads', async () => {
    const j = JSON.parse((await runCli(['prove', 'dW < 0.04', '--loss', 'dpo', '--json'])).stdout);
    expect(j.status).toBe('refuted');
    const names = Object.keys(j.regimes[0].witness.point);
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(dpoReads).toContain(n);
  });
});
