// Issue 21, "one way to name a loss, everywhere": every command that takes a loss takes it the same three
// ways — a catalogue id, a spec file, inline slots — through one option set (cli/options.ts lossOptions,
// cli/load.ts), and gets the same answer from each. DPO is written out in each form.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { buildProgram } from '../../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'marginlab-forms-'));
const SPEC = join(dir, 'my-dpo.yaml');
writeFileSync(SPEC, 'name: My DPO\nparams:\n  beta: {default: 0.1, range: [0.001, 1000]}\nm: logsigmoid(a - beta*c_ref)\nh_w: beta*a\nh_l: beta*a\n');
const INLINE = ['--m', 'logsigmoid(a - beta*c_ref)', '--hw', 'beta*a', '--hl', 'beta*a', '--param', 'beta=0.1'];

/** The loss as a command's [loss] argument takes it, and as --loss (every command has both or the second). */
const FORMS: Readonly<Record<string, { arg: string[]; flag: string[] }>> = {
  catalogue: { arg: ['dpo'], flag: ['--loss', 'dpo'] },
  'spec file': { arg: [SPEC], flag: ['--loss', SPEC] },
  inline: { arg: INLINE, flag: INLINE },
};

async function eachForm(args: (form: { arg: string[]; flag: string[] }) => string[], pick: (stdout: string) => unknown): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const [name, form] of Object.entries(FORMS)) {
    const r = await runCli(args(form));
    expect(r.code, `${name}: ${r.stderr}`).toBe(0);
    out.push(pick(r.stdout));
  }
  return out;
}
const same = (xs: unknown[]) => { for (const x of xs.slice(1)) expect(x).toEqual(xs[0]); };
const AT = ['--at', 'logp_w=-12,logp_l=-15'];
const GRAM = ['--inner', '3', '--norm-w2', '2', '--norm-l2', '5'];

describe('every command takes a catalogue id, a spec file, or inline slots, with the same answer', () => {
  it('derive (as [loss] and as --loss)', async () => {
    same(await eachForm((f) => ['derive', ...f.arg, '--json', '--samples', '200'], (s) => JSON.parse(s).ratio.text));
    same(await eachForm((f) => ['derive', ...f.flag, '--json', '--samples', '200'], (s) => JSON.parse(s).ratio.text));
  });
  it('eval', async () => same(await eachForm((f) => ['eval', ...f.flag, ...AT, '--json'], (s) => { const j = JSON.parse(s); return [j.dW, j.dL]; })));
  it('classify', async () => same(await eachForm((f) => ['classify', ...f.arg, ...AT, ...GRAM, '--json'], (s) => JSON.parse(s).case)));
  it('remedy', async () => same(await eachForm((f) => ['remedy', ...f.arg, ...AT, ...GRAM, '--knob', 'beta', '--json'], (s) => JSON.parse(s).admissible)));
  it('prove --loss, and prove with inline slots', async () => {
    same(await eachForm((f) => ['prove', 'dW > 0', ...f.flag, '--json'], (s) => JSON.parse(s).status));
    const r = await runCli(['prove', 'ratio < 1', ...INLINE]);
    expect(r.code).toBe(1); // DPO's ratio is 1: refuted, with the inline loss's ratio
  });
  it('fuzz', async () => same(await eachForm((f) => ['fuzz', ...f.arg, '--runs', '20', '--seed', '3', '--json'], (s) => JSON.parse(s).laws.map((l: { law: string; counterexample?: unknown }) => [l.law, !!l.counterexample]))));
  it('sweep', async () => same(await eachForm((f) => ['sweep', ...f.arg, '--over', 'logp_w=-10:-1:5', '--at', 'logp_l=-5,c_ref_w=-3', '--json'], (s) => JSON.parse(s).samples)));
  it('verify taylor and cases run on your own loss (and only it)', async () => {
    for (const check of ['taylor', 'cases']) {
      const notes = await eachForm((f) => ['verify', check, ...f.flag, '--samples', '3', '--json'], (s) => JSON.parse(s).verdicts[0].evidence.notes.join('\n'));
      for (const n of notes) expect(n).toMatch(/^1 losses × 3/);
    }
  });
  it('verify refuses a loss for a check about a model', async () => {
    const r = await runCli(['verify', 'theorem1', '--loss', 'dpo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^E_USAGE in verify: theorem1 checks a theorem about a model, not a loss/);
  });
  it('verify on a loss it cannot check is a coded refusal, not an internal error', async () => {
    const r = await runCli(['verify', 'taylor', '--m', 'log(a - 1000)', '--samples', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^E_NO_DOMAIN in --loss: taylor cannot check inline loss/);
  });
  it('table takes inline slots and --loss beside --losses and --file', async () => {
    const rows = async (args: string[]) => {
      const r = await runCli(['table', '--format', 'json', ...args]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout).rows.map((x: { regimes: { dW: unknown }[] }) => x.regimes.map((g) => g.dW));
    };
    const [byId] = await rows(['--losses', 'dpo']);
    expect(await rows(INLINE)).toEqual([byId]);
    expect(await rows(['--loss', SPEC])).toEqual([byId]);
    expect(await rows(['--file', SPEC, ...INLINE])).toEqual([byId, byId]);
  });
  it('train --print-request: the same loss function from each form', async () => {
    same(await eachForm((f) => ['train', '--task', 'single', ...f.flag, '--print-request'], (s) => {
      const j = JSON.parse(s);
      return [j.loss.params, j.loss.python.replace(/^ *#.*$/gm, '')];
    }));
  });
  it('ingest takes the loss the same way (an inline loss gets as far as the events file)', async () => {
    const r = await runCli(['ingest', join(dir, 'no-events.jsonl'), ...INLINE, '--out', join(dir, 'run')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^E_FILE .*no-events\.jsonl/);
  });
});

describe("a claims file's loss: the same forms", () => {
  it('a catalogue id, a spec file beside it, or the spec written out under loss:, with the same verdicts', async () => {
    const claims = 'claims:\n  - id: one\n    ratio: 1\n  - id: up\n    direction: chosen-up\n    whenever: inner > normW2\n';
    const spec = 'name: My DPO\nparams:\n  beta: 0.1\nm: logsigmoid(a - beta*c_ref)\nh_w: beta*a\nh_l: beta*a\n';
    writeFileSync(join(dir, 'beside.yaml'), spec);
    const files = {
      id: `loss: dpo\n${claims}`,
      file: `loss: beside.yaml\n${claims}`,
      inline: `loss:\n${spec.split('\n').filter(Boolean).map((l) => `  ${l}`).join('\n')}\n${claims}`,
    };
    const verdicts: unknown[] = [];
    for (const [name, text] of Object.entries(files)) {
      const p = join(dir, `claims-${name}.yaml`);
      writeFileSync(p, text);
      const r = await runCli(['audit', '--claims', p, '--json', '--samples', '200']);
      expect(r.code, `${name}: ${r.stderr}`).toBe(1); // `up` is refuted (exit 1), `one` proved
      verdicts.push(JSON.parse(r.stdout).claims.map((c: { id: string; verdict: { status: string } }) => [c.id, c.verdict.status]));
    }
    same(verdicts);
  });
  it('a mistake in the written-out loss is located in the claims file, under loss', async () => {
    const p = join(dir, 'claims-bad.yaml');
    writeFileSync(p, 'loss:\n  params:\n    beta: abc\n  m: logsigmoid(beta*a)\n  h_w: a\n  h_l: a\nclaims:\n  - id: one\n    ratio: 1\n');
    const r = await runCli(['audit', '--claims', p]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`E_SPEC ${p}, in loss.params, line 3, column 11: beta: expected a number or {default, range}, got "abc"\n`);
  });
});

describe('the forms, their conflicts, and where they are documented', () => {
  it('a loss named twice, or both named and inline, is refused', async () => {
    expect((await runCli(['derive', 'dpo', '--loss', 'simpo'])).stderr).toMatch(/^E_USAGE in --loss: the loss is named twice/);
    expect((await runCli(['eval', '--loss', 'dpo', '--m', 'a', ...AT])).stderr).toMatch(/^E_USAGE in --loss: give either a loss/);
  });
  it('no loss at all says what the forms are and where they are documented', async () => {
    const r = await runCli(['train', '--task', 'single', '--print-request']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no loss is named — name one: a catalogue id');
    expect(r.stderr).toContain('docs/guide.md, "Naming a loss"');
  });
  it('inline slots without --m say what is missing and what was found', async () => {
    const r = await runCli(['derive', '--hw', 'beta*a']);
    expect(r.stderr).toMatch(/^E_USAGE in --m: m is missing — an inline loss needs --m \(or the whole loss as --L\); found only --hw/);
  });
  it('every command that takes a loss has the same options and points to the guide', async () => {
    const program = await buildProgram('all');
    const takers = ['derive', 'eval', 'classify', 'remedy', 'prove', 'fuzz', 'verify', 'table', 'train', 'ingest', 'sweep'];
    for (const name of takers) {
      const cmd = program.commands.find((c) => c.name() === name)!;
      const flags = cmd.options.map((o) => o.long);
      for (const f of ['--loss', '--m', '--hw', '--hl', '--Lambda', '--param', '--outside-domain']) expect(flags, `${name} ${f}`).toContain(f);
      let help = '';
      cmd.configureOutput({ writeOut: (s) => { help += s; } });
      cmd.outputHelp();
      expect(help, name).toContain('docs/guide.md, "Naming a loss"');
    }
  });
});
