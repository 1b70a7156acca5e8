// `marginlab train --engine trl`: the same run (data, model, SFT reference, seed, loss) with its steps taken by
// TRL 1.13's DPOTrainer, the loss generated into a subclass (src/trainer/python/ml_trl.py). For the same pairs,
// model and seed the two engines must give the same trajectory: every logged pair's log π_w, log π_l (before
// each step), c_ref, d_w, d_l and ⟨a, b⟩ within 1e-12 relative in float64 — one float64 rounding apart, since TRL
// pads each batch to its own length and passes an attention mask where marginlab's trainer pads to the task's
// length — and each pair's observed change under the batch step within 1e-9 (a difference of two nearby log π).
// Both with full fine-tuning (DPO) and with LoRA (IPO). Then what the engine refuses, before any folder exists.
// Needs .venv-hf with trl 1.13; never skipped: without it this fails and says how to get it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tmp } from './helpers.js';

const HF_PYTHON = process.env.MARGINLAB_HF_PYTHON ?? resolve('.venv-hf/bin/python');
const FIXTURE = resolve('test/trainer/fixtures/make_hf_model.py');
const CLI = resolve('bin/marginlab.js');
const dir = tmp('trl-engine');
let model = '';

type Pair = Record<string, number>;
interface Row { step: number; pairs: Pair[] }
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, 'train', ...args], { encoding: 'utf8', timeout: 600_000, env: { ...process.env, MARGINLAB_HF_PYTHON: HF_PYTHON } });
}

function run(engine: string, name: string, args: string[]): Row[] {
  const out = join(dir, `${name}-${engine}`);
  // --engine trl finds its Python through MARGINLAB_HF_PYTHON (no --python); marginlab's engine is given it.
  const r = cli([...args, '--model', model, '--engine', engine, '--out', out, ...(engine === 'marginlab' ? ['--python', HF_PYTHON] : [])]);
  if (r.status !== 0) throw new Error(`${engine}: ${r.stderr.slice(-2000)}`);
  return readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);
}

beforeAll(() => {
  const probe = existsSync(HF_PYTHON) ? spawnSync(HF_PYTHON, ['-c', 'import trl, peft, datasets; assert trl.__version__ == "1.13.0", trl.__version__'], { encoding: 'utf8' }) : null;
  if (!probe || probe.status !== 0) {
    throw new Error(`the TRL engine tests need trl 1.13.0, peft and datasets in ${HF_PYTHON} (MARGINLAB_HF_PYTHON overrides); ` +
      `bash scripts/test-all.sh makes .venv-hf. ${probe?.stderr ?? 'not found'}`);
  }
  model = join(dir, 'model');
  const made = spawnSync(HF_PYTHON, [FIXTURE, model], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(made.stderr);
}, 120_000);

const CASES = [
  { name: 'dpo-full', args: ['--loss', 'dpo', '--task', 'single', '--lora-rank', '0', '--steps', '4', '--batch-size', '4', '--sft-steps', '10', '--heldout-pairs', '8'] },
  { name: 'ipo-lora', args: ['--loss', 'ipo', '--task', 'short', '--lora-rank', '4', '--steps', '3', '--batch-size', '3', '--sft-steps', '10', '--heldout-pairs', '4', '--eval-every', '1'] },
];

describe('--engine trl against marginlab\'s own trainer', () => {
  for (const c of CASES) {
    it(`${c.name}: the same log-probability trajectory, weights and Gram entries`, () => {
      const ours = run('marginlab', c.name, c.args);
      const trl = run('trl', c.name, c.args);
      expect(trl.map((r) => r.step)).toEqual(ours.map((r) => r.step));
      let worst = 0;
      let worstObs = 0;
      for (const [a, b] of ours.map((r, i) => [r, trl[i]] as const)) {
        expect(b.pairs).toHaveLength(a.pairs.length);
        a.pairs.forEach((p, k) => {
          const q = b.pairs[k];
          expect([q.len_w, q.len_l]).toEqual([p.len_w, p.len_l]);
          for (const key of ['logp_w', 'logp_l', 'c_ref_w', 'c_ref_l', 'dW', 'dL', 'inner_wl', 'norm_w2', 'norm_l2']) worst = Math.max(worst, rel(p[key], q[key]));
          // The callback's observed change is the batch step's (marginlab's step_obs_dlogp_*).
          worstObs = Math.max(worstObs, rel(p.step_obs_dlogp_w, q.obs_dlogp_w), rel(p.step_obs_dlogp_l, q.obs_dlogp_l));
        });
      }
      expect(worst).toBeLessThan(1e-12);
      expect(worstObs).toBeLessThan(1e-9);
      // The trajectory moved: a test of equal numbers that never changed would prove nothing.
      expect(Math.abs(ours.at(-1)!.pairs[0].logp_w - ours.at(-1)!.pairs[0].c_ref_w)).toBeGreaterThan(1e-6);
    }, 600_000);
  }

  it('says in the run folder that TRL took the steps', () => {
    const s = JSON.parse(readFileSync(join(dir, 'dpo-full-trl', 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(JSON.stringify(s)).toMatch(/trl 1\.13\.0/);
  });
});

describe('--engine trl refuses, before any folder exists', () => {
  const REFUSED = [
    { why: 'the built-in tiny LM', args: ['--loss', 'dpo', '--model', 'tiny'], slot: '--model' },
    { why: 'a variant', args: ['--loss', 'dpo', '--model', 'gpt2-config', '--variant', 'adaptive'], slot: '--variant' },
    { why: 'ghost products', args: ['--loss', 'dpo', '--model', 'gpt2-config', '--gram', 'ghost'], slot: '--gram' },
    { why: 'a loss over ranked responses', args: ['--loss', 'plackett-luce-dpo', '--model', 'gpt2-config'], slot: '--engine' },
  ];
  for (const c of REFUSED) {
    it(c.why, () => {
      const out = join(dir, `refused-${c.slot.replace(/-/g, '')}`);
      const r = spawnSync(process.execPath, [CLI, 'train', '--task', 'single', '--engine', 'trl', '--json', '--out', out, ...c.args], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(2);
      const err = JSON.parse(r.stderr) as { errors: { code: string; at: { slot: string } }[] };
      expect(err.errors[0].code).toBe('E_UNSUPPORTED');
      expect(err.errors[0].at.slot).toBe(c.slot);
      expect(existsSync(out)).toBe(false);
    });
  }
});
