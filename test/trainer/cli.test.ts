// `marginlab train` end to end through the CLI (in-process): --json prints summary.json, and a trainer
// failure exits non-zero with the error on stderr.
import { readFileSync } from 'node:fs';
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

  it('rejects an unknown task before starting anything', async () => {
    const r = await runCli(['train', '--task', 'medium', '--loss', 'dpo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--task is single, short, long or a \.jsonl file/);
  });
});
