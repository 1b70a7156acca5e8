// The factorised ("ghost") per-pair inner products of ml_ghost.py equal vmap's per-example gradients: the
// per-pair Gram entries, the full Gram, the batch halves and the token matrix of Figure 4b, to 1e-6 relative in
// float64, on the built-in model (torch 1.13 and torch 2) and on GPT-2 and Llama from their transformers configs,
// each with and without LoRA. Dropping any one kind of layer's contribution breaks the equality, so the check
// can fail; the two refusals that make auto fall back to vmap are exercised; and a run measured by ghost gives
// the step events a run measured by vmap gives.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RequestSchema } from '../../src/trainer/protocol/schema.js';
import { GPU_REQUEST_PATH, gramBenchRequest } from '../bench/gram-request.js';
import { catalogueSpec, train } from './helpers.js';
import { PYTHON, TRAINER, requireTorch } from './torch.js';

const HF_PYTHON = process.env.MARGINLAB_HF_PYTHON ?? resolve('.venv-hf/bin/python');

interface ModelReport {
  pairs: number; pairs_ghost: number; pairs_explicit: number; gram: number; combine: number; token_inner: number;
  dropped: Record<string, number>; layers: string[];
}
interface Report { models: Record<string, ModelReport>; refused: Record<string, string | null>; coefficients: number }

function selftest(python: string): Report {
  const r = spawnSync(python, [TRAINER, '--selftest-ghost'], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`--selftest-ghost failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Report;
}

function expectEqualToVmap(name: string, m: ModelReport): void {
  for (const k of ['pairs', 'pairs_ghost', 'pairs_explicit', 'gram', 'combine', 'token_inner'] as const) {
    expect(m[k], `${name}: ${k}`).toBeLessThan(1e-6);
  }
  // Each kind of term matters: without it the per-pair entries are off by far more than the tolerance.
  for (const [kind, err] of Object.entries(m.dropped)) expect(err, `${name} without ${kind}`).toBeGreaterThan(1e-3);
}

describe('ghost products against vmap, torch 1.13 (functorch)', () => {
  beforeAll(requireTorch);
  it('the built-in model: every quantity within 1e-6, every kind of term needed', () => {
    const r = selftest(PYTHON);
    expect(Object.keys(r.models)).toEqual(['tiny']);
    expectEqualToVmap('tiny', r.models.tiny);
    expect(Object.keys(r.models.tiny.dropped).sort()).toEqual(['bias', 'direct', 'embedding', 'linear']);
    expect(r.coefficients).toBeLessThan(1e-12);
  }, 120_000);
});

describe('ghost products against vmap, torch 2 with transformers and peft', () => {
  let r: Report;
  beforeAll(() => {
    if (!existsSync(HF_PYTHON)) throw new Error(`needs ${HF_PYTHON} (MARGINLAB_HF_PYTHON; bash scripts/test-all.sh makes .venv-hf)`);
    r = selftest(HF_PYTHON);
  }, 300_000);

  it('covers the built-in model, GPT-2 and Llama, each with and without LoRA', () => {
    expect(Object.keys(r.models).sort()).toEqual(['gpt2-full', 'gpt2-lora', 'llama-full', 'llama-lora', 'tiny']);
    for (const [name, m] of Object.entries(r.models)) expectEqualToVmap(name, m);
  });

  it('meets each layer type where it lives: Conv1D and a tied head in GPT-2, RMSNorm in Llama, LoRA as nn.Linear', () => {
    expect(r.models['gpt2-full'].layers).toEqual(['Conv1D:conv1d', 'Embedding:embedding', 'LayerNorm:direct', 'Linear:linear']);
    expect(Object.keys(r.models['gpt2-full'].dropped).sort()).toEqual(['bias', 'conv1d', 'direct', 'embedding', 'linear', 'tied']);
    expect(r.models['llama-full'].layers).toEqual(['Embedding:embedding', 'Linear:linear', 'LlamaRMSNorm:direct']);
    expect(r.models['gpt2-lora'].layers).toEqual(['Linear:linear']);
    expect(r.models['llama-lora'].layers).toEqual(['Linear:linear']);
  });

  it('refuses a weight used outside its module and a parameter no covered module owns', () => {
    expect(r.refused['reads-head-directly']).toMatch(/^head\.weight: the hooked calls give .* \(is it also used outside its module\?\)/);
    expect(r.refused['owns-a-scale']).toMatch(/_OwnsAScale\) holds trained parameters and is neither/);
  });
});

describe('--gram in a run', () => {
  beforeAll(requireTorch);
  const rows = (p: string) => readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

  // none: the plain step and Figure 4b; adaptive: u = s_w G_w − s_l G_l (ml_variants.coefficients); masked: the
  // second backward for the whole responses.
  it.each(['none', 'adaptive', 'masked-first-diff'] as const)('variant %s: ghost and vmap give the same step events (every pair field within 1e-6)', async (variant) => {
    const settings = { task: { kind: 'long' as const }, steps: 6, tokenCosine: variant === 'none', variant };
    const [v, g] = [await train(catalogueSpec('dpo'), { ...settings, gram: 'vmap' }), await train(catalogueSpec('dpo'), { ...settings, gram: 'ghost' })];
    expect(v.error).toBeNull();
    expect(g.error).toBeNull();
    expect([v.summary.gram, g.summary.gram]).toEqual(['vmap', 'ghost']);
    const [rv, rg] = [rows(v.metricsPath), rows(g.metricsPath)];
    expect(rg).toHaveLength(6);
    let compared = 0;
    rv.forEach((row, s) => (row.pairs as Record<string, unknown>[]).forEach((p, i) => {
      const q = (rg[s].pairs as Record<string, unknown>[])[i];
      for (const [k, x] of Object.entries(p)) {
        if (typeof x !== 'number') { expect(q[k], k).toEqual(x); continue; }
        expect(Math.abs((q[k] as number) - x) / Math.max(Math.abs(x), 1e-6), `step ${s} pair ${i} ${k}`).toBeLessThan(1e-6);
        compared++;
      }
    }));
    expect(compared).toBeGreaterThan(6 * 8 * 20);
    if (variant !== 'none') return;
    const tc = (r: typeof v) => rows(r.metricsPath.replace('metrics.jsonl', 'token_cosine.jsonl'))[0].cos as number[][];
    const [cv, cg] = [tc(v).flat(), tc(g).flat()];
    expect(cv.length).toBe(100);
    cv.forEach((x, i) => expect(Math.abs(cg[i] - x), `cos[${i}]`).toBeLessThan(1e-9));
  }, 180_000);

  it('auto falls back to vmap and says why; ghost asked for on such a model is a coded error', () => {
    const code = (asked: string) => [
      'import sys, torch', `sys.path.insert(0, ${JSON.stringify(dirname(TRAINER))})`, 'import ml_run, ml_selftest',
      'm = ml_selftest._ReadsHeadDirectly(60, max_len=16).double()',
      'ids = torch.randint(3, 60, (2, 8)); mask = torch.ones_like(ids)',
      `method, plan, why = ml_run.gram_method(${JSON.stringify(asked)}, m, ids, mask)`,
      'print(method, plan is None, why)',
    ].join('\n');
    const auto = spawnSync(PYTHON, ['-c', code('auto')], { encoding: 'utf8' });
    expect(auto.status, auto.stderr).toBe(0);
    expect(auto.stdout).toMatch(/^vmap True head\.weight: the hooked calls give/);
    const ghost = spawnSync(PYTHON, ['-c', code('ghost')], { encoding: 'utf8' });
    expect(ghost.status).toBe(2);
    const err = JSON.parse(ghost.stdout.trim().split('\n').pop()!) as Record<string, string>;
    expect(err).toMatchObject({ event: 'error', code: 'E_GRAM' });
    expect(err.message).toMatch(/^--gram ghost cannot measure this model: head\.weight/);
    expect(err.hint).toMatch(/--gram vmap/);
  }, 60_000);
});

describe('the Gram benchmark (--bench-gram) at toy size', () => {
  it('times and measures every method on one model, agrees across them, and skips what passes its budget, saying so', () => {
    if (!existsSync(HF_PYTHON)) throw new Error(`needs ${HF_PYTHON}`);
    const row = { model: 'gpt2', width: 32, depth: 1, vocab: 100, pairs: 2 };
    const req = { ...gramBenchRequest(), bench_reps: 1, bench_rows: [row], bench_budget_mb: 4000 };
    const run = (r: unknown) => spawnSync(HF_PYTHON, [TRAINER, '--bench-gram'], { input: `${JSON.stringify(r)}\n`, encoding: 'utf8', maxBuffer: 16 << 20 });
    const ok = run(req);
    expect(ok.status, ok.stderr).toBe(0);
    const [r] = (JSON.parse(ok.stdout.trim().split('\n').pop()!) as { rows: Record<string, number | string>[] }).rows;
    for (const k of ['plain_s', 'ghost_s', 'vmap_s', 'loop_s', 'plain_mb', 'ghost_mb', 'vmap_mb', 'loop_mb', 'logged_ghost_s', 'logged_vmap_s',
      'token_ghost_s', 'token_vmap_s']) {
      expect(r[k], k).toBeGreaterThan(0);
    }
    // float32: the three methods' per-pair entries agree to rounding
    expect(r.vmap_max_rel_err as number).toBeLessThan(1e-4);
    expect(r.loop_max_rel_err as number).toBeLessThan(1e-4);
    expect(r.token_max_abs_err as number).toBeLessThan(1e-4);
    const tight = run({ ...req, bench_budget_mb: 0.001 });
    expect(tight.status, tight.stderr).toBe(0);
    const [t] = (JSON.parse(tight.stdout.trim().split('\n').pop()!) as { rows: Record<string, number | string>[] }).rows;
    expect(t.vmap_skipped).toMatch(/rows alone need .* MB, over the 0 MB budget/);
    expect(t.vmap_s).toBeUndefined();
    expect(t.token_vmap_skipped).toMatch(/\[T, P\] rows need/);
    expect(t.ghost_s as number).toBeGreaterThan(0);
  }, 300_000);
});

describe('the GPU check (scripts/gpu-ghost-check.sh)', () => {
  it('sends the request the bench builds today: a ≈1B Llama config, LoRA 64 and full, 8 and 16 pairs, CUDA', () => {
    const committed = JSON.parse(readFileSync(GPU_REQUEST_PATH, 'utf8')) as Record<string, unknown>;
    expect(committed).toEqual(gramBenchRequest('cuda')); // else: npx tsx test/bench/gram-request.ts
    expect(RequestSchema.safeParse(committed).success).toBe(true);
    expect(committed.bench_rows).toEqual([64, 64, 0, 0].map((lora, i) => ({ model: 'llama-1b-config', lora_rank: lora, pairs: i % 2 ? 16 : 8 })));
    expect(committed).toMatchObject({ device: 'cuda', dtype: 'float32' });
  });
});
