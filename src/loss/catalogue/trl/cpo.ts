// The CPO trainer's loss types (trl/experimental/cpo/cpo_trainer.py, `cpo_loss` and `concatenated_forward`,
// TRL 1.13), one pair per batch, in the form of eq. (8). Reference-free: the margin is logp_w − logp_l, or the
// per-token means for ipo and simpo; `cpo_alpha` adds the chosen NLL as TRL computes it, a per-token mean.
import type { ParamDecl } from '../../types.js';
import { type TrlEntry, TRL_VERSION, beta, labelSmoothing } from './binding.js';
import { CITE } from './citations.js';

const CPO_ALPHA: ParamDecl = { default: 1, description: 'cpo_alpha λ, the weight of the chosen NLL (a per-token mean)', source: `TRL ${TRL_VERSION} default`, tex: '\\lambda', range: [0, 10] };
const GAMMA: ParamDecl = { default: 0.5, description: 'simpo_gamma γ, the target reward margin', source: `TRL ${TRL_VERSION} default`, tex: '\\gamma', range: [0, 5] };
const ALPHA: ParamDecl = { default: 0.25, description: 'alpha α of AlphaPO\'s reward (1 − p^(−α))/α', source: 'an example value; TRL\'s default α = 0 is SimPO', tex: '\\alpha', range: [0.01, 1] };
const SMOOTH = labelSmoothing(0, [0, 0.45]);

// TRL's NLL term is nn.CrossEntropyLoss over the chosen completion tokens: −logp_w/|y_w| for one pair, however
// the margin is taken. This is where TRL differs from the paper's form (and marginlab's cpo), which adds λ·logp_w.
const NLL = 'cpo_alpha*a/len_w';
const NLL_NOTE = 'Differs from the paper\'s form (and marginlab\'s cpo): TRL\'s cpo_alpha term is the per-token mean NLL of the chosen completion, λ·(−logp_w/|y_w|); CPO\'s paper and marginlab\'s cpo add λ·(−logp_w).';
const smoothed = (u: string) => `(1 - label_smoothing)*logsigmoid(${u}) + label_smoothing*logsigmoid(-(${u}))`;

const cpoEntry = (lossType: string, e: Omit<TrlEntry, 'id' | 'inPaper' | 'example' | 'trl' | 'Lambda'> & { Lambda?: string; float32?: boolean }): TrlEntry => {
  const id = `trl/cpo:${lossType}`;
  const { float32, ...rest } = e;
  return { ...rest, id, inPaper: false, Lambda: e.Lambda ?? NLL,
    notes: [`TRL ${TRL_VERSION} CPOTrainer (trl.experimental.cpo), loss_type=${lossType}, per pair; TRL averages it over the batch.`, ...(e.notes ?? [])],
    example: `marginlab eval ${id} --at logp_w=-12,logp_l=-15,len_w=10,len_l=12`,
    trl: { trainer: 'cpo', select: { loss_type: lossType }, options: Object.keys(e.params), ...(float32 ? { float32 } : {}) } };
};

export const TRL_CPO: readonly TrlEntry[] = [
  cpoEntry('sigmoid', { name: 'TRL CPO sigmoid', citation: CITE.cpo, params: { beta: beta(), label_smoothing: SMOOTH, cpo_alpha: CPO_ALPHA },
    m: smoothed('a'), h_w: 'beta*a', h_l: 'beta*a', notes: [NLL_NOTE] }),
  cpoEntry('hinge', { name: 'TRL CPO hinge', citation: CITE.cpo, params: { beta: beta(), cpo_alpha: CPO_ALPHA },
    m: '-relu(1 - a)', h_w: 'beta*a', h_l: 'beta*a', notes: [NLL_NOTE] }),
  cpoEntry('ipo', { name: 'TRL CPO ipo', citation: CITE.ipo, params: { beta: beta(), cpo_alpha: CPO_ALPHA },
    m: '-(a - 1/(2*beta))^2', h_w: 'a/len_w', h_l: 'a/len_l',
    notes: ['Reference-free IPO on the per-token mean log-probabilities, (logp_w/|y_w| − logp_l/|y_l| − 1/(2β))².', NLL_NOTE] }),
  cpoEntry('simpo', { name: 'TRL CPO simpo', citation: CITE.simpo, params: { beta: beta('β, the reward scale (CPOConfig.beta)'), simpo_gamma: GAMMA, label_smoothing: SMOOTH, cpo_alpha: CPO_ALPHA },
    m: smoothed('a - simpo_gamma'), h_w: 'beta*a/len_w', h_l: 'beta*a/len_l',
    notes: ['SimPO as published is cpo_alpha = 0 (CPOConfig\'s default is 1, which adds CPO\'s NLL); with label_smoothing = 0 and cpo_alpha = 0 it is marginlab\'s simpo.', NLL_NOTE] }),
  cpoEntry('alphapo', { name: 'TRL CPO alphapo (AlphaPO)', citation: CITE.alphapo, params: { beta: beta('β, the reward scale (CPOConfig.beta)'), simpo_gamma: GAMMA, label_smoothing: SMOOTH, alpha: ALPHA },
    m: smoothed('a - simpo_gamma'), h_w: 'beta*(1 - exp(-alpha*a/len_w))/alpha', h_l: 'beta*(1 - exp(-alpha*a/len_l))/alpha', Lambda: '0',
    notes: ['CPOConfig turns loss_type=alphapo into simpo with cpo_alpha = 0 and scores each side by AlphaPO\'s reward (1 − p^(−α))/α, p the per-token mean probability exp(logp/|y|).'] }),
];

// ORPO (trl/experimental/orpo/orpo_trainer.py, `odds_ratio_loss`): the chosen NLL (per-token mean) minus
// β·log σ(log odds_w − log odds_l), odds from the per-token mean log-probabilities, computed in float32. TRL's
// NLL here is the cross-entropy over the prompt and the chosen completion together, so its weight on logp_w is
// 1/(prompt_tokens + |y_w|), prompt_tokens the prompt tokens it scores (|x| − 1 after the shift).
export const TRL_ORPO: readonly TrlEntry[] = [{
  id: 'trl/orpo', name: 'TRL ORPO', inPaper: false, citation: CITE.orpo,
  params: { beta: beta('β, the odds-ratio weight (λ of the ORPO paper; ORPOConfig.beta)'),
    prompt_tokens: { default: 0, description: 'the prompt tokens TRL\'s NLL scores with the chosen completion (|x| − 1); not a config option', source: 'set it to your prompt length; 0 is the paper\'s form', tex: 'n_x', range: [0, 4096] } },
  m: 'beta*logsigmoid(a)', h_w: 'a/len_w - log1mexp(a/len_w)', h_l: 'a/len_l - log1mexp(a/len_l)', Lambda: 'a/(len_w + prompt_tokens)',
  notes: [`TRL ${TRL_VERSION} ORPOTrainer (trl.experimental.orpo), per pair; TRL averages it over the batch and computes the odds ratio in float32.`,
    'Differs from the paper\'s form (and marginlab\'s orpo, which it equals with λ = β at prompt_tokens = 0): TRL\'s NLL is the per-token mean over the prompt and the chosen completion, so it weighs logp_w by 1/(prompt_tokens + |y_w|), not 1/|y_w|; the prompt\'s own log-likelihood is a further term, constant in logp_w, left out of L here.'],
  example: 'marginlab eval trl/orpo --at logp_w=-12,logp_l=-15,len_w=10,len_l=12',
  trl: { trainer: 'orpo', select: {}, options: ['beta'], float32: true },
}];
