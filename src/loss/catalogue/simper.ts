import type { CatalogueEntry } from './entry.js';

// SimPER: inverse perplexity, ℓ = −exp(log π_w/|y_w|) + exp(log π_l/|y_l|); no hyperparameter, no reference.
// d_w = exp(log π_w/|y_w|)/|y_w| and d_l = exp(log π_l/|y_l|)/|y_l|, both positive.
export const simper: CatalogueEntry = {
  id: 'simper',
  name: 'SimPER',
  inPaper: false,
  citation: { key: 'xiao2025simper', authors: 'Xiao et al.',
    title: 'SimPER: A Minimalist Approach to Preference Alignment without Hyperparameters', venue: 'ICLR', year: 2025,
    url: 'https://arxiv.org/abs/2502.00883' },
  params: {},
  m: 'a',
  h_w: 'exp(a/len_w)',
  h_l: 'exp(a/len_l)',
  Lambda: '0',
  example: 'marginlab eval simper --at logp_w=-30,logp_l=-40,len_w=20,len_l=25',
};
