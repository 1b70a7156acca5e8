import type { CatalogueEntry } from './entry.js';

// Hinge DPO (the SLiC hinge on the DPO log-ratio margin): ℓ = relu(1 − βΔr).
export const hinge: CatalogueEntry = {
  id: 'hinge',
  name: 'Hinge (DPO margin)',
  inPaper: false,
  citation: { key: 'zhao2023slic', authors: 'Zhao, Joshi, Liu, Khalman, Saleh, Liu',
    title: 'SLiC-HF: Sequence Likelihood Calibration with Human Feedback', venue: 'arXiv:2305.10425', year: 2023,
    url: 'https://arxiv.org/abs/2305.10425' },
  params: { beta: { default: 0.1, description: 'scale β (1/β is the margin in log-ratio units)', source: 'TRL default', tex: '\\beta', range: [1e-3, 10] } },
  m: '-relu(1 - (a - beta*c_ref))',
  h_w: 'beta*a',
  h_l: 'beta*a',
  Lambda: '0',
  example: 'marginlab derive hinge',
};
