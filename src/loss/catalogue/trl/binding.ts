// A TRL catalogue entry carries the TRL options it stands for, so that a TRL config maps to it
// (loss/trl-config.ts) and the test against TRL's own code (test/trainer/trl-losses.test.ts) builds the same
// config: one description of each entry, read by both.
import type { CatalogueEntry } from '../entry.js';

export type TrlTrainer = 'dpo' | 'cpo' | 'orpo' | 'kto' | 'bco';

export interface TrlBinding {
  /** The trainer whose loss code this entry follows (DPOTrainer, KTOTrainer, trl.experimental's CPOTrainer, ORPOTrainer, BCOTrainer). */
  readonly trainer: TrlTrainer;
  /** The options that select this loss, as the trainer's config spells them. */
  readonly select: Readonly<Record<string, string>>;
  /** Which entry params are which config options: the entry's params are named as TRL names its options. */
  readonly options: readonly string[];
  /** True where TRL computes this loss in float32 whatever the model's dtype (compared at 1e-4, not 1e-6). */
  readonly float32?: boolean;
  /** A DPOTrainer loss-type list (mixture.ts): its types, whose loss_weights are the params w_1 … w_n. */
  readonly mixture?: readonly string[];
}

export type TrlEntry = CatalogueEntry & { readonly trl: TrlBinding };

/** The TRL sources these entries were read from; every entry cites the paper and names the code. */
export const TRL_VERSION = '1.13.0';

/** The params TRL's DPO, CPO, ORPO, KTO and BCO configs share, with TRL's defaults and names. */
export const beta = (description = 'β, the reward scale (DPOConfig.beta)', dflt = 0.1) =>
  ({ default: dflt, description, source: `TRL ${TRL_VERSION} default`, tex: '\\beta', range: [1e-2, 2] as const });
export const labelSmoothing = (dflt: number, range: readonly [number, number]) =>
  ({ default: dflt, description: 'label_smoothing ε, the probability that a label is flipped', source: `TRL ${TRL_VERSION} default`, tex: '\\varepsilon', range });

/** The config, as the trainer's config class takes it, that trains this entry with these param values. */
export function configFor(e: TrlEntry, params: Readonly<Record<string, number>>): Record<string, unknown> {
  const select: Record<string, unknown> = { ...e.trl.select };
  // DPOConfig.loss_type is a list: one loss type, or a mixture's types with their loss_weights (w_1 … w_n).
  if (e.trl.trainer === 'dpo') select.loss_type = e.trl.mixture ? [...e.trl.mixture] : [e.trl.select.loss_type];
  if (!e.trl.mixture) return { ...select, ...params };
  const weights = e.trl.mixture.map((_, i) => params[`w_${i + 1}`] ?? e.params[`w_${i + 1}`].default);
  const rest = Object.fromEntries(Object.entries(params).filter(([k]) => !/^w_\d+$/.test(k)));
  return { ...select, loss_weights: weights, ...rest };
}
