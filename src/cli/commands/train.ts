import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { derive } from '../../symbolic/derive.js';
import { runTraining } from '../../trainer/client.js';
import { formatTrainerError } from '../../trainer/errors.js';
import { GRAM_METHODS, VARIANTS, type GramMethod, type Variant } from '../../trainer/protocol/schema.js';
import { DEFAULT_LORA_RANK, DEFAULT_SETTINGS, buildRequest, type RunSettings, type TaskRef } from '../../trainer/request.js';
import { collect, finiteNumber, json, need, out, positiveInt } from '../common.js';
import { lossFromArgs } from '../load.js';

function parseTask(v: string): TaskRef {
  const alias: Record<string, 'single' | 'short' | 'long'> = { single: 'single', 'single-token': 'single', short: 'short', 'short-suffix': 'short', long: 'long', 'long-suffix': 'long' };
  if (alias[v]) return { kind: alias[v] };
  if (/\.jsonl$/i.test(v) || existsSync(v)) return { kind: 'file', path: v };
  throw new InvalidArgumentError(`--task is single, short, long or a .jsonl file of {prompt, chosen, rejected}; got '${v}'`);
}

function nonNegativeInt(name: string) {
  return (v: string): number => {
    const x = finiteNumber(name)(v);
    if (x < 0 || !Number.isInteger(x)) throw new InvalidArgumentError(`${name} must be a whole number >= 0, got '${v}'`);
    return x;
  };
}

function modelRef(name: string, loraRank: number): RunSettings['model'] {
  return name === 'tiny' ? DEFAULT_SETTINGS.model : { kind: 'hf', name_or_path: name, lora_rank: loraRank };
}

function positive(name: string) {
  return (v: string): number => {
    const x = finiteNumber(name)(v);
    if (x <= 0) throw new InvalidArgumentError(`${name} must be > 0, got '${v}'`);
    return x;
  };
}

interface TrainOptions {
  task: TaskRef; loss: string; steps: number; lr: number; seed: number; out?: string; python?: string; trainer?: string;
  json?: boolean; device: string; batchSize: number; logEvery: number; sftSteps: number; timeout: number;
  predict: 'conditions' | 'no-sign-handling' | 'flipped'; param?: string[]; tokenCosine: boolean; dtype: 'float64' | 'float32'; variant: Variant;
  heldoutPairs: number; evalEvery: number; model: string; loraRank: number; gram: GramMethod; printRequest?: boolean;
}

export function register(program: Command): void {
  program.command('train')
    .description('train a model with a loss and check conditions (9)/(10) against what happens: metrics.jsonl + summary.json')
    .requiredOption('--task <task>', 'single | short | long (section 4.2) or FILE.jsonl', parseTask)
    .requiredOption('--loss <loss>', 'catalogue id or spec file')
    .option('--param <name=value>', 'set a loss parameter (repeatable)', collect)
    .addOption(new Option('--variant <v>', 'entanglement-aware variant of the loss (docs/remedies.md)').choices([...VARIANTS]).default('none'))
    .option('--steps <n>', 'preference-optimisation steps', positiveInt('--steps'), DEFAULT_SETTINGS.steps)
    .option('--lr <x>', 'SGD learning rate (also the probe step)', positive('--lr'), DEFAULT_SETTINGS.lr)
    .option('--seed <n>', 'seed for data, init and batches', (v) => Math.trunc(finiteNumber('--seed')(v)), DEFAULT_SETTINGS.seed)
    .option('--batch-size <n>', 'pairs per step', positiveInt('--batch-size'), DEFAULT_SETTINGS.batchSize)
    .option('--log-every <n>', 'measure every n steps', positiveInt('--log-every'), DEFAULT_SETTINGS.logEvery)
    .option('--sft-steps <n>', 'supervised fine-tuning steps before preference optimisation', (v) => Math.trunc(finiteNumber('--sft-steps')(v)), DEFAULT_SETTINGS.sftSteps)
    .option('--heldout-pairs <n>', 'pairs kept out of training for the preference accuracy (0: none)', nonNegativeInt('--heldout-pairs'), DEFAULT_SETTINGS.heldoutPairs)
    .option('--eval-every <n>', 'evaluate the held-out pairs every n steps too (0: at the start and end only)', nonNegativeInt('--eval-every'), DEFAULT_SETTINGS.evalEvery)
    .option('--model <m>', "tiny (built in), gpt2-config (GPT-2 small, random weights) or a local Hugging Face model folder; the last two need transformers", 'tiny')
    .option('--lora-rank <r>', 'LoRA rank for a Hugging Face model (peft); 0 trains every weight', nonNegativeInt('--lora-rank'), DEFAULT_LORA_RANK)
    .option('--device <d>', 'cpu or cuda', DEFAULT_SETTINGS.device)
    .option('--dtype <t>', 'float64 (default; exact sign checks) or float32', DEFAULT_SETTINGS.dtype)
    .addOption(new Option('--gram <method>', "how each pair's gradient inner products are measured: vmap (per-example gradients), ghost (per-layer factorised products, memory of a plain step) or auto (ghost where every trained layer is covered)").choices([...GRAM_METHODS]).default(DEFAULT_SETTINGS.gram))
    .option('--no-token-cosine', 'skip the token-level cosine matrix (Figure 4b)')
    .option('--out <dir>', 'where metrics.jsonl and summary.json go (default runs/<loss>-<task>-<seed>)')
    .option('--python <path>', 'Python with torch for the reference trainer', '/usr/bin/python3')
    .option('--trainer <command>', 'any other trainer command speaking docs/trainer-protocol.md')
    .option('--timeout <s>', 'fail when the trainer is silent (no heartbeat) this long', positive('--timeout'), 120)
    // Breaks the trainer's prediction on purpose, for the test that must see the agreement drop.
    .addOption(new Option('--predict <mode>', 'prediction mode').choices(['conditions', 'no-sign-handling', 'flipped']).default('conditions').hideHelp())
    .option('--json', 'print summary.json')
    .option('--print-request', 'print the request line and stop (run the trainer elsewhere with it; then `marginlab ingest`)')
    .action(async (o: TrainOptions) => {
      const spec = need(await lossFromArgs(o.loss, { param: o.param }));
      const d = need(derive(spec));
      const settings: RunSettings = { ...DEFAULT_SETTINGS, task: o.task, steps: o.steps, lr: o.lr, seed: o.seed, device: o.device, dtype: o.dtype,
        batchSize: o.batchSize, logEvery: o.logEvery, sftSteps: o.sftSteps, tokenCosine: o.tokenCosine, predict: o.predict, variant: o.variant,
        heldoutPairs: o.heldoutPairs, evalEvery: o.evalEvery, model: modelRef(o.model, o.loraRank), gram: o.gram };
      if (o.printRequest) {
        const r = buildRequest(d, settings);
        if (!r.ok) { process.stderr.write(`${formatTrainerError(r.error)}\n`); process.exitCode = 2; return; }
        out(JSON.stringify(r.value));
        return;
      }
      const label = o.task.kind === 'file' ? 'file' : o.task.kind;
      const outDir = o.out ?? `runs/${spec.source.id}-${label}-${o.seed}`;
      const ac = new AbortController();
      const onSig = (): void => ac.abort();
      process.once('SIGINT', onSig);
      process.once('SIGTERM', onSig);
      let stopBar = (): void => {};
      let onRow: ((r: { step: number; logp_w: number; logp_l: number }) => void) | undefined;
      if (process.stderr.isTTY && !o.json) {
        const { SingleBar, Presets } = await import('cli-progress');
        const bar = new SingleBar({ stream: process.stderr, format: 'train [{bar}] {value}/{total} logp_w {lw} logp_l {ll}', hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
        bar.start(o.steps, 0, { lw: '', ll: '' });
        onRow = (r) => bar.update(r.step + 1, { lw: r.logp_w.toFixed(3), ll: r.logp_l.toFixed(3) });
        stopBar = () => bar.stop();
      }
      const res = await runTraining({
        derivation: d, outDir, python: o.python, trainerCommand: o.trainer, timeoutMs: o.timeout * 1000, signal: ac.signal, onRow, settings,
      });
      stopBar();
      process.removeListener('SIGINT', onSig);
      process.removeListener('SIGTERM', onSig);
      const s = res.summary;
      if (o.json) json(s);
      else {
        const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
        out(`${spec.source.name} on ${s.task}: ${s.loggedSteps} logged steps, ${s.pairsMeasured} pairs measured in ${s.seconds.toFixed(1)} s${s.gram ? ` (gram: ${s.gram}${o.gram === 'auto' ? ', by auto' : ''})` : ''}`);
        if (s.first && s.last) out(`logp_w ${s.first.logp_w?.toFixed(4)} → ${s.last.logp_w?.toFixed(4)}, logp_l ${s.first.logp_l?.toFixed(4)} → ${s.last.logp_l?.toFixed(4)}, cos_wl ${s.first.cos_wl?.toFixed(3)} → ${s.last.cos_wl?.toFixed(3)}`);
        out(`predicted vs observed signs agree: ${pct(s.agreement)} (marginlab's conditions: ${pct(s.marginlabAgreement)})`);
        out(`steps in case 1 (batch chosen up, rejected down)${s.variant === 'none' ? '' : ` with ${s.variant}`}: ${pct(s.case1Share)} first order, ${pct(s.case1ObsShare)} observed; pairs: ${pct(s.case1PairShare)}`);
        if (s.heldout) out(`held-out preference accuracy (${s.heldout.pairs} pairs, log π_w > log π_l): ${pct(s.heldout.start.pref_acc)} → ${pct(s.heldout.end.pref_acc)}; implicit-reward accuracy ${pct(s.heldout.end.reward_acc)}`);
        if (s.ches) out(`chosen fell on ${pct(s.ches.chosenDownShare)} of single-pair steps; condition (9) called ${pct(s.ches.conditionAccuracy)} of them, CHES ranks them with AUC ${s.ches.auc === null ? 'n/a' : s.ches.auc.toFixed(2)} (Spearman ${s.ches.spearman === null ? 'n/a' : s.ches.spearman.toFixed(2)})`);
        out(`wrote ${res.metricsPath} and ${res.summaryPath}`);
      }
      if (res.error) {
        process.stderr.write(`${formatTrainerError(res.error)}\n`);
        process.exitCode = res.error.code === 'E_INTERRUPTED' ? 130 : 1;
      }
    });
}
