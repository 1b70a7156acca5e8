// Building the request: the loss as generated PyTorch code and as text, the run's settings, and probe
// points at which marginlab states its own L, d_w, d_l so the trainer's code can be checked against them.

import type { Derivation } from '../symbolic/derive.js';
import { compileDerivation, completePoint, evaluateAt } from '../symbolic/point.js';
import { toText } from '../symbolic/print.js';
import { generateRankedTorch, generateTorch } from './codegen.js';
import type { RankedDerivation } from '../symbolic/ranked.js';
import type { TrainerError } from './errors.js';
import type { Result } from '../errors.js';
import type { GramMethod, ProbePoint, TrainerRequest } from './protocol/schema.js';
import { PROTOCOL_VERSION } from './protocol/version.js';

export type TaskRef = TrainerRequest['task'];

/** How a run names its task: the sentiment task's kind, or the file's path. */
export function taskLabel(t: TaskRef): string {
  return t.kind === 'file' ? t.path : t.kind;
}

export interface RunSettings {
  readonly task: TaskRef;
  readonly steps: number;
  readonly lr: number;
  readonly seed: number;
  readonly device: string;
  readonly dtype: 'float64' | 'float32';
  readonly batchSize: number;
  readonly logEvery: number;
  readonly sftSteps: number;
  readonly sftLr: number;
  readonly heartbeatS: number;
  readonly tokenCosine: boolean;
  readonly gram: GramMethod;
  readonly predict: TrainerRequest['predict'];
  readonly variant: TrainerRequest['variant'];
  readonly heldoutPairs: number;
  readonly evalEvery: number;
  readonly model: TrainerRequest['model'];
  readonly engine: Engine;
}

/** Who takes the steps: marginlab's reference trainer, or TRL's DPOTrainer with the generated loss. */
export type Engine = NonNullable<TrainerRequest['engine']>;
export const ENGINES: readonly Engine[] = ['marginlab', 'trl'];

/** LoRA rank for a Hugging Face model: the paper's r = 64 (appendix C.2); 0 trains every weight. */
export const DEFAULT_LORA_RANK = 64;

/** Every run setting's default, once; the reference trainer's own defaults (ml_request.py) are tested equal. */
export const DEFAULT_SETTINGS: Omit<RunSettings, 'task'> = {
  steps: 40, lr: 0.01, seed: 1, device: 'cpu', dtype: 'float64', batchSize: 8, logEvery: 1, sftSteps: 100, sftLr: 3e-3,
  heartbeatS: 2, tokenCosine: true, gram: 'auto', predict: 'conditions', variant: 'none', heldoutPairs: 64, evalEvery: 0,
  model: { kind: 'tiny', d_model: 32, layers: 2, heads: 2 }, engine: 'marginlab',
};

/** Probe points spread over short and long responses and both signs of the margin. */
export const PROBES: readonly ProbePoint[] = [
  { logp_w: -3.2, logp_l: -4.1, c_ref_w: -3.5, c_ref_l: -3.9, len_w: 1, len_l: 1, z_ref: 0.05 },
  { logp_w: -12.5, logp_l: -9.75, c_ref_w: -11, c_ref_l: -10.5, len_w: 9, len_l: 9, z_ref: 0.2 },
  { logp_w: -0.7, logp_l: -6.3, c_ref_w: -0.9, c_ref_l: -5.8, len_w: 5, len_l: 6, z_ref: 0 },
  { logp_w: -7.1, logp_l: -2.4, c_ref_w: -6.2, c_ref_l: -3.3, len_w: 4, len_l: 2, z_ref: 0.5 },
];

export function probeChecks(d: Derivation): TrainerRequest['checks'] {
  const c = compileDerivation(d);
  const out: TrainerRequest['checks'] = [];
  for (const point of PROBES) {
    const p = completePoint(d, point);
    if (!p.ok) continue;
    const e = evaluateAt(c, p.value);
    // A probe outside the loss's domain (or on a hinge) says nothing about the code; skip it.
    if (e.ok) out.push({ point, expected: { L: e.value.L, dW: e.value.dW, dL: e.value.dL } });
  }
  return out;
}

/** The derivation a run trains: a two-response loss's, or a loss over K ranked responses'. */
export type TrainedDerivation = Derivation | RankedDerivation;
export const isRanked = (d: TrainedDerivation): d is RankedDerivation => 'K' in d;

/** What a ranked run cannot do (ranked.ts's pairs-only features), refused before the trainer starts. */
function rankedRefusal(d: RankedDerivation, s: RunSettings): TrainerError | undefined {
  const K = d.K;
  if (s.variant !== 'none') return { code: 'E_UNSUPPORTED', message: `the variant '${s.variant}' combines a chosen and a rejected half; a loss over ${K} ranked responses trains as it is`, at: { slot: '--variant' }, hint: 'use --variant none' };
  if (s.gram === 'ghost') return { code: 'E_UNSUPPORTED', message: `--gram ghost measures a chosen and a rejected row per pair; a loss over ${K} ranked responses is measured by vmap`, at: { slot: '--gram' }, hint: 'use --gram vmap or auto' };
  if (s.task.kind === 'file') return { code: 'E_UNSUPPORTED', message: 'a task file holds pairs; a loss over ranked responses trains on the built-in tasks single, short or long', at: { slot: '--task' } };
  if (K > 3) return { code: 'E_UNSUPPORTED', message: `the built-in tasks rank at most 3 responses (positive, neutral, negative); this loss ranks ${K}`, at: { slot: '--task' } };
  return undefined;
}

/** What TRL's DPOTrainer cannot train here (ml_trl.py refuses the same in a hand-written request). */
function trlRefusal(d: TrainedDerivation, s: RunSettings): TrainerError | undefined {
  const no = (slot: string, message: string, hint?: string): TrainerError => ({ code: 'E_UNSUPPORTED', message, at: { slot }, ...(hint ? { hint } : {}) });
  if (isRanked(d)) return no('--engine', `DPOTrainer trains pairs; a loss over ${d.K} ranked responses trains with --engine marginlab`);
  if (s.model.kind !== 'hf') return no('--model', 'TRL trains a transformers model, not the built-in tiny LM', 'use --model gpt2-config or a local model folder');
  if (s.variant !== 'none') return no('--variant', `the variant '${s.variant}' edits marginlab's own step; TRL's step is the loss's gradient`, 'use --variant none');
  if (s.gram === 'ghost') return no('--gram', 'the TRL engine measures each pair by its own autograd (marginlab_trl), not by ghost products', 'use --gram auto or vmap');
  if (s.predict !== 'conditions') return no('--predict', 'the TRL engine predicts by conditions (9)/(10) only');
  return undefined;
}

export function buildRequest(d: TrainedDerivation, s: RunSettings): Result<TrainerRequest, TrainerError> {
  if (s.engine === 'trl') {
    const refused = trlRefusal(d, s);
    if (refused) return { ok: false, errors: [refused] };
  }
  let loss: TrainerRequest['loss'];
  const src = d.spec.source;
  const params = Object.fromEntries(Object.entries(src.params).map(([k, p]) => [k, p.default]));
  if (isRanked(d)) {
    const refused = rankedRefusal(d, s);
    if (refused) return { ok: false, errors: [refused] };
    const code = generateRankedTorch(d);
    if (!code.ok) return code;
    loss = { id: src.id, name: src.name, params, python: code.value.python, entry: code.value.entry, responses: d.K,
      expression: { m: '0', h_w: '0', h_l: '0', Lambda: '0', Lambda_l: '0', L: toText(d.L) } };
  } else {
    const code = generateTorch(d);
    if (!code.ok) return code;
    loss = { id: src.id, name: src.name, params, python: code.value.python, entry: code.value.entry,
      expression: { m: toText(d.spec.m), h_w: toText(d.spec.h_w), h_l: toText(d.spec.h_l), Lambda: toText(d.spec.Lambda),
        Lambda_l: toText(d.spec.Lambda_l), L: toText(d.L) } };
  }
  return { ok: true, value: {
    v: PROTOCOL_VERSION,
    type: 'request',
    task: s.task,
    loss,
    seed: s.seed, device: s.device, dtype: s.dtype, steps: s.steps, lr: s.lr, batch_size: s.batchSize, log_every: s.logEvery,
    sft_steps: s.sftSteps, sft_lr: s.sftLr, heartbeat_s: s.heartbeatS,
    model: s.model,
    measure: { gram: s.gram, token_cosine: s.tokenCosine },
    predict: s.predict,
    variant: s.variant,
    heldout_pairs: s.heldoutPairs,
    eval_every: s.evalEvery,
    // A ranked loss is checked against marginlab's d_k at every prompt of the first logged step instead (recorder.ts).
    checks: isRanked(d) ? [] : probeChecks(d),
    engine: s.engine,
  } };
}
