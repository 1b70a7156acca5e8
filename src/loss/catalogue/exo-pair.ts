import type { CatalogueEntry } from './entry.js';

// EXO (pairwise): the reverse KL between the model's and the label's preference distributions over the pair,
// with z = β(log-ratio margin): ℓ = σ(z)(log σ(z) − log(1 − ε)) + σ(−z)(log σ(−z) − log ε). Past its target
// z* = log((1 − ε)/ε) the weights change sign, by design.
export const exoPair: CatalogueEntry = {
  id: 'exo-pair',
  name: 'EXO-pair',
  inPaper: false,
  citation: { key: 'ji2024exo', authors: 'Ji et al.',
    title: 'Towards Efficient Exact Optimization of Language Model Alignment', venue: 'ICML', year: 2024,
    url: 'https://arxiv.org/abs/2402.00856' },
  params: {
    beta: { default: 0.1, description: 'KL strength β', source: 'DPO default', tex: '\\beta', range: [1e-3, 10] },
    eps: { default: 1e-3, description: 'label smoothing ε of the target distribution', source: 'TRL exo_pair default', tex: '\\varepsilon', range: [1e-6, 0.49] },
  },
  m: '-(sigmoid(beta*(a - c_ref))*(logsigmoid(beta*(a - c_ref)) - log(1 - eps)) + sigmoid(-beta*(a - c_ref))*(logsigmoid(-beta*(a - c_ref)) - log(eps)))',
  h_w: 'a',
  h_l: 'a',
  Lambda: '0',
  example: 'marginlab eval exo-pair --at logp_w=-12,logp_l=-15,c_ref_w=-13,c_ref_l=-14',
};
