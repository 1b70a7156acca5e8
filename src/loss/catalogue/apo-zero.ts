import type { CatalogueEntry } from './entry.js';

// APO-zero: ℓ = (1 − σ(r_w)) + σ(r_l), r = β(log π − c_ref): push the chosen up and the rejected down.
export const apoZero: CatalogueEntry = {
  id: 'apo-zero',
  name: 'APO-zero',
  inPaper: false,
  citation: { key: 'doosterlinck2024apo', authors: "D'Oosterlinck, Xu, Develder, Demeester, Singh, Potts, Kiela, Mehri",
    title: 'Anchored Preference Optimization and Contrastive Revisions: Addressing Underspecification in Alignment', venue: 'arXiv:2408.06266', year: 2024,
    url: 'https://arxiv.org/abs/2408.06266' },
  params: { beta: { default: 0.1, description: 'reward scale β', source: 'TRL default', tex: '\\beta', range: [1e-3, 10] } },
  m: 'a',
  h_w: 'sigmoid(beta*(a - c_ref_w))',
  h_l: 'sigmoid(beta*(a - c_ref_l))',
  Lambda: '0',
  example: 'marginlab derive apo-zero',
};
