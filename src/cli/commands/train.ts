import type { Command } from 'commander';
import { Option } from 'commander';
import { derive } from '../../symbolic/derive.js';
import { deriveRanked } from '../../symbolic/ranked.js';
import { runTraining } from '../../trainer/client.js';
import { exitCodeFor } from '../../trainer/errors.js';
import { prepareRunFolder } from '../../trainer/run-folder.js';
import { writeErrors } from '../errors.js';
import { GRAM_METHODS, VARIANTS, type GramMethod, type Variant } from '../../trainer/protocol/schema.js';
import { DEFAULT_LORA_RANK, DEFAULT_SETTINGS, ENGINES, buildRequest, type Engine, type RunSettings, type TaskRef } from '../../trainer/request.js';
import { hfPython } from '../../trainer/locate.js';
import { runSummaryText } from '../../report/run-summary.js';
import { fileId } from '../../report/table/html-page.js';
import { progressBar } from '../progress.js';
import { json, need, out } from '../common.js';
import { finiteNumber, lossOptions, nonNegativeInt, parseTask, positive, positiveInt } from '../options.js';
import { type LossOptions, lossFromArgs } from '../load.js';

function modelRef(name: string, loraRank: number): RunSettings['model'] {
  return name === 'tiny' ? DEFAULT_SETTINGS.model : { kind: 'hf', name_or_path: name, lora_rank: loraRank };
}

interface TrainOptions extends LossOptions {
  task: TaskRef; steps: number; lr: number; seed: number; out?: string; python?: string; trainer?: string;
  json?: boolean; device: string; batchSize: number; logEvery: number; sftSteps: number; timeout: number;
  predict: 'conditions' | 'no-sign-handling' | 'flipped'; tokenCosine: boolean; dtype: 'float64' | 'float32'; variant: Variant;
  heldoutPairs: number; evalEvery: number; model: string; loraRank: number; gram: GramMethod; printRequest?: boolean; force?: boolean; engine: Engine;
}

export function register(program: Command): void {
  lossOptions(program.command('train'))
    .requiredOption('--task <task>', 'single | short | long (section 4.2) or FILE.jsonl', parseTask)
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
    .option('--out <dir>', 'where metrics.jsonl and summary.json go (default runs/<loss>-<task>-<seed>); it must be new or empty')
    .option('--force', 'replace a non-empty --out folder as a whole, once the new run completes (a failed run leaves it as it was)')
    .addOption(new Option('--engine <e>', "who takes the steps: marginlab (its reference trainer) or trl (TRL's DPOTrainer with this loss generated into it; a Hugging Face --model, measured by marginlab_trl's callback)").choices([...ENGINES]).default(DEFAULT_SETTINGS.engine))
    .option('--python <path>', 'Python with torch for the reference trainer (default /usr/bin/python3; with --engine trl, $MARGINLAB_HF_PYTHON or the repository\'s .venv-hf)')
    .option('--trainer <command>', 'any other trainer command speaking docs/trainer-protocol.md')
    .option('--timeout <s>', 'fail when the trainer is silent (no heartbeat) this long', positive('--timeout'), 120)
    // Breaks the trainer's prediction on purpose, for the test that must see the agreement drop.
    .addOption(new Option('--predict <mode>', 'prediction mode').choices(['conditions', 'no-sign-handling', 'flipped']).default('conditions').hideHelp())
    .option('--json', 'print summary.json')
    .option('--print-request', 'print the request line and stop (run the trainer elsewhere with it; then `marginlab ingest`)')
    .action(async (o: TrainOptions) => {
      const spec = need(await lossFromArgs(undefined, o));
      // A loss over K ranked responses trains with its own weights d_1 … d_K (symbolic/ranked.ts).
      const d = spec.ranked ? need(deriveRanked(spec)) : need(derive(spec));
      const settings: RunSettings = { ...DEFAULT_SETTINGS, task: o.task, steps: o.steps, lr: o.lr, seed: o.seed, device: o.device, dtype: o.dtype,
        batchSize: o.batchSize, logEvery: o.logEvery, sftSteps: o.sftSteps, tokenCosine: o.tokenCosine, predict: o.predict, variant: o.variant,
        heldoutPairs: o.heldoutPairs, evalEvery: o.evalEvery, model: modelRef(o.model, o.loraRank), gram: o.gram, engine: o.engine };
      // What a ranked loss or the TRL engine cannot train with (a variant, ghost products, …) is refused before any folder exists.
      if (o.printRequest || spec.ranked || o.engine === 'trl') {
        const r = buildRequest(d, settings);
        if (!r.ok) { writeErrors(r.errors, { json: !!o.json, exitCode: 2, trainer: true }); process.exitCode = 2; return; }
        if (o.printRequest) { out(JSON.stringify(r.value)); return; }
      }
      const label = o.task.kind === 'file' ? 'file' : o.task.kind;
      // A TRL id (trl/dpo:ipo) names no folder: the run folder takes the id's file-safe form, as derivation pages do.
      const outDir = o.out ?? `runs/${fileId(spec.source.id)}-${label}-${o.seed}`;
      // The destination is checked before the trainer starts: a non-empty folder is refused unless --force.
      const folder = need(prepareRunFolder(outDir, { force: o.force }));
      for (const note of spec.source.outside ?? []) process.stderr.write(`note: ${note.name} = ${note.value} is outside its domain (${note.domain}); --outside-domain\n`);
      const ac = new AbortController();
      const onSig = (): void => ac.abort();
      process.once('SIGINT', onSig);
      process.once('SIGTERM', onSig);
      const bar = await progressBar('train [{bar}] {value}/{total} logp_w {lw} logp_l {ll}', { json: o.json });
      const onRow = (r: { step: number; logp_w: number; logp_l: number }) => bar.update(r.step + 1, o.steps, { lw: r.logp_w.toFixed(3), ll: r.logp_l.toFixed(3) });
      const res = await runTraining({
        derivation: d, outDir, folder, python: o.python ?? (o.engine === 'trl' ? hfPython() : undefined), trainerCommand: o.trainer, timeoutMs: o.timeout * 1000, signal: ac.signal, onRow, settings,
      });
      bar.stop();
      process.removeListener('SIGINT', onSig);
      process.removeListener('SIGTERM', onSig);
      if (o.json) json(res.summary); else out(runSummaryText(spec.source.name, res.summary, res, o.gram));
      if (res.error) {
        writeErrors([res.error], { json: !!o.json, exitCode: exitCodeFor(res.error), trainer: true });
        process.exitCode = exitCodeFor(res.error);
      }
    });
}
