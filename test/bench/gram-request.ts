// The requests of the Gram benchmark (`marginlab_trainer.py --bench-gram`): this machine's (GPT-2-config models
// growing in width and depth, CPU) and the lent GPU's (a ≈1B Llama-config model, LoRA r = 64 and full, 8 and 16
// pairs, CUDA), both DPO on the long-suffix task in float32 with no SFT. scripts/gpu-ghost-check.sh sends the
// committed copy of the GPU one (test/bench/gpu-ghost.request.json), which a test keeps equal to this.
import { findEntry } from '../../src/loss/catalogue/index.js';
import { checkLoss } from '../../src/loss/check.js';
import { fromCatalogue } from '../../src/loss/file.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { DEFAULT_SETTINGS, buildRequest } from '../../src/trainer/request.js';

export const GPU_REQUEST_PATH = 'test/bench/gpu-ghost.request.json';

export function gramBenchRequest(device: 'cpu' | 'cuda' = 'cpu'): Record<string, unknown> {
  const spec = checkLoss(fromCatalogue(findEntry('dpo')!));
  if (!spec.ok) throw new Error('dpo');
  // 64 pairs: batches are drawn from them, and every pair's reference log π is one forward at setup.
  const req = buildRequest(mustDerive(spec.value), { ...DEFAULT_SETTINGS, task: { kind: 'long', pairs: 64 }, sftSteps: 0, heldoutPairs: 0,
    batchSize: 8, dtype: 'float32', device, tokenCosine: false });
  if (!req.ok) throw new Error(req.errors.map((e) => e.message).join('; '));
  // One torch thread on the CPU: the bench judges the process's CPU time, which with two threads on shared cores
  // counts OpenMP's spin-waiting for a descheduled sibling as work (ml_bench_gram.timed).
  if (device === 'cpu') return { ...req.value, threads: 1, bench_reps: 5, bench_budget_mb: 4000 };
  const llama = (lora: number, pairs: number) => ({ model: 'llama-1b-config', lora_rank: lora, pairs });
  return { ...req.value, bench_reps: 3, bench_budget_mb: 110_000,
    bench_rows: [llama(64, 8), llama(64, 16), llama(0, 8), llama(0, 16)] };
}

// `npx tsx test/bench/gram-request.ts` rewrites the committed GPU request.
if (process.argv[1]?.endsWith('gram-request.ts')) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(GPU_REQUEST_PATH, `${JSON.stringify(gramBenchRequest('cuda'))}\n`);
  console.log(`wrote ${GPU_REQUEST_PATH}`);
}
