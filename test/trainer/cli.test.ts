// `marginlab train` end to end through the CLI (in-process): --json prints summary.json, and a trainer
// failure exits non-zero with the error on stderr.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tmp } from './helpers.js';
import { PYTHON, requireTorch } from './torch.js';

beforeAll(requireTorch);

describe('marginlab train', () => {
  it('runs SimPO on the short task and prints its summary as JSON', async () => {
    const out = tmp('cli');
    const r = await runCli(['train', '--task', 'short', '--loss', 'simpo', '--steps', '10', '--lr', '0.005', '--sft-steps', '40',
      '--no-token-cosine', '--python', PYTHON, '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ schema: 'marginlab/train-summary@1', loss: 'simpo', task: 'short', status: 'ok', loggedSteps: 10 });
    expect(JSON.parse(readFileSync(`${out}/summary.json`, 'utf8'))).toEqual(s);
    expect(s.agreement).toBeGreaterThanOrEqual(0.95);
  });

  it('exits 1 with a located error when the trainer cannot start', async () => {
    const r = await runCli(['train', '--task', 'single', '--loss', 'dpo', '--python', '/nonexistent/python', '--out', tmp('cli-missing')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^E_TRAINER_MISSING: cannot start \/nonexistent\/python/);
  });

  it('refuses a non-empty --out before starting the trainer; --force replaces it as a whole once the run completes', async () => {
    const out = tmp('cli-existing');
    const args = ['train', '--task', 'single', '--loss', 'dpo', '--steps', '4', '--sft-steps', '20', '--heldout-pairs', '8',
      '--python', PYTHON, '--out', out, '--json'];
    expect((await runCli(args)).code).toBe(0);
    writeFileSync(join(out, 'notes.txt'), 'mine\n');
    const before = readdirSync(out).sort().map((f) => [f, readFileSync(join(out, f), 'utf8')]);
    const refused = await runCli(args);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(JSON.parse(refused.stderr).errors[0]).toMatchObject({ code: 'E_FILE', at: { slot: '--out' } });
    expect(readdirSync(out).sort().map((f) => [f, readFileSync(join(out, f), 'utf8')])).toEqual(before);
    const forced = await runCli([...args, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(existsSync(join(out, 'notes.txt'))).toBe(false);
    // One run's rows only: step 0 once in eval.jsonl, and the summary is the new run's.
    const evals = readFileSync(join(out, 'eval.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(evals.map((e) => e.step)).toEqual([0, 4]);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual(JSON.parse(forced.stdout));
  }, 120_000);

  it('a failed run with --force leaves the existing run folder exactly as it was', async () => {
    const out = tmp('cli-failed-force');
    writeFileSync(join(out, 'metrics.jsonl'), '{"step":0}\n');
    const r = await runCli(['train', '--task', 'single', '--loss', 'dpo', '--python', '/nonexistent/python', '--out', out, '--force']);
    expect(r.code).toBe(1);
    expect(readdirSync(out)).toEqual(['metrics.jsonl']);
    expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8')).toBe('{"step":0}\n');
    expect(r.stderr).toMatch(/this run is kept in .*cli-failed-force-\w+\.failed-/);
  });

  it('rejects an unknown task before starting anything', async () => {
    const r = await runCli(['train', '--task', 'medium', '--loss', 'dpo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--task is single, short, long or a \.jsonl file/);
  });
});
