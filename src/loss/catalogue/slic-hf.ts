import type { CatalogueEntry } from './entry.js';

// SLiC-HF: ℓ = max(0, δ − (log π_w − log π_l)) − λ log π_w.
export const slicHf: CatalogueEntry = {
  id: 'slic-hf',
  name: 'SLiC-HF',
  inPaper: true,
  citation: { key: 'zhao2023slic', authors: 'Zhao, Joshi, Liu, Khalman, Saleh, Liu',
    title: 'SLiC-HF: Sequence Likelihood Calibration with Human Feedback', venue: 'arXiv:2305.10425', year: 2023,
    url: 'https://arxiv.org/abs/2305.10425' },
  params: {
    delta: { default: 1, description: 'hinge margin δ', source: 'paper appendix C.3', tex: '\\delta', range: [1e-3, 100] },
    lambda: { default: 1, description: 'weight λ of the chosen NLL term', source: 'paper appendix C.3', tex: '\\lambda', range: [1e-3, 100] },
  },
  m: 'min(0, a - delta)',
  h_w: 'a',
  h_l: 'a',
  Lambda: 'lambda*a',
  notes: ['SLiC-HF regularises towards a reference target sequence; as in the paper, the chosen response plays that role here.'],
  printed: { m: 'min(0, a - delta)', h_w: 'a', h_l: 'a', Lambda: 'lambda*a', discrepancies: [] },
  example: 'marginlab derive slic-hf',
};
