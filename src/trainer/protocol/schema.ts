// The trainer protocol's data types, as zod schemas (docs/trainer-protocol.md is their prose twin). One
// request line goes to the trainer's stdin; event lines come back on its stdout. Events are strict about
// the fields marginlab reads and let others through, so a trainer may add measurements of its own.

import { z } from 'zod';
import { PROTOCOL_VERSION } from './version.js';

const num = z.number(); // JSON has no NaN; a trainer writing NaN is caught by the JSON parser first.
const v = z.literal(PROTOCOL_VERSION);

export const TaskSchema = z.union([
  z.object({ kind: z.enum(['single', 'short', 'long']), pairs: z.number().int().positive().optional() }),
  z.object({ kind: z.literal('file'), path: z.string().min(1) }),
]);

/** The loss: generated PyTorch code (what the trainer runs) and the expressions it was printed from. */
export const LossPayloadSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** eq. (8)'s slots and the assembled L, as marginlab text (for trainers that evaluate text; Λ_l is optional so
   * that requests from before it existed still parse). */
  expression: z.object({ m: z.string(), h_w: z.string(), h_l: z.string(), Lambda: z.string(), Lambda_l: z.string().optional(), L: z.string() }),
  params: z.record(z.string(), num),
  python: z.string(),
  entry: z.string(),
  /** A loss over K ranked responses: the code is then `loss_fn(logp, c_ref, length, params)` over [N, K] tensors
   * (codegen.ts) and the trainer answers with ranked_step events. Absent for a two-response loss. */
  responses: z.number().int().min(2).max(8).optional(),
});

/** Entanglement-aware variants of the loss (docs/remedies.md); 'none' trains the loss as it is. */
export const VARIANTS = ['none', 'adaptive', 'masked-first-diff', 'masked-diff-only', 'projected'] as const;
export type Variant = (typeof VARIANTS)[number];

/** How a logged step measures each pair's Gram entries: per-example gradients by vmap, factorised per-layer
 * ("ghost") products from one forward and one backward, or auto (ghost where it covers every trained layer). */
export const GRAM_METHODS = ['vmap', 'ghost', 'auto'] as const;
export type GramMethod = (typeof GRAM_METHODS)[number];

export const PointSchema = z.object({
  logp_w: num, logp_l: num, c_ref_w: num, c_ref_l: num, len_w: num, len_l: num, z_ref: num,
});

/** The built-in tiny LM, or a Hugging Face causal LM (a local path, or a config name such as 'gpt2-config'
 * for GPT-2 small with random weights) with LoRA adapters of rank lora_rank (0: train every weight). */
export const ModelSchema = z.union([
  z.object({ kind: z.literal('tiny'), d_model: z.number().int().positive(), layers: z.number().int().positive(), heads: z.number().int().positive() }),
  z.object({ kind: z.literal('hf'), name_or_path: z.string().min(1), lora_rank: z.number().int().nonnegative() }),
]);

export const RequestSchema = z.object({
  v,
  type: z.literal('request'),
  task: TaskSchema,
  loss: LossPayloadSchema,
  seed: z.number().int(),
  device: z.string(),
  dtype: z.enum(['float64', 'float32']),
  steps: z.number().int().positive(),
  lr: z.number().positive(),
  batch_size: z.number().int().positive(),
  log_every: z.number().int().positive(),
  sft_steps: z.number().int().nonnegative(),
  sft_lr: z.number().positive(),
  heartbeat_s: z.number().positive(),
  model: ModelSchema,
  // A boolean `gram` is a request from before the methods existed (always measured, by vmap).
  measure: z.object({ gram: z.union([z.enum(GRAM_METHODS), z.boolean()]), token_cosine: z.boolean() }),
  /** 'conditions' is the real prediction; the other two break it on purpose (tests). */
  predict: z.enum(['conditions', 'no-sign-handling', 'flipped']),
  variant: z.enum(VARIANTS),
  /** Pairs kept out of training for the preference accuracy (an `eval` event at the start, every eval_every
   * steps when > 0, and at the end). */
  heldout_pairs: z.number().int().nonnegative(),
  eval_every: z.number().int().nonnegative(),
  /** Probe points with marginlab's expected values; the trainer answers with a `check` event. */
  checks: z.array(z.object({ point: PointSchema, expected: z.object({ L: num, dW: num, dL: num }) })),
  /** Who takes the preference-optimisation steps: the reference trainer's own loop, or TRL's DPOTrainer with the
   * generated loss (ml_trl.py). Absent: marginlab. */
  engine: z.enum(['marginlab', 'trl']).optional(),
});

export const PairMetricsSchema = PointSchema.extend({
  dW: num, dL: num, inner_wl: num, norm_w2: num, norm_l2: num, cos_wl: num,
  pred_dlogp_w_sign: z.union([z.literal(-1), z.literal(0), z.literal(1)]),
  pred_dlogp_l_sign: z.union([z.literal(-1), z.literal(0), z.literal(1)]),
  fo_dlogp_w: num, fo_dlogp_l: num, obs_dlogp_w: num, obs_dlogp_l: num,
  // The whole responses' log π and their change under the batch step actually taken (after any variant):
  // first order lr⟨∇log π, u⟩ and observed. Optional: a trainer of an earlier build may not send them.
  full_logp_w: num.optional(), full_logp_l: num.optional(),
  step_fo_dlogp_w: num.optional(), step_fo_dlogp_l: num.optional(),
  step_obs_dlogp_w: num.optional(), step_obs_dlogp_l: num.optional(),
  // The CHES score of Razin et al. (2024) from the last hidden states, and its length-normalised form.
  ches: num.optional(), ches_ln: num.optional(),
}).loose();

export const RankedPromptSchema = z.object({
  logp: z.array(num), c_ref: z.array(num), len: z.array(num), d: z.array(num), gram_matrix: z.array(z.array(num)),
  pred_sign: z.array(z.union([z.literal(-1), z.literal(0), z.literal(1)])), fo: z.array(num), obs: z.array(num),
}).loose();

const ev = <T extends string, S extends z.ZodRawShape>(event: T, shape: S) =>
  z.object({ v, event: z.literal(event), ...shape }).loose();

export const EventSchema = z.discriminatedUnion('event', [
  ev('hello', { protocol: z.number(), trainer: z.string() }),
  ev('task', { pairs: z.number(), vocab: z.number(), seq_len: z.number(), params: z.number() }),
  ev('sft', { step: z.number().int(), loss: num }),
  ev('check', { results: z.array(z.object({ L: num, dW: num, dL: num })) }),
  ev('step', { step: z.number().int(), loss: num, pairs: z.array(PairMetricsSchema).min(1),
    obs_batch_dlogp_w: num.optional(), obs_batch_dlogp_l: num.optional(),
    variant: z.string().optional(), scale_w: num.optional(), scale_l: num.optional(), proj_coef: num.optional(),
    batch_inner_wl: num.optional(), batch_norm_w2: num.optional(), batch_norm_l2: num.optional(),
    // The step as a whole: the d-weighted batch log π of the whole responses, first order and observed.
    step_fo_dlogp_w: num.optional(), step_fo_dlogp_l: num.optional(),
    step_obs_dlogp_w: num.optional(), step_obs_dlogp_l: num.optional(),
    // The method that measured the Gram entries (auto resolved).
    gram: z.enum(['vmap', 'ghost']).optional() }),
  // A logged step of a loss over K ranked responses, per prompt: log π_k, c_ref_k, |y_k|, the weights d_k, the
  // K×K Gram matrix of ∇log π_k, the predicted sign and first-order change η(G·d)_k of a step on that prompt
  // alone, and the change that step made; obs_batch is the batch step's observed mean change per response.
  ev('ranked_step', { step: z.number().int(), loss: num, responses: z.number().int().min(2).max(8), prompts: z.array(RankedPromptSchema).min(1),
    obs_batch: z.array(num).optional(), gram: z.enum(['vmap', 'ghost']).optional() }),
  ev('token_cosine', { step: z.number().int(), tokens_w: z.array(z.string()), tokens_l: z.array(z.string()), cos: z.array(z.array(num)),
    // The output layer's own cosine matrix, in closed form (no per-token gradient).
    cos_head: z.array(z.array(num)).optional() }),
  ev('eval', { step: z.number().int(), pairs: z.number().int(), pref_acc: num, reward_acc: num, logp_w: num, logp_l: num, reward_margin: num }),
  ev('heartbeat', { t: num }),
  ev('done', { seconds: num, po_seconds: num.optional(), steps: z.number().int().optional() }),
  ev('error', { code: z.string(), message: z.string(), hint: z.string().optional() }),
]);

export type TrainerRequest = z.infer<typeof RequestSchema>;
export type TrainerEvent = z.infer<typeof EventSchema>;
export type StepEvent = Extract<TrainerEvent, { event: 'step' }>;
export type RankedStepEvent = Extract<TrainerEvent, { event: 'ranked_step' }>;
export type RankedPrompt = z.infer<typeof RankedPromptSchema>;
export type EvalEvent = Extract<TrainerEvent, { event: 'eval' }>;
export type PairMetrics = z.infer<typeof PairMetricsSchema>;
export type ProbePoint = z.infer<typeof PointSchema>;
