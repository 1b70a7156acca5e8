// Overhead of MarginlabCallback (python/marginlab_trl) on TRL 1.13's DPOTrainer and KTOTrainer: the same run — model, data, seed,
// steps — plain and with the callback bound (every = 10, pairs = 4), alternately, 5 times; time per optimiser step,
// medians; target ≤ 1.25× (issue 19). The model is a small random GPT-2 (float32, CPU). Writes
// docs/bench/trl-callback.json. Run: npm run bench:trainer (python with trl: MARGINLAB_HF_PYTHON, default .venv-hf).
// The GPU rows (GPT-2 small, a ≈1B Llama config with LoRA) are scripts/gpu-trl-callback.sh's, same Python file.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const python = process.env.MARGINLAB_HF_PYTHON ?? resolve('.venv-hf/bin/python');
const request = {
  device: 'cpu', dtype: 'float32', reps: 5,
  rows: ['dpo', 'kto'].map((trainer) => ({ name: `gpt2-small-shape-cpu${trainer === 'kto' ? '-kto' : ''}`, trainer, model: 'gpt2',
    config: { n_embd: 128, n_layer: 4, n_head: 4, n_positions: 128, vocab_size: 4096 },
    batch: 8, prompt_words: 16, completion_words: 16, steps: 40, warmup: 10, every: 10, pairs: 4 })),
};
const r = spawnSync(python, [resolve('test/bench/trl_callback_bench.py')], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 64 << 20 });
if (r.status !== 0) throw new Error(`trl_callback_bench.py failed (needs trl 1.13 in ${python}; bash scripts/test-all.sh makes .venv-hf): ${r.stderr.slice(-3000)}`);
const m = JSON.parse(r.stdout);
const result = {
  schema: 'marginlab/bench-trl-callback@1',
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, torch: m.torch, torchThreads: m.threads,
    transformers: m.transformers, trl: m.trl },
  baseline: 'the same DPOTrainer (KTOTrainer) run without the callback (same model, data, seed, steps), alternated with it',
  rows: m.rows.map((x: Record<string, unknown>) => ({ ...x, target: 1.25 })),
};
mkdirSync('docs/bench', { recursive: true });
writeFileSync(process.env.MARGINLAB_BENCH_OUT ?? 'docs/bench/trl-callback.json', `${JSON.stringify(result, null, 2)}\n`);
const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;
for (const row of m.rows) {
  console.log(`TRL ${row.trainer === 'kto' ? 'KTOTrainer' : 'DPOTrainer'} step with MarginlabCallback(every=${row.every}, pairs=${row.pairs}): ${ms(row.callback_step_s)} vs plain ${ms(row.plain_step_s)} → ${row.ratio}× (target ≤ 1.25×)`);
}
