// A run made elsewhere: `train --print-request` writes the request, the trainer runs on its own
// (here: the reference trainer on this machine's CPU), and `ingest` turns its stdout into the run folder,
// checking every line and the probe checksums as the live client does.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tmp } from './helpers.js';
import { PYTHON, TRAINER, requireTorch } from './torch.js';

const CLI = join(process.cwd(), 'bin', 'marginlab.js');
const dir = tmp('ingest');
const req = join(dir, 'request.json');
const events = join(dir, 'events.jsonl');
let lines: string[] = [];

const ingest = (file: string, out: string, ...extra: string[]) =>
  spawnSync(process.execPath, [CLI, 'ingest', file, '--loss', 'dpo', '--out', out, '--json', ...extra], { encoding: 'utf8' });

beforeAll(() => {
  requireTorch();
  writeFileSync(req, execFileSync(process.execPath, [CLI, 'train', '--task', 'single', '--loss', 'dpo', '--steps', '10', '--sft-steps', '40',
    '--no-token-cosine', '--heldout-pairs', '16', '--print-request'], { encoding: 'utf8' }));
  const r = spawnSync(PYTHON, [TRAINER], { input: readFileSync(req), encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(r.status, r.stderr).toBe(0);
  writeFileSync(events, r.stdout);
  lines = r.stdout.trim().split('\n');
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
    expect(r.stderr).toMatch(/E_CHECKSUM: at probe 1 .* dW/);
  });

  it('names the line of a garbage event, and keeps the steps of a cut-off file', () => {
    const file = join(dir, 'garbage.jsonl');
    writeFileSync(file, `${[...lines.slice(0, 5), 'not json at all', ...lines.slice(5)].join('\n')}\n`);
    const g = ingest(file, join(dir, 'garbage'));
    expect(g.status).toBe(1);
    expect(g.stderr).toMatch(/line 6 is not JSON/);
    const stepsBefore = lines.findIndex((l) => l.includes('"event": "step"'));
    const cut = join(dir, 'cut.jsonl');
    writeFileSync(cut, `${lines.slice(0, stepsBefore + 3).join('\n')}\n`);
    const c = ingest(cut, join(dir, 'cut'));
    expect(c.status).toBe(1);
    expect(c.stderr).toMatch(/E_TRAINER_EXIT: .* ends before the trainer's 'done' event \(3 steps logged, kept\)/);
    expect(JSON.parse(c.stdout).loggedSteps).toBe(3);
  });
});
