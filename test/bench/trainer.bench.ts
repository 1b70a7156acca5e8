// Benchmark of the reference trainer's measurements, one run, same model and machine (issue 7):
// per-example gradient Gram for 32 pairs (vmap vs the batch-1 two-backward loop, target ≥ 3×), the token
// cosine matrix of a 32-token pair (vjp + vmap vs one backward per token, target ≥ 5× full model), and the
// cost of a training step when measuring every 10 steps (target ≤ 1.25× a plain step), by the run's --gram (auto:
// ghost on this model) and by vmap; the token matrix by ghost products too. The Gram at GPT-2 scale is
// trainer-gram.bench.ts's.
// Writes docs/bench/trainer.json. Run: npm run bench:trainer (python with torch: MARGINLAB_PYTHON).
// A run made on another machine (`marginlab_trainer.py --bench < request > out` there, e.g. on a GPU box):
// MARGINLAB_BENCH_FROM=out MARGINLAB_BENCH_MACHINE='…' MARGINLAB_BENCH_OUT=docs/bench/x.json formats it alike.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { findEntry } from '../../src/loss/catalogue/index.js';
import { checkLoss } from '../../src/loss/check.js';
import { fromCatalogue } from '../../src/loss/file.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { referenceTrainerPath } from '../../src/trainer/locate.js';
import { DEFAULT_SETTINGS, buildRequest } from '../../src/trainer/request.js';

const python = process.env.MARGINLAB_PYTHON ?? '/usr/bin/python3';
const spec = checkLoss(fromCatalogue(findEntry('dpo')!));
if (!spec.ok) throw new Error('dpo');
const req = buildRequest(mustDerive(spec.value), { ...DEFAULT_SETTINGS, task: { kind: 'long' }, sftSteps: 20, batchSize: 8 });
if (!req.ok) throw new Error(req.errors[0].message);
const input = `${JSON.stringify({ ...req.value, bench_reps: 3, bench_steps: 40, bench_gpt2_head: true, bench_gpt2_tokens: 8 })}\n`;
const from = process.env.MARGINLAB_BENCH_FROM;
const stdout = from ? readFileSync(from, 'utf8') : (() => {
  const r = spawnSync(python, [referenceTrainerPath(), '--bench'], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`the trainer's --bench failed: ${r.stderr}`);
  return r.stdout;
})();
const m = JSON.parse(stdout.trim().split('\n').pop()!);

const ratio = (slow: number, fast: number) => Math.round((slow / fast) * 100) / 100;
// End to end (each method does its own forward pass) and given the forward pass, when the bench measured it.
const headRow = (h: Record<string, number>) => ({ ...h, speedup: ratio(h.loop_s, h.closed_s),
  ...(h.closed_given_forward_s ? { speedupGivenForward: ratio(h.loop_given_forward_s, h.closed_given_forward_s) } : {}), target: 50 });
const result = {
  schema: 'marginlab/bench-trainer@1',
  date: new Date().toISOString(),
  machine: from ? { description: process.env.MARGINLAB_BENCH_MACHINE ?? 'another machine', torch: m.torch, torchThreads: m.threads }
    : { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, torch: m.torch, torchThreads: m.threads },
  model: { kind: 'tiny', params: m.params, dtype: m.dtype },
  perExample: { ...m.per_example, speedup: ratio(m.per_example.loop_s, m.per_example.vmap_s), target: 3 },
  tokenCosine: { ...m.token_cosine, speedup: ratio(m.token_cosine.loop_s, m.token_cosine.vmap_s), target: 5,
    ...(m.token_cosine.ghost_s ? { ghostSpeedup: ratio(m.token_cosine.loop_s, m.token_cosine.ghost_s), ghostVsVmap: ratio(m.token_cosine.vmap_s, m.token_cosine.ghost_s) } : {}) },
  headCosine: headRow(m.head_cosine),
  ...(m.head_cosine_gpt2 ? { headCosineGpt2: headRow(m.head_cosine_gpt2) } : {}),
  logging: { ...m.logging, gram: m.gram ?? 'vmap', ratio: ratio(m.logging.logged_step_s, m.logging.plain_step_s), target: 1.25 },
  ...(m.logging_vmap ? { loggingVmap: { ...m.logging_vmap, gram: 'vmap', ratio: ratio(m.logging_vmap.logged_step_s, m.logging_vmap.plain_step_s), target: 1.25 } } : {}),
};
mkdirSync('docs/bench', { recursive: true });
writeFileSync(process.env.MARGINLAB_BENCH_OUT ?? 'docs/bench/trainer.json', `${JSON.stringify(result, null, 2)}\n`);
const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;
console.log(`per-example Gram, 32 pairs: vmap ${ms(result.perExample.vmap_s)}, loop ${ms(result.perExample.loop_s)} → ${result.perExample.speedup}× (target ≥ 3×), max rel err ${result.perExample.max_rel_err.toExponential(1)}`);
console.log(`token cosine, 32 tokens: vjp+vmap ${ms(result.tokenCosine.vmap_s)}, loop ${ms(result.tokenCosine.loop_s)} → ${result.tokenCosine.speedup}× (target ≥ 5×), max abs err ${result.tokenCosine.max_abs_err.toExponential(1)}`);
if ('ghostSpeedup' in result.tokenCosine) console.log(`token cosine by ghost products: ${ms(result.tokenCosine.ghost_s)} → ${result.tokenCosine.ghostSpeedup}× the loop, ${result.tokenCosine.ghostVsVmap}× vjp+vmap, max abs err ${result.tokenCosine.ghost_max_abs_err.toExponential(1)}`);
console.log(`output-layer token cosine, ${result.headCosine.tokens} tokens (V ${result.headCosine.vocab}, d ${result.headCosine.d}): closed form ${ms(result.headCosine.closed_s)}, loop ${ms(result.headCosine.loop_s)} → ${result.headCosine.speedup}× end to end${'speedupGivenForward' in result.headCosine ? `, ${result.headCosine.speedupGivenForward}× given the forward pass` : ''} (target ≥ 50×)`);
if (result.headCosineGpt2) console.log(`output-layer token cosine, GPT-2-sized (V ${result.headCosineGpt2.vocab}, d ${result.headCosineGpt2.d}, ${result.headCosineGpt2.tokens} tokens): closed form ${ms(result.headCosineGpt2.closed_s)}, loop ${ms(result.headCosineGpt2.loop_s)} → ${result.headCosineGpt2.speedup}× end to end${'speedupGivenForward' in result.headCosineGpt2 ? `, ${result.headCosineGpt2.speedupGivenForward}× given the forward pass` : ''}`);
console.log(`step measuring every 10 (${result.logging.gram}): ${ms(result.logging.logged_step_s)} vs plain ${ms(result.logging.plain_step_s)} → ${result.logging.ratio}× (target ≤ 1.25×)`);
if (result.loggingVmap) console.log(`step measuring every 10 (vmap): ${ms(result.loggingVmap.logged_step_s)} vs plain ${ms(result.loggingVmap.plain_step_s)} → ${result.loggingVmap.ratio}×`);
