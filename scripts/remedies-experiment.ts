// `npm run experiment:remedies`: issue 9's experiment. Trains every config × task × seed on the tiny model,
// one run at a time, through the library's runTraining; keeps each run's summary (not its metrics.jsonl) in
// docs/experiments/remedies/<config>/<task>-seed<k>.json, the aggregate (src/trainer/experiment.ts) in
// docs/experiments/remedies/results.json, and prints the Markdown table of docs/findings.md.
//
//   npx tsx scripts/remedies-experiment.ts [--steps 200] [--lr 0.05] [--sft-steps 100] [--log-every 10]
//     [--seeds 1,2,3] [--tasks single,short,long] [--configs dpo,cpo,...] [--extra] [--resume]
//     [--aggregate-only] [--timing-reps 3] [--timing-log-every 10,200] [--timing-configs dpo,...]
//     [--out docs/experiments/remedies]
//
// --aggregate-only rebuilds results.json from the run files already there, training nothing for the grid.
// Each config is paired, seed by seed, with the same loss trained as it is (a variant) or with dpo (a loss).
// --timing-reps N then times the configs again on the long task, seed 1, N times each, interleaved, once per
// --timing-log-every value (a measured step adds a per-example gradient pass), as the trainer's own wall
// seconds per step; the best of the N is the cost, since other processes only ever add time (timing.json).
//
// Runs go seed by seed, task by task, config innermost, so that load from other processes on the machine
// falls on every config alike (stepSeconds is wall time). The reference trainer's Python files are copied
// once at the start and every run uses that copy, so an edit to src/trainer/python during the grid cannot
// mix two trainers in one table; its SHA-256 is kept with every run.

import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { aggregate, EXPERIMENT_RUN_SCHEMA, EXPERIMENT_SCHEMA, type ExperimentConfig, type ExperimentRun, markdownTable,
  runMeasures, type TimingRun, timingMarkdown, timingTable } from '../src/trainer/experiment.js';
import { findEntry } from '../src/loss/catalogue/index.js';
import { checkLoss } from '../src/loss/check.js';
import { fromCatalogue } from '../src/loss/file.js';
import { mustDerive } from '../src/symbolic/derive.js';
import { runTraining } from '../src/trainer/client.js';
import { DEFAULT_PYTHON, referenceTrainerPath } from '../src/trainer/locate.js';
import { DEFAULT_SETTINGS, type RunSettings } from '../src/trainer/request.js';

const CONFIGS: readonly ExperimentConfig[] = [
  { id: 'dpo', loss: 'dpo', variant: 'none' },
  { id: 'cpo', loss: 'cpo', variant: 'none' },
  { id: 'simpo', loss: 'simpo', variant: 'none' },
  { id: 'dpo+adaptive', loss: 'dpo', variant: 'adaptive' },
  { id: 'dpo+masked-first-diff', loss: 'dpo', variant: 'masked-first-diff' },
  { id: 'dpo+masked-diff-only', loss: 'dpo', variant: 'masked-diff-only' },
  { id: 'dpo+projected', loss: 'dpo', variant: 'projected' },
];
const EXTRA: readonly ExperimentConfig[] = [
  { id: 'cpo+adaptive', loss: 'cpo', variant: 'adaptive' },
  { id: 'simpo+adaptive', loss: 'simpo', variant: 'adaptive' },
];

const { values: a } = parseArgs({
  options: {
    steps: { type: 'string', default: '200' }, lr: { type: 'string', default: '0.05' }, 'sft-steps': { type: 'string', default: '100' },
    'log-every': { type: 'string', default: '10' }, 'batch-size': { type: 'string', default: '8' }, 'heldout-pairs': { type: 'string', default: '64' },
    seeds: { type: 'string', default: '1,2,3' }, tasks: { type: 'string', default: 'single,short,long' }, configs: { type: 'string' },
    'timing-reps': { type: 'string', default: '0' }, 'timing-log-every': { type: 'string', default: '10,200' }, 'timing-configs': { type: 'string' },
    extra: { type: 'boolean', default: false }, resume: { type: 'boolean', default: false }, 'aggregate-only': { type: 'boolean', default: false },
    out: { type: 'string', default: join(import.meta.dirname, '..', 'docs', 'experiments', 'remedies') },
    python: { type: 'string' },
  },
});

const int = (name: string, v: string): number => {
  const x = Number(v);
  if (!Number.isInteger(x) || x < 0) throw new Error(`--${name} must be a whole number >= 0, got '${v}'`);
  return x;
};
const known = [...CONFIGS, ...EXTRA];
const pick = (list: string) => list.split(',').map((id) => known.find((c) => c.id === id)
  ?? (() => { throw new Error(`unknown config '${id}'; known: ${known.map((c) => c.id).join(', ')}`); })());
const configs = a.configs ? pick(a.configs) : [...CONFIGS, ...(a.extra ? EXTRA : [])];
const tasks = a.tasks.split(',') as ('single' | 'short' | 'long')[];
for (const t of tasks) if (!['single', 'short', 'long'].includes(t)) throw new Error(`unknown task '${t}'`);
const seeds = a.seeds.split(',').map((s) => int('seeds', s));
const lr = Number(a.lr);
if (!(lr > 0)) throw new Error(`--lr must be > 0, got '${a.lr}'`);
const settings = { steps: int('steps', a.steps), lr, sftSteps: int('sft-steps', a['sft-steps']), logEvery: int('log-every', a['log-every']),
  batchSize: int('batch-size', a['batch-size']), heldoutPairs: int('heldout-pairs', a['heldout-pairs']), evalEvery: 0, tokenCosine: false };
const command = `marginlab train --task TASK --loss LOSS --variant VARIANT --seed SEED --steps ${settings.steps} --lr ${settings.lr} `
  + `--sft-steps ${settings.sftSteps} --log-every ${settings.logEvery} --batch-size ${settings.batchSize} --heldout-pairs ${settings.heldoutPairs} --no-token-cosine`;

const runPath = (config: string, task: string, seed: number) => join(a.out, config, `${task}-seed${seed}.json`);

/** The reference trainer, copied: its folder in tmp and one hash over its .py files (sorted by name). */
function snapshotTrainer(): { dir: string; sha256: string } {
  const src = dirname(referenceTrainerPath());
  const dir = mkdtempSync(join(tmpdir(), 'marginlab-trainer-'));
  const h = createHash('sha256');
  for (const f of readdirSync(src).filter((n) => n.endsWith('.py')).sort()) {
    cpSync(join(src, f), join(dir, f));
    h.update(`${f}\0`).update(readFileSync(join(dir, f))).update('\0');
  }
  return { dir, sha256: h.digest('hex') };
}

interface RunFile extends ExperimentRun {
  readonly schema: string;
  /** SHA-256 of the trainer's .py files the run used (snapshotTrainer). */
  readonly trainerSha256: string;
  readonly loss: string;
  readonly variant: string;
  readonly settings: typeof settings;
  /** The 1-minute load average when the run started: how busy the machine was (stepSeconds is wall time). */
  readonly load1: number;
  readonly summary: ExperimentRun['summary'] & Record<string, unknown>;
}

const sameSettings = (f: RunFile) => JSON.stringify(f.settings) === JSON.stringify(settings);

async function trainOne(c: ExperimentConfig, task: (typeof tasks)[number], seed: number,
  logEvery = settings.logEvery): Promise<RunFile> {
  const spec = checkLoss(fromCatalogue(findEntry(c.loss)!));
  if (!spec.ok) throw new Error(`catalogue loss ${c.loss} does not check`);
  const dir = mkdtempSync(join(tmpdir(), 'marginlab-remedies-'));
  const load1 = loadavg()[0];
  try {
    const run: RunSettings = { ...DEFAULT_SETTINGS, ...settings, logEvery, task: { kind: task }, seed, variant: c.variant };
    const trainerCommand = `'${a.python ?? DEFAULT_PYTHON}' -u '${join(trainer.dir, 'marginlab_trainer.py')}'`;
    const r = await runTraining({ derivation: mustDerive(spec.value), settings: run, outDir: dir, trainerCommand, timeoutMs: 300_000 });
    return { schema: EXPERIMENT_RUN_SCHEMA, trainerSha256: trainer.sha256, config: c.id, loss: c.loss, variant: c.variant, task, seed, settings, load1: +load1.toFixed(2),
      summary: r.summary as unknown as RunFile['summary'] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const trainer = snapshotTrainer();
process.on('exit', () => rmSync(trainer.dir, { recursive: true, force: true }));
const runs: RunFile[] = [];
const total = seeds.length * tasks.length * configs.length;
let k = 0;
for (const seed of seeds) {
  for (const task of tasks) {
    for (const c of configs) {
      k++;
      const path = runPath(c.id, task, seed);
      if (a['aggregate-only'] || a.resume) {
        if (existsSync(path)) {
          const f = JSON.parse(readFileSync(path, 'utf8')) as RunFile;
          if (a['aggregate-only'] || (sameSettings(f) && f.trainerSha256 === trainer.sha256)) { runs.push(f); continue; }
        }
        if (a['aggregate-only']) { process.stderr.write(`missing: ${path}\n`); continue; }
      }
      const t0 = Date.now();
      const f = await trainOne(c, task, seed);
      mkdirSync(join(a.out, c.id), { recursive: true });
      writeFileSync(path, `${JSON.stringify(f, null, 2)}\n`);
      runs.push(f);
      const m = runMeasures(f.summary);
      const x = (v: number | null, d = 3) => (v === null ? 'n/a' : v.toFixed(d));
      process.stderr.write(`[${k}/${total}] ${c.id} ${task} seed ${seed}: ${f.summary.status}, Δlogπ_w ${x(m.dLogpW)}, Δlogπ_l ${x(m.dLogpL)}, `
        + `margin ${x(m.rewardMargin)}, acc ${x(m.prefAccStart, 2)} → ${x(m.prefAccEnd, 2)}, ${x(m.stepSeconds === null ? null : 1000 * m.stepSeconds, 1)} ms/step `
        + `(${((Date.now() - t0) / 1000).toFixed(1)} s, load ${f.load1})\n`);
    }
  }
}

const ids = configs.map((c) => c.id);
// A variant is paired with its loss trained as it is; a loss as it is, with dpo.
const references = Object.fromEntries(configs.map((c) => [c.id,
  c.variant === 'none' ? 'dpo' : configs.find((x) => x.loss === c.loss && x.variant === 'none')?.id ?? 'dpo']));
const { cells, cost } = aggregate(runs, ids, tasks, 'dpo', references);
const otherSettings = [...new Set(runs.filter((r) => !sameSettings(r)).map((r) => `${r.config}/${r.task}-seed${r.seed}`))];
if (otherSettings.length) process.stderr.write(`warning: ${otherSettings.length} run(s) were made with other settings: ${otherSettings.join(', ')}\n`);
const trainers = [...new Set(runs.map((r) => r.trainerSha256))];
if (trainers.length > 1) process.stderr.write(`warning: the runs used ${trainers.length} different trainers (SHA-256 ${trainers.map((t) => t.slice(0, 12)).join(', ')})\n`);
mkdirSync(a.out, { recursive: true });
writeFileSync(join(a.out, 'results.json'), `${JSON.stringify({
  schema: EXPERIMENT_SCHEMA, command, settings, seeds, tasks, configs, baseline: 'dpo', references, trainerSha256: trainers,
  note: 'Δ = held-out mean log π (whole responses) at the end minus after SFT; sd is the sample sd over seeds; stepSeconds is the '
    + 'trainer\'s wall time per preference-optimisation step, logged steps included, on a shared CPU.',
  cells, cost,
}, null, 2)}\n`);
process.stdout.write(`${markdownTable(cells)}\n\nCost per step in the grid, all tasks pooled (mean; ratio to dpo):\n`);
for (const c of cost) process.stdout.write(`  ${c.config}: ${c.stepSeconds.mean === null ? 'n/a' : (1000 * c.stepSeconds.mean).toFixed(1)} ms (${c.ratio === null ? 'n/a' : c.ratio.toFixed(2)}×, n = ${c.stepSeconds.n})\n`);

const reps = int('timing-reps', a['timing-reps']);
const timingPath = join(a.out, 'timing.json');
if (reps > 0) {
  const everies = a['timing-log-every'].split(',').map((v) => int('timing-log-every', v));
  const timedConfigs = a['timing-configs'] ? pick(a['timing-configs']) : configs;
  const timed: (TimingRun & { load1: number })[] = [];
  const n = reps * everies.length * timedConfigs.length;
  for (let rep = 1; rep <= reps; rep++) {
    for (const logEvery of everies) {
      for (const c of timedConfigs) {
        const f = await trainOne(c, 'long', 1, logEvery);
        const sec = f.summary.status === 'ok' ? f.summary.stepSeconds : null;
        timed.push({ config: c.id, logEvery, rep, stepSeconds: sec, load1: f.load1 });
        process.stderr.write(`[timing ${timed.length}/${n}] ${c.id} log-every ${logEvery} rep ${rep}: `
          + `${sec === null ? 'n/a' : (1000 * sec).toFixed(1)} ms/step (load ${f.load1})\n`);
      }
    }
  }
  writeFileSync(timingPath, `${JSON.stringify({ schema: `${EXPERIMENT_SCHEMA}#timing`, task: 'long', seed: 1, settings,
    trainerSha256: trainer.sha256, rows: timingTable(timed, timedConfigs.map((c) => c.id), 'dpo'), runs: timed }, null, 2)}\n`);
}
if (existsSync(timingPath)) {
  const t = JSON.parse(readFileSync(timingPath, 'utf8')) as { rows: Parameters<typeof timingMarkdown>[0]; trainerSha256: string };
  if (!trainers.includes(t.trainerSha256)) process.stderr.write('warning: timing.json was made with another trainer than the grid\n');
  process.stdout.write(`\nCost per step, long task, seed 1 (timing.json):\n\n${timingMarkdown(t.rows)}\n`);
}
