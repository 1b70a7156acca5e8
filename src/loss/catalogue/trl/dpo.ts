// DPOTrainer's loss types (trl/trainer/dpo_trainer.py, `_compute_loss`, TRL 1.13), one pair per batch, in the
// form of eq. (8). TRL scores each side by its f-divergence (`f_divergence_type`) of r = logp − c_ref and
// compares the scores; the loss types built on that difference take every divergence, the others only
// reverse_kl, as TRL itself enforces. Where TRL's code differs from the paper, the entry says how.
import type { ParamDecl } from '../../types.js';
import { type TrlEntry, TRL_VERSION, beta, labelSmoothing } from './binding.js';
import { CITE } from './citations.js';

export const DIVERGENCES = ['reverse_kl', 'forward_kl', 'js_divergence', 'alpha_divergence'] as const;
export type Divergence = (typeof DIVERGENCES)[number];

/** TRL's score of r = a − c_ref (f′ of the divergence at t = π/π_ref). */
function score(f: Divergence, side: 'w' | 'l'): string {
  const r = `(a - c_ref_${side})`;
  switch (f) {
    case 'reverse_kl': return r;
    case 'forward_kl': return `(1 - exp(-${r}))`;
    case 'js_divergence': return `(log(2) + logsigmoid${r})`;
    case 'alpha_divergence': return `((exp((f_alpha_divergence_coef - 1)*${r}) - 1)/(f_alpha_divergence_coef - 1))`;
  }
}

const DIVERGENCE_NOTE: Readonly<Record<Divergence, string | null>> = {
  reverse_kl: null,
  forward_kl: 'f_divergence_type=forward_kl: each side scores 1 − exp(−r) in place of r (f′(t) = 1 − 1/t).',
  js_divergence: 'f_divergence_type=js_divergence: each side scores log 2 + log σ(r) in place of r (f′(t) = log(2t/(t+1))).',
  alpha_divergence: 'f_divergence_type=alpha_divergence: each side scores (exp((α−1)r) − 1)/(α − 1). TRL computes it in float32 and clamps (α−1)r at 80; α = 1 is reverse_kl (TRL falls back to it within 1e-6), so this entry\'s α stays below 1.',
};

const ALPHA: ParamDecl = { default: 0.5, description: 'f_alpha_divergence_coef α of the α-divergence', source: `TRL ${TRL_VERSION} default`, tex: '\\alpha', range: [0.05, 0.95] };
const TAU: ParamDecl = { default: 0.05, description: 'discopop_tau τ, the temperature of the mixing coefficient', source: `TRL ${TRL_VERSION} default`, tex: '\\tau', range: [0.01, 1] };

interface DpoLoss {
  readonly name: string;
  readonly cite: string;
  /** m(u), in TRL's own terms: the per-pair loss is −m(h_w − h_l) − Λ. */
  readonly m: string;
  /** How each side enters: from its score s (f-divergence losses) or from r directly (the others). */
  readonly h: (s: string, side: 'w' | 'l') => string;
  readonly Lambda?: string;
  readonly params?: Readonly<Record<string, ParamDecl>>;
  readonly usesBeta?: boolean;
  /** Takes every f-divergence (TRL's `f_divergence_loss_types`). */
  readonly divergences: boolean;
  /** TRL computes part of it in float32 whatever the dtype (exo_pair's ε is a float32 tensor). */
  readonly float32?: boolean;
  readonly notes: readonly string[];
}

const scaled = (s: string) => `beta*${s}`;
const perToken = (s: string, side: 'w' | 'l') => `${s}/len_${side}`;

const LOSSES: Readonly<Record<string, DpoLoss>> = {
  sigmoid: { name: 'sigmoid (DPO)', cite: 'dpo', m: 'logsigmoid(a)', h: scaled, divergences: true,
    notes: ['Identical to dpo under reverse_kl.'] },
  hinge: { name: 'hinge (SLiC)', cite: 'hinge', m: '-relu(1 - a)', h: scaled, divergences: true,
    notes: ['TRL\'s hinge is relu(1 − β·Δ) on the reference-corrected margin; SLiC-HF\'s hinge has no reference term.'] },
  ipo: { name: 'ipo', cite: 'ipo', m: '-(a - 1/(2*beta))^2', h: perToken, divergences: true,
    notes: ['Differs from the paper\'s form (and from marginlab\'s ipo): TRL divides each side\'s log-ratio by its completion length (the number of completion tokens), (r_w/|y_w| − r_l/|y_l| − 1/(2β))²; Azar et al. square the summed margin.'] },
  exo_pair: { name: 'exo_pair (EXO)', cite: 'exo', h: scaled, divergences: true,
    m: '-(sigmoid(a)*(logsigmoid(a) - log(1 - label_smoothing)) + sigmoid(-a)*(logsigmoid(-a) - log(label_smoothing)))',
    params: { label_smoothing: labelSmoothing(1e-3, [1e-3, 0.4]) }, float32: true,
    notes: ['KL(q‖p) over the pair with q = (σ(βΔ), σ(−βΔ)) and p = (1 − ε, ε); TRL refuses ε = 0 (its default), so the default here is the 1e-3 the EXO paper recommends.', 'TRL makes ε a float32 tensor, so log(1 − ε) and log ε are float32 values even in a float64 run.'] },
  nca_pair: { name: 'nca_pair (NCA)', cite: 'nca', m: 'a', divergences: false,
    h: (_s, side) => side === 'w' ? 'logsigmoid(beta*(a - c_ref_w)) + 0.5*logsigmoid(-beta*(a - c_ref_w))' : '-0.5*logsigmoid(-beta*(a - c_ref_l))',
    notes: ['Identical to nca.'] },
  robust: { name: 'robust (robust DPO)', cite: 'robust', h: scaled, divergences: true,
    m: '((1 - label_smoothing)*logsigmoid(a) - label_smoothing*logsigmoid(-a))/(1 - 2*label_smoothing)',
    params: { label_smoothing: labelSmoothing(0, [0, 0.45]) },
    notes: ['Identical to robust-dpo under reverse_kl (label_smoothing is its ε).'] },
  bco_pair: { name: 'bco_pair (BCO, paired)', cite: 'bco', m: 'a', divergences: false,
    h: (_s, side) => side === 'w' ? 'logsigmoid(beta*(a - c_ref_w))' : '-logsigmoid(-beta*(a - c_ref_l))',
    notes: ['Differs from bco: DPOTrainer\'s bco_pair has no reward shift δ (BCO\'s running mean of rewards); it is bco with δ = 0.'] },
  sppo_hard: { name: 'sppo_hard (SPPO, hard labels)', cite: 'sppo', m: 'a', divergences: false,
    h: (_s, side) => side === 'w' ? '-(a - c_ref_w - 0.5/beta)^2' : '(a - c_ref_l + 0.5/beta)^2',
    notes: ['Differs from marginlab\'s sppo: TRL targets r_w = +0.5/β and r_l = −0.5/β, (r_w − 0.5/β)² + (r_l + 0.5/β)², where sppo (after Wu et al.) targets ±1/β; the same loss as sppo with β doubled.'] },
  aot: { name: 'aot (AOT, one pair)', cite: 'aot', divergences: false,
    m: '(1 - label_smoothing)*logsigmoid(a) + label_smoothing*logsigmoid(-a)', h: (_s, side) => `beta*(a - c_ref_${side})`,
    params: { label_smoothing: labelSmoothing(0, [0, 0.45]) },
    notes: ['AOT sorts the margins of the batch before pairing them; with one pair per batch the sort is the identity and aot (and aot_unpaired) is DPO with label smoothing, the form here. With more pairs a pair\'s loss depends on the others: no per-pair form, and --trl-config refuses it.'] },
  apo_zero: { name: 'apo_zero (APO-zero)', cite: 'apo', m: 'a - 1', divergences: false, h: (_s, side) => `sigmoid(beta*(a - c_ref_${side}))`,
    notes: ['Identical to apo-zero up to TRL\'s constant 1: L = 1 − σ(βr_w) + σ(βr_l).'] },
  apo_down: { name: 'apo_down (APO-down)', cite: 'apo', m: 'sigmoid(a) - 1', divergences: false, h: (_s, side) => `beta*(a - c_ref_${side})`,
    Lambda: '-sigmoid(beta*(a - c_ref_w))',
    notes: ['Identical to apo-down up to TRL\'s constant 1: L = σ(βr_w) + 1 − σ(β(r_w − r_l)).'] },
  discopop: { name: 'discopop (DiscoPOP)', cite: 'discopop', h: scaled, divergences: true,
    m: '-(-logsigmoid(a)*(1 - sigmoid(a/discopop_tau)) + exp(-a)*sigmoid(a/discopop_tau))',
    params: { discopop_tau: TAU },
    notes: ['The log-ratio-modulated loss, eq. (5) of Lu et al.: logistic and exponential parts mixed by σ(βΔ/τ).'] },
  sigmoid_norm: { name: 'sigmoid_norm (length-normalised DPO)', cite: 'dpo', m: 'logsigmoid(a)', h: (s, side) => `beta*${s}/len_${side}`, divergences: true,
    notes: ['DPO on each side\'s log-ratio divided by its completion length, −log σ(β(r_w/|y_w| − r_l/|y_l|)).'] },
  sft: { name: 'sft (chosen NLL)', cite: 'dpo', m: '0', h: () => 'a', Lambda: 'a/len_w', divergences: true, usesBeta: false,
    notes: ['TRL\'s sft term is the cross-entropy of the chosen completions pooled over the batch (total NLL over total tokens); with one pair per batch that is −logp_w/|y_w|, the form here. With more pairs a pair\'s weight depends on the others\' lengths, and --trl-config refuses it. It ignores f_divergence_type.'] },
};

export const DPO_LOSS_TYPES = Object.keys(LOSSES);

function entry(lossType: string, f: Divergence): TrlEntry {
  const l = LOSSES[lossType];
  const params: Record<string, ParamDecl> = { ...(l.usesBeta === false ? {} : { beta: beta() }), ...(l.params ?? {}), ...(f === 'alpha_divergence' ? { f_alpha_divergence_coef: ALPHA } : {}) };
  const id = f === 'reverse_kl' ? `trl/dpo:${lossType}` : `trl/dpo:${lossType}@${f}`;
  const divNote = DIVERGENCE_NOTE[f];
  return {
    id,
    name: `TRL DPO ${l.name}${f === 'reverse_kl' ? '' : `, ${f}`}`,
    inPaper: false,
    citation: f === 'reverse_kl' ? CITE[l.cite] : CITE.fdpo,
    params,
    m: l.m,
    h_w: l.h(score(f, 'w'), 'w'),
    h_l: l.h(score(f, 'l'), 'l'),
    Lambda: l.Lambda ?? '0',
    notes: [`TRL ${TRL_VERSION} DPOTrainer, loss_type=${lossType}${f === 'reverse_kl' ? '' : `, f_divergence_type=${f}`} (trl/trainer/dpo_trainer.py), per pair; TRL averages it over the batch.`,
      ...l.notes, ...(divNote ? [divNote] : [])],
    example: `marginlab eval ${id} --at logp_w=-12,logp_l=-15,c_ref_w=-11,c_ref_l=-14,len_w=10,len_l=12`,
    trl: { trainer: 'dpo', select: { loss_type: lossType, f_divergence_type: f }, options: Object.keys(params), ...(f === 'alpha_divergence' || l.float32 ? { float32: true } : {}) },
  };
}

/** Every DPOTrainer loss type under reverse_kl, then the f-divergence ones under each other divergence. */
export const TRL_DPO: readonly TrlEntry[] = [
  ...DPO_LOSS_TYPES.map((t) => entry(t, 'reverse_kl')),
  ...DIVERGENCES.slice(1).flatMap((f) => DPO_LOSS_TYPES.filter((t) => LOSSES[t].divergences && t !== 'sft').map((t) => entry(t, f))),
];

/** The entry DPOTrainer trains for one loss type under one divergence (sft ignores the divergence). */
export function dpoEntryFor(lossType: string, f: Divergence): TrlEntry | undefined {
  const l = LOSSES[lossType];
  if (!l) return undefined;
  return TRL_DPO.find((e) => e.id === entry(lossType, l.divergences && lossType !== 'sft' ? f : 'reverse_kl').id);
}

/** The loss types TRL lets take a divergence other than reverse_kl. */
export const takesDivergence = (lossType: string): boolean => LOSSES[lossType]?.divergences ?? false;
