import type { CatalogueEntry } from './entry.js';

// R-DPO: DPO with a length term in the margin, ℓ = −log σ(β·Δr + α(|y_w| − |y_l|)).
export const rDpo: CatalogueEntry = {
  id: 'r-dpo',
  name: 'R-DPO',
  inPaper: true,
  citation: { key: 'park2024rdpo', authors: 'Park, Rafailov, Ermon, Finn',
    title: 'Disentangling Length from Quality in Direct Preference Optimization', venue: 'Findings of ACL', year: 2024,
    url: 'https://arxiv.org/abs/2403.19159' },
  params: {
    beta: { default: 0.1, description: 'KL strength β', source: 'paper appendix C.3 (DPO β)', tex: '\\beta', range: [1e-3, 10] },
    alpha: { default: 0.2, description: 'length-regularisation weight α', source: 'paper appendix C.3', tex: '\\alpha', range: [1e-3, 10] },
  },
  m: 'logsigmoid(a - beta*c_ref + alpha*(len_w - len_l))',
  h_w: 'beta*a',
  h_l: 'beta*a',
  Lambda: '0',
  printed: {
    m: 'logsigmoid(a - (c_ref + alpha*(len_w - len_l)))', h_w: 'beta*a', h_l: 'beta*a', Lambda: '0',
    discrepancies: [
      'c_ref is not scaled by β (as in the DPO row).',
      'Park et al. add +α(|y_w| − |y_l|) to the margin (the length term explains away a preference for the longer answer); the row subtracts it. Neither changes d_w/d_l = 1.',
    ],
  },
  example: 'marginlab eval r-dpo --at logp_w=-40,logp_l=-30,len_w=40,len_l=25',
};
