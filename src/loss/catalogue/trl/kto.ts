// KTOTrainer's loss types (trl/trainer/kto_trainer.py, `_compute_loss`, TRL 1.13) and the BCO trainer's loss
// (trl/experimental/bco/bco_trainer.py, `bco_loss`), for a pair: one desirable and one undesirable row of the
// same prompt in a batch. Both trainers score rows, not pairs, and take the mean over the batch's rows, so a
// pair's share is half the sum of its two rows' losses; a batch made of n such pairs has the mean of these
// per-pair forms as its loss, as for the DPO entries (rows without a partner add their own terms).
//
// Each also has a number the batch or the run supplies, which the gradient treats as a constant:
// - KTO's reference point z_0: the mean of logπ − logπ_ref over mismatched (prompt, completion) pairs of the
//   batch, detached and clamped at 0. It is marginlab's z_ref, given with the point (`--at z_ref=…`).
// - BCO's reward shift δ: the running mean of all rewards seen so far (this batch's included), detached.
//   It is a param here because no config option sets it.
import type { ParamDecl } from '../../types.js';
import { type TrlEntry, TRL_VERSION, beta } from './binding.js';
import { CITE } from './citations.js';
import { kto } from '../kto.js';

const weight = (side: 'desirable' | 'undesirable', tex: string): ParamDecl =>
  ({ default: 1, description: `${side}_weight λ_${side === 'desirable' ? 'D' : 'U'}, the weight of the ${side} row's loss`, source: `TRL ${TRL_VERSION} default`, tex, range: [0.01, 10] });
const KTO_PARAMS = { beta: beta('β, the reward scale (KTOConfig.beta)'), desirable_weight: weight('desirable', '\\lambda_D'), undesirable_weight: weight('undesirable', '\\lambda_U') };
const ROWS = 'TRL scores the two rows separately and takes the mean over the batch\'s rows: a pair\'s share is half the sum of its rows\' losses. So it is half of marginlab\'s kto (which adds the two values, as the paper does) plus a constant: TRL minimises 1 − σ where the paper maximises σ.';

const ktoEntry = (lossType: string, e: Pick<TrlEntry, 'name' | 'h_w' | 'h_l' | 'notes'> & { citation: TrlEntry['citation'] }): TrlEntry => {
  const id = `trl/kto:${lossType}`;
  return { ...e, id, inPaper: false, params: KTO_PARAMS, m: 'a', Lambda: '0',
    notes: [`TRL ${TRL_VERSION} KTOTrainer, loss_type=${lossType}, for one desirable and one undesirable row of the same prompt.`, ...(e.notes ?? [])],
    example: `marginlab eval ${id} --at logp_w=-12,logp_l=-15,c_ref_w=-12.5,c_ref_l=-14.5${lossType === 'kto' ? ',z_ref=0.1' : ''}`,
    trl: { trainer: 'kto', select: { loss_type: lossType }, options: Object.keys(KTO_PARAMS) } };
};

// L = ½[λ_D(1 − σ(β(r_w − z_ref))) + λ_U(1 − σ(β(z_ref − r_l)))] = −(h_w(logp_w) − h_l(logp_l)) with m(a) = a.
export const TRL_KTO: readonly TrlEntry[] = [
  ktoEntry('kto', { name: 'TRL KTO', citation: kto.citation,
    h_w: 'desirable_weight/2*(sigmoid(beta*(a - c_ref_w - z_ref)) - 1)',
    h_l: '-undesirable_weight/2*(sigmoid(beta*(z_ref - (a - c_ref_l))) - 1)',
    notes: ['z_ref is TRL\'s kl: the batch mean of logπ − logπ_ref over mismatched completions (each row\'s prompt with the previous row\'s completion in the batch), detached and clamped at 0 — give the value your batch had with --at z_ref=…; 0 is the default.', ROWS] }),
  ktoEntry('apo_zero_unpaired', { name: 'TRL KTO apo_zero_unpaired', citation: CITE.apo,
    h_w: 'desirable_weight/2*(sigmoid(beta*(a - c_ref_w)) - 1)',
    h_l: 'undesirable_weight/2*sigmoid(beta*(a - c_ref_l))',
    notes: ['APO-zero\'s unpaired form: the desirable row\'s loss is 1 − σ(β r_w), the undesirable row\'s σ(β r_l); no KL estimate (TRL computes none for this loss type).',
      'TRL scores the two rows separately and takes the mean over the batch\'s rows: a pair\'s share is half the sum of its rows\' losses, so with unit weights it is half of marginlab\'s apo-zero plus ½ (the paired form, TRL\'s trl/dpo:apo_zero, is σ(β r_l) − σ(β r_w) per pair).'] }),
];

// L = ½[−log σ(β r_w − δ) − log σ(−(β r_l − δ))], δ the running reward mean.
export const TRL_BCO: readonly TrlEntry[] = [{
  id: 'trl/bco', name: 'TRL BCO', inPaper: false, citation: CITE.bco,
  params: { beta: beta('β, the reward scale (BCOConfig.beta)'),
    delta: { default: 0, description: 'δ, the running mean of the rewards β·r of every row seen so far, this batch\'s included (detached); not a config option', source: 'TRL\'s running mean starts at 0', tex: '\\delta', range: [-10, 10] } },
  m: 'a', h_w: 'logsigmoid(beta*(a - c_ref_w) - delta)/2', h_l: '-logsigmoid(delta - beta*(a - c_ref_l))/2', Lambda: '0',
  notes: [`TRL ${TRL_VERSION} BCOTrainer (trl.experimental.bco), for one desirable and one undesirable row of the same prompt, without distribution matching (no embedding_func).`,
    'Differs from marginlab\'s bco by the factor ½: TRL takes the mean over the batch\'s rows, so a pair\'s share is half the sum of its rows\' losses. trl/dpo:bco_pair is the paired form DPOTrainer trains, without a reward shift δ.',
    'Distribution matching (BCOTrainer(embedding_func=…)) weighs each undesirable row by a density ratio from a classifier over the prompts\' embeddings: not a function of the pair\'s log-probabilities, so not in this entry.'],
  example: 'marginlab eval trl/bco --at logp_w=-12,logp_l=-15,c_ref_w=-12.5,c_ref_l=-14.5 --param delta=0.05',
  trl: { trainer: 'bco', select: {}, options: ['beta'] },
}];
