import type { CatalogueEntry } from './entry.js';

// SimPO: reference-free, length-normalised margin with a target margin γ.
export const simpo: CatalogueEntry = {
  id: 'simpo',
  name: 'SimPO',
  inPaper: true,
  citation: { key: 'meng2024simpo', authors: 'Meng, Xia, Chen',
    title: 'SimPO: Simple Preference Optimization with a Reference-Free Reward', venue: 'NeurIPS', year: 2024,
    url: 'https://arxiv.org/abs/2405.14734' },
  params: {
    beta: { default: 2.0, description: 'reward scale β', source: 'Meng et al. (C.3 gives no SimPO β)', tex: '\\beta', range: [1e-3, 10] },
    gamma: { default: 0.5, description: 'target reward margin γ', source: 'paper appendix C.3', tex: '\\gamma', range: [1e-3, 10] },
  },
  m: 'logsigmoid(a - gamma)',
  h_w: 'beta*a/len_w',
  h_l: 'beta*a/len_l',
  Lambda: '0',
  printed: {
    m: 'logsigmoid(a - gamma)', h_w: 'beta*a/len_w', h_l: 'beta*a/len_l', Lambda: '0',
    discrepancies: [],
  },
  example: 'marginlab derive simpo',
};
