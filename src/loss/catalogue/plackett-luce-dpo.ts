import type { CatalogueEntry } from './entry.js';

// DPO under the Plackett–Luce model over K ranked responses (DPO paper, appendix A.3), here K = 3:
//   ℓ = −Σ_{k=1}^{K−1} log( exp(β r_k) / Σ_{j≥k} exp(β r_j) ),  r_k = log π_k − c^k_ref.
// The last factor, exp(β r_2)/(exp(β r_2) + exp(β r_3)), is σ(β(r_2 − r_3)), written as logsigmoid so it
// stays finite far from the margin.
export const plackettLuceDpo: CatalogueEntry = {
  id: 'plackett-luce-dpo',
  name: 'Plackett–Luce DPO (3 responses)',
  inPaper: false,
  citation: { key: 'rafailov2023dpo', authors: 'Rafailov, Sharma, Mitchell, Ermon, Manning, Finn',
    title: 'Direct Preference Optimization: Your Language Model is Secretly a Reward Model', venue: 'NeurIPS', year: 2023,
    url: 'https://arxiv.org/abs/2305.18290' },
  params: { beta: { default: 0.1, description: 'KL strength β', source: 'paper appendix C.3 (as DPO)', tex: '\\beta', range: [1e-3, 10] } },
  responses: 3,
  where: { r1: 'beta*(logp_1 - c_ref_1)', r2: 'beta*(logp_2 - c_ref_2)', r3: 'beta*(logp_3 - c_ref_3)' },
  L: '-(r1 - log(exp(r1) + exp(r2) + exp(r3))) - logsigmoid(r2 - r3)',
  m: '0', h_w: '0', h_l: '0', Lambda: '0',
  notes: ['Response 1 is the most preferred; the ranking 1 > 2 > 3 is a product of K − 1 softmax choices (appendix A.3). With K = 2 it is DPO.'],
  example: 'marginlab eval plackett-luce-dpo --at logp_1=-12,logp_2=-14,logp_3=-15,c_ref_1=-13,c_ref_2=-13,c_ref_3=-14',
};
