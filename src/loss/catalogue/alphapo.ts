import type { CatalogueEntry } from './entry.js';

// AlphaPO: SimPO with the reward reshaped by α, r = (β/α)(1 − π^(−α/|y|)) = (β/α)(1 − exp(−α·log π/|y|));
// ℓ = −log σ(r_w − r_l − γ). α → 0 gives SimPO's β·log π/|y|.
export const alphapo: CatalogueEntry = {
  id: 'alphapo',
  name: 'AlphaPO',
  inPaper: false,
  citation: { key: 'gupta2025alphapo', authors: 'Gupta et al.',
    title: 'AlphaPO: Reward Shape Matters for LLM Alignment', venue: 'arXiv:2501.03884', year: 2025,
    url: 'https://arxiv.org/abs/2501.03884' },
  params: {
    beta: { default: 2.5, description: 'reward scale β', source: 'SimPO-range value chosen for the example', tex: '\\beta', range: [1e-2, 10] },
    gamma: { default: 0.5, description: 'target margin γ', source: 'SimPO default', tex: '\\gamma', range: [0, 5] },
    alpha: { default: 0.25, description: 'reward shape α (α → 0: SimPO)', source: 'a value chosen for the example; the authors tune α per model', tex: '\\alpha', range: [1e-2, 1] },
  },
  m: 'logsigmoid(a - gamma)',
  h_w: 'beta*(1 - exp(-alpha*a/len_w))/alpha',
  h_l: 'beta*(1 - exp(-alpha*a/len_l))/alpha',
  Lambda: '0',
  example: 'marginlab eval alphapo --at logp_w=-30,logp_l=-40,len_w=20,len_l=25',
};
