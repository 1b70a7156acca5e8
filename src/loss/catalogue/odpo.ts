import type { CatalogueEntry } from './entry.js';

// ODPO: DPO with an offset, ℓ = −log σ(β(r_w − r_l) − Δ_r); Δ_r = α·log(s_w − s_l) from the two responses'
// scores is a constant of the pair, written here as the parameter δ.
export const odpo: CatalogueEntry = {
  id: 'odpo',
  name: 'ODPO',
  inPaper: false,
  citation: { key: 'amini2024odpo', authors: 'Amini, Vieira, Cotterell',
    title: 'Direct Preference Optimization with an Offset', venue: 'Findings of ACL', year: 2024,
    url: 'https://arxiv.org/abs/2402.10571' },
  params: {
    beta: { default: 0.1, description: 'KL strength β', source: 'DPO default', tex: '\\beta', range: [1e-3, 10] },
    delta: { default: 0.5, description: 'offset Δ_r of the pair (α·log of the score difference)', source: 'a value chosen for the example; it is per pair', tex: '\\delta', range: [0, 10] },
  },
  m: 'logsigmoid(a - beta*c_ref - delta)',
  h_w: 'beta*a',
  h_l: 'beta*a',
  Lambda: '0',
  example: 'marginlab eval odpo --at logp_w=-12,logp_l=-15,c_ref_w=-11,c_ref_l=-14',
};
