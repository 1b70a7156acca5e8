// A run made elsewhere: `train --print-request` writes the request, the trainer runs on its own
// (here: the reference trainer on this machine's CPU), and `ingest` turns its stdout into the run folder,
// checking every line and the probe checksums as the live client does.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tmp } from './helpers.js';
import { PYTHON, TRAINER, requireTorch } from './torch.js';
import { heldoutText } from '../../src/trainer/summary.js';

const CLI = join(process.cwd(), 'bin', 'marginlab.js');
const dir = tmp('ingest');
const req = join(dir, 'request.json');
const events = join(dir, 'events.jsonl');
let lines: string[] = [];

/** The one error of a --json run, from its error document on stderr (marginlab/error@1). */
const errorOf = (stderr: string) => {
  const doc = JSON.parse(stderr.trim().split('\n').pop()!);
  expect(doc.schema).toBe('marginlab/error@1');
  return doc.errors[0];
};

const ingest = (file: string, out: string, ...extra: string[]) =>
  spawnSync(process.execPath, [CLI, 'ingest', file, '--loss', 'dpo', '--out', out, '--json', ...extra], { encoding: 'utf8' });

beforeAll(() => {
  requireTorch();
  writeFileSync(req, execFileSync(process.execPath, [CLI, 'train', '--task', 'single', '--loss', 'dpo', '--steps', '10', '--sft-steps', '40',
    '--no-token-cosine', '--heldout-pairs', '16', '--print-request'], { encoding: 'utf8' }));
  const r = spawnSync(PYTHON, [TRAINER], { input: readFileSync(req), encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(r.status, r.stderr).toBe(0);
  writeFileSync(events, r.stdout);
  // Without the heartbeats (every 2 s): on a loaded machine one falls between two steps, and the tests below cut
  // and swap lines by position, taking the line after step 0 to be step 1.
  lines = r.stdout.trim().split('\n').filter((l) => !l.includes('"event": "heartbeat"'));
}, 120_000);

describe('marginlab ingest', () => {
  it('writes the run folder from events printed elsewhere, with the probe checksums checked', () => {
    const out = join(dir, 'run');
    const r = ingest(events, out, '--request', req);
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.loggedSteps).toBe(10);
    expect(s.checksum.probes).toBeGreaterThan(0);
    expect(s.agreement).toBeGreaterThanOrEqual(0.95);
    expect(s.heldout.pairs).toBe(16);
    expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(10);
    expect(existsSync(join(out, 'eval.jsonl'))).toBe(true);
  });

  it('refuses a probe result that disagrees with marginlab (a tampered check line)', () => {
    const bad = lines.map((l) => {
      const e = JSON.parse(l);
      if (e.event !== 'check') return l;
      e.results[0].dW *= 1.01;
      return JSON.stringify(e);
    });
    const file = join(dir, 'tampered.jsonl');
    writeFileSync(file, `${bad.join('\n')}\n`);
    const r = ingest(file, join(dir, 'tampered'), '--request', req);
    expect(r.status).toBe(1);
    const e = errorOf(r.stderr);
    expect(e.code).toBe('E_CHECKSUM');
    expect(e.message).toMatch(/at probe 1 .* dW/);
    expect(e.at.file).toBe(file);
  });

  it('a stray line (a library warning) is counted and reported; no step after it is lost', () => {
    const file = join(dir, 'stray.jsonl');
    const at = lines.findIndex((l) => l.includes('"event": "step"'));
    writeFileSync(file, `${[...lines.slice(0, at), 'UserWarning: this is a warning on stdout', ...lines.slice(at)].join('\n')}\n`);
    const r = ingest(file, join(dir, 'stray'));
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.loggedSteps).toBe(10);
    expect(s.strayLines).toEqual({ count: 1, first: [{ line: at + 1, text: 'UserWarning: this is a warning on stdout' }] });
    const text = spawnSync(process.execPath, [CLI, 'ingest', file, '--loss', 'dpo', '--out', join(dir, 'stray-text')], { encoding: 'utf8' });
    expect(text.stdout).toMatch(/note: 1 line of the trainer's stdout was not protocol events and was skipped \(first, line \d+: 'UserWarning/);
  });

  it.each([
    ['an event that fails its schema', (ls: string[], i: number) => [...ls.slice(0, i), ls[i].replace('"loss": ', '"loss": "x", "was": '), ...ls.slice(i + 1)], /trainer line \d+: loss: /],
    ['a repeated step', (ls: string[], i: number) => [...ls.slice(0, i + 1), ls[i], ...ls.slice(i + 1)], /step 0 comes after step 0 \(repeated\); each step is counted once/],
    ['a step out of order', (ls: string[], i: number) => [...ls.slice(0, i), ls[i + 1], ls[i], ...ls.slice(i + 2)], /step 0 comes after step 1 \(out of order\)/],
    ['an event after done', (ls: string[]) => [...ls, ls.find((l) => l.includes('"event": "eval"'))!], /event 'eval' after 'done'/],
  ])('%s is fatal, with its line number, exit 2', (_what, edit, message) => {
    const i = lines.findIndex((l) => l.includes('"event": "step"'));
    const file = join(dir, `bad-${Math.random().toString(36).slice(2)}.jsonl`);
    writeFileSync(file, `${edit(lines, i).join('\n')}\n`);
    const r = ingest(file, join(dir, `bad-out-${Math.random().toString(36).slice(2)}`));
    expect(r.status).toBe(2);
    const e = errorOf(r.stderr);
    expect(e.code).toBe('E_PROTOCOL');
    expect(e.message).toMatch(message);
    expect(e.at).toEqual({ file, line: expect.any(Number) });
  });

  it('keeps the steps of a cut-off file (exit 1), and says there was no final evaluation', () => {
    const stepsBefore = lines.findIndex((l) => l.includes('"event": "step"'));
    const cut = join(dir, 'cut.jsonl');
    writeFileSync(cut, `${lines.slice(0, stepsBefore + 3).join('\n')}\n`);
    const c = ingest(cut, join(dir, 'cut'));
    expect(c.status).toBe(1);
    expect(errorOf(c.stderr).message).toMatch(/ends before the trainer's 'done' event \(3 steps logged, kept\)/);
    const s = JSON.parse(c.stdout);
    expect(s.loggedSteps).toBe(3);
    // The step-0 evaluation is the only one: no end, so no "65.6% → 65.6%".
    expect(s.heldout.end).toBeNull();
    expect(s.heldout.final).toBe(false);
    expect(heldoutText(s.heldout)).toMatch(/: \d+\.\d% at step 0; no final evaluation \(the run stopped before one\)$/);
    const full = JSON.parse(ingest(events, join(dir, 'full-heldout')).stdout);
    expect(full.heldout.final).toBe(true);
    expect(heldoutText(full.heldout)).toMatch(/→/);
  });
});

describe('ingest never loses or mixes a run', () => {
  const snapshot = (d: string) => Object.fromEntries(readdirSync(d).sort().map((f) => [f, readFileSync(join(d, f), 'utf8')]));
  const existingRun = (name: string) => {
    const out = join(dir, name);
    expect(ingest(events, out).status).toBe(0);
    writeFileSync(join(out, 'notes.txt'), 'mine\n');
    return out;
  };
  it.each([
    ['a missing events file', () => '/nonexistent/events.jsonl', /cannot read the events file '\/nonexistent\/events.jsonl': ENOENT/],
    ['a directory as the events file', () => dir, /is a directory, not a regular file/],
    ['/dev/zero as the events file', () => '/dev/zero', /is a character device/],
  ])('%s: exit 2, coded, and the existing run folder is exactly as it was', (_what, path, message) => {
    const out = existingRun(`kept-${Math.random().toString(36).slice(2)}`);
    const before = snapshot(out);
    const r = ingest(path(), out, '--force');
    expect(r.status).toBe(2);
    const e = errorOf(r.stderr);
    expect(e.code).toBe('E_FILE');
    expect(e.message).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(snapshot(out)).toEqual(before);
    // Nothing was written at all: no partial folder, no failed run kept aside.
    expect(readdirSync(dir).filter((f) => f.includes('.partial-') || f.startsWith(`${basename(out)}.`))).toEqual([]);
  });
  it('a non-empty --out is refused without --force, and replaced as a whole with it', () => {
    const out = existingRun('replace');
    const before = snapshot(out);
    const r = ingest(events, out);
    expect(r.status).toBe(2);
    expect(errorOf(r.stderr)).toMatchObject({ code: 'E_FILE', at: { slot: '--out' } });
    expect(errorOf(r.stderr).message).toMatch(/is not empty .*a run is never written over another/);
    expect(snapshot(out)).toEqual(before);
    const f = ingest(events, out, '--force');
    expect(f.status, f.stderr).toBe(0);
    expect(existsSync(join(out, 'notes.txt'))).toBe(false);
    expect(readFileSync(join(out, 'eval.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });
  it('a failed ingest with --force leaves the existing folder as it was and keeps the failed run beside it', () => {
    const out = existingRun('failed-force');
    const before = snapshot(out);
    const stepsBefore = lines.findIndex((l) => l.includes('"event": "step"'));
    const cut = join(dir, 'cut-force.jsonl');
    writeFileSync(cut, `${lines.slice(0, stepsBefore + 2).join('\n')}\n`);
    const r = ingest(cut, out, '--force');
    expect(r.status).toBe(1);
    expect(snapshot(out)).toEqual(before);
    const aside = readdirSync(dir).filter((n) => n.startsWith('failed-force.failed-'));
    expect(aside).toHaveLength(1);
    expect(errorOf(r.stderr).message).toContain(`this run is kept in ${join(dir, aside[0])}, and ${out} is as it was`);
    expect(readFileSync(join(dir, aside[0], 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });
});
