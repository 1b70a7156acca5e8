import type { CatalogueEntry } from './entry.js';

// RRHF (pairwise): ranking hinge on length-normalised log-probabilities plus the chosen NLL.
export const rrhf: CatalogueEntry = {
  id: 'rrhf',
  name: 'RRHF',
  inPaper: true,
  citation: { key: 'yuan2023rrhf', authors: 'Yuan, Yuan, Tan, Wang, Huang, Huang',
    title: 'RRHF: Rank Responses to Align Language Models with Human Feedback', venue: 'NeurIPS', year: 2023,
    url: 'https://arxiv.org/abs/2304.05302' },
  params: { lambda: { default: 1, description: 'weight λ of the chosen NLL term', source: 'paper appendix C.3', tex: '\\lambda', range: [1e-3, 100] } },
  m: 'min(0, a)',
  h_w: 'a/len_w',
  h_l: 'a/len_l',
  Lambda: 'lambda*a',
  notes: ['RRHF ranks k responses; the pairwise case is shown. The hinge splits the loss into two regimes at equal length-normalised log-probabilities.'],
  printed: { m: 'min(0, a)', h_w: 'a/len_w', h_l: 'a/len_l', Lambda: 'lambda*a', discrepancies: [] },
  example: 'marginlab derive rrhf',
};
