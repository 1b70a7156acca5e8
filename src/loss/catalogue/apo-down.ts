import type { CatalogueEntry } from './entry.js';

// APO-down: ℓ = σ(r_w) + (1 − σ(r_w − r_l)): push the chosen down, and the rejected down more.
export const apoDown: CatalogueEntry = {
  id: 'apo-down',
  name: 'APO-down',
  inPaper: false,
  citation: { key: 'doosterlinck2024apo', authors: "D'Oosterlinck, Xu, Develder, Demeester, Singh, Potts, Kiela, Mehri",
    title: 'Anchored Preference Optimization and Contrastive Revisions: Addressing Underspecification in Alignment', venue: 'arXiv:2408.06266', year: 2024,
    url: 'https://arxiv.org/abs/2408.06266' },
  params: { beta: { default: 0.1, description: 'reward scale β', source: 'TRL default', tex: '\\beta', range: [1e-3, 10] } },
  m: 'sigmoid(a - beta*c_ref)',
  h_w: 'beta*a',
  h_l: 'beta*a',
  Lambda: '-sigmoid(beta*(a - c_ref_w))',
  notes: ['Λ′ < 0 here: a regulariser that lowers the chosen log-probability, against the paper\'s "Λ′ ≥ 0" reading of section 3.2.'],
  example: 'marginlab eval apo-down --at logp_w=-12,logp_l=-15',
};
