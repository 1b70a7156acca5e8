import type { CatalogueEntry } from './entry.js';

// DPO: ℓ = −log σ(β[(log π_w − c^w_ref) − (log π_l − c^l_ref)]).
export const dpo: CatalogueEntry = {
  id: 'dpo',
  name: 'DPO',
  inPaper: true,
  citation: { key: 'rafailov2023dpo', authors: 'Rafailov, Sharma, Mitchell, Ermon, Manning, Finn',
    title: 'Direct Preference Optimization: Your Language Model is Secretly a Reward Model', venue: 'NeurIPS', year: 2023,
    url: 'https://arxiv.org/abs/2305.18290' },
  params: { beta: { default: 0.1, description: 'KL strength β', source: 'paper appendix C.3', tex: '\\beta', range: [1e-3, 10] } },
  m: 'logsigmoid(a - beta*c_ref)',
  h_w: 'beta*a',
  h_l: 'beta*a',
  Lambda: '0',
  printed: {
    m: 'logsigmoid(a - c_ref)', h_w: 'beta*a', h_l: 'beta*a', Lambda: '0',
    discrepancies: [
      'Table 2 writes m(a) = log σ(a − c_ref) with h_w = h_l = βa, which puts the reference margin c_ref outside the β scaling; DPO scales it: m(a) = log σ(a − β·c_ref). d_w/d_l = 1 either way, but m′(u), hence d_w and d_l, differ wherever c_ref ≠ 0.',
    ],
  },
  example: 'marginlab eval dpo --at logp_w=-12,logp_l=-15,c_ref_w=-11,c_ref_l=-14',
};
