import type { CatalogueEntry } from './entry.js';

// BCO (paired): ℓ = −log σ(r_w − δ) − log σ(−(r_l − δ)), r = β(log π − c_ref), δ a running reward mean.
export const bco: CatalogueEntry = {
  id: 'bco',
  name: 'BCO',
  inPaper: false,
  citation: { key: 'jung2024bco', authors: 'Jung, Park, Cho, Lee, Ko, Shin, Lee, Kim',
    title: 'Binary Classifier Optimization for Large Language Model Alignment', venue: 'arXiv:2404.04656', year: 2024,
    url: 'https://arxiv.org/abs/2404.04656' },
  params: {
    beta: { default: 0.1, description: 'reward scale β', source: 'TRL default', tex: '\\beta', range: [1e-3, 10] },
    delta: { default: 0, description: 'reward shift δ (running mean of rewards, detached)', source: 'starts at 0', tex: '\\delta', range: [-10, 10] },
  },
  m: 'a',
  h_w: 'logsigmoid(beta*(a - c_ref_w) - delta)',
  h_l: '-logsigmoid(delta - beta*(a - c_ref_l))',
  Lambda: '0',
  example: 'marginlab derive bco',
};
