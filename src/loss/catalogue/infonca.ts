import type { CatalogueEntry } from './entry.js';

// InfoNCA over K responses with explicit rewards (Chen et al. 2024, eq. (6)), here K = 3:
//   ℓ = −Σ_k p_k · log softmax_k(β r),  r_k = log π_k − c^k_ref,  p_k = exp(R_k/α) / Σ_j exp(R_j/α),
// the target distribution a softmax of the given rewards R_k at temperature α. The rewards are params
// (reward_1 … reward_3): per prompt they are data, so a question about one prompt sets them with --param.
export const infonca: CatalogueEntry = {
  id: 'infonca',
  name: 'InfoNCA (3 responses)',
  inPaper: false,
  citation: { key: 'chen2024nca', authors: 'Chen, He, Yuan, Cui, Su, Zhu',
    title: 'Noise Contrastive Alignment of Language Models with Explicit Rewards', venue: 'NeurIPS', year: 2024,
    url: 'https://arxiv.org/abs/2402.05369' },
  params: {
    beta: { default: 0.1, description: 'reward scale β of the policy softmax', source: 'as the catalogue’s NCA (TRL’s default for its NCA loss)', tex: '\\beta', range: [1e-3, 10] },
    alpha: { default: 1, description: 'temperature α of the target softmax over the rewards', source: 'chosen here (α = 1: the rewards as logits)', tex: '\\alpha', range: [1e-3, 1e3] },
    reward_1: { default: 8, description: 'explicit reward of response 1', source: 'an illustrative rating on a 1–10 scale; set per prompt with --param', range: [-100, 100] },
    reward_2: { default: 5, description: 'explicit reward of response 2', source: 'an illustrative rating on a 1–10 scale; set per prompt with --param', range: [-100, 100] },
    reward_3: { default: 2, description: 'explicit reward of response 3', source: 'an illustrative rating on a 1–10 scale; set per prompt with --param', range: [-100, 100] },
  },
  responses: 3,
  where: {
    r1: 'beta*(logp_1 - c_ref_1)', r2: 'beta*(logp_2 - c_ref_2)', r3: 'beta*(logp_3 - c_ref_3)',
    lse: 'log(exp(r1) + exp(r2) + exp(r3))',
    Z: 'exp(reward_1/alpha) + exp(reward_2/alpha) + exp(reward_3/alpha)',
  },
  L: '-(exp(reward_1/alpha)*(r1 - lse) + exp(reward_2/alpha)*(r2 - lse) + exp(reward_3/alpha)*(r3 - lse))/Z',
  m: '0', h_w: '0', h_l: '0', Lambda: '0',
  notes: ['The target probabilities p_k = softmax(R/α)_k come from the rewards, which are params here; with K = 2 and p = (1, 0) it is DPO.',
    'Σ_k d_k = 0 at every point (the weights of a log-softmax sum to Σ_k p_k − 1 = 0, by β): one response rises at the others’ expense.'],
  example: 'marginlab eval infonca --at logp_1=-12,logp_2=-14,logp_3=-15,c_ref_1=-13,c_ref_2=-13,c_ref_3=-14',
};
