// The Hugging Face path of the trainer: a local model folder read by from_pretrained with its own tokenizer,
// trained through LoRA adapters (peft), measured and checked like the tiny LM; GPT-2 small built from its
// config; and the clear error when transformers is missing. Needs a Python with torch >= 2, transformers
// and peft: scripts/test-all.sh makes one in .venv-hf from the wheels this machine image carries. Never
// skipped: without it the suite fails and says how to get it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainerEvent } from '../../src/trainer/protocol/schema.js';
import { catalogueSpec, tmp, train } from './helpers.js';

const HF_PYTHON = process.env.MARGINLAB_HF_PYTHON ?? resolve('.venv-hf/bin/python');
const FIXTURE = resolve('test/trainer/fixtures/make_hf_model.py');
const PYDIR = resolve('src/trainer/python');
let folder = '';

beforeAll(() => {
  const r = existsSync(HF_PYTHON) ? spawnSync(HF_PYTHON, ['-c', 'import torch, transformers, peft'], { encoding: 'utf8' }) : null;
  if (!r || r.status !== 0) {
    throw new Error(`the Hugging Face trainer tests need torch >= 2, transformers and peft in ${HF_PYTHON} ` +
      `(MARGINLAB_HF_PYTHON overrides); bash scripts/test-all.sh makes .venv-hf. ${r?.stderr ?? 'not found'}`);
  }
  folder = join(tmp('hf-model'), 'model');
  const made = spawnSync(HF_PYTHON, [FIXTURE, folder], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(made.stderr);
}, 120_000);

describe('a Hugging Face causal LM', () => {
  it('trains a local model folder through LoRA, with its own tokenizer, and the signs agree', async () => {
    const events: TrainerEvent[] = [];
    const r = await train(catalogueSpec('dpo'), {
      task: { kind: 'long' }, steps: 6, sftSteps: 20, sftLr: 1e-2, heldoutPairs: 16, tokenCosine: true,
      model: { kind: 'hf', name_or_path: folder, lora_rank: 8 },
    }, { python: HF_PYTHON, timeoutMs: 300_000, onEvent: (e) => { events.push(e); } });
    expect(r.error).toBeNull();
    const task = events.find((e) => e.event === 'task') as Record<string, unknown>;
    // Only the adapters train: 2 layers × (64·8 + 8·192) in GPT-2's fused attention projection.
    expect(task.trained).toBe(2 * (64 * 8 + 8 * 192));
    expect(task.params as number).toBeGreaterThan(100_000);
    const s = r.summary;
    expect(s.gram).toBe('ghost'); // auto: every trained layer (LoRA's A and B) is covered
    expect(s.loggedSteps).toBe(6);
    expect(s.checksum!.firstBatchMaxRelErr).toBeLessThan(1e-6);
    expect(s.agreement!).toBeGreaterThanOrEqual(0.95);
    expect(s.heldout!.pairs).toBe(16);
    const tc = events.find((e) => e.event === 'token_cosine') as Extract<TrainerEvent, { event: 'token_cosine' }>;
    // The tokenizer's own tokens (word-level here), the sentiment word in fourth place.
    expect(tc.tokens_w.slice(0, 3)).toEqual(['it', 'has', 'a']);
    expect(tc.cos_head!.length).toBe(tc.tokens_w.length);
  }, 300_000);

  it('trains every weight of the folder\'s model with ghost products, giving the step events vmap gives', async () => {
    const run = (gram: 'vmap' | 'ghost') => train(catalogueSpec('dpo'), {
      task: { kind: 'long' }, steps: 3, sftSteps: 10, sftLr: 1e-2, heldoutPairs: 0, gram,
      model: { kind: 'hf', name_or_path: folder, lora_rank: 0 },
    }, { python: HF_PYTHON, timeoutMs: 300_000 });
    const [v, g] = [await run('vmap'), await run('ghost')];
    expect(v.error).toBeNull();
    expect(g.error).toBeNull();
    expect([v.summary.gram, g.summary.gram]).toEqual(['vmap', 'ghost']);
    const pairs = (r: typeof v) => readFileSync(r.metricsPath, 'utf8').trim().split('\n').flatMap((l) => JSON.parse(l).pairs as Record<string, number>[]);
    const [pv, pg] = [pairs(v), pairs(g)];
    expect(pg).toHaveLength(3 * 8);
    pv.forEach((p, i) => {
      for (const k of ['inner_wl', 'norm_w2', 'norm_l2', 'obs_dlogp_w', 'obs_dlogp_l', 'step_fo_dlogp_w', 'step_fo_dlogp_l']) {
        expect(Math.abs(pg[i][k] - p[k]) / Math.max(Math.abs(p[k]), 1e-6), `pair ${i} ${k}`).toBeLessThan(1e-6);
      }
    });
  }, 600_000);

  it('builds GPT-2 small from its config, with rank-64 LoRA adapters on the attention projection', () => {
    const code = [
      'import sys, torch', `sys.path.insert(0, ${JSON.stringify(PYDIR)})`, 'import ml_hf, ml_func',
      "m = ml_hf.build({'kind': 'hf', 'name_or_path': 'gpt2-config', 'lora_rank': 64}, 100, torch.float32, 'cpu')",
      'print(sum(p.numel() for p in m.parameters()), sum(p.numel() for p in ml_func.trained(m)[1]))',
    ].join('\n');
    const r = spawnSync(HF_PYTHON, ['-c', code], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [all, trained] = r.stdout.trim().split(/\s+/).map(Number);
    const lora = 12 * (768 * 64 + 64 * 2304);
    expect(trained).toBe(lora);
    expect(all).toBe(124_439_808 + lora); // GPT-2 small (tied output layer) plus the adapters
  }, 120_000);

  it('says what is missing when the Python has no transformers', async () => {
    const r = await train(catalogueSpec('dpo'), { task: { kind: 'single' }, model: { kind: 'hf', name_or_path: 'gpt2-config', lora_rank: 64 } });
    expect(r.error?.remoteCode).toBe('E_NO_TRANSFORMERS');
    expect(r.error?.message).toMatch(/transformers/);
    expect(r.error?.hint).toMatch(/venv/);
  }, 120_000);
});
