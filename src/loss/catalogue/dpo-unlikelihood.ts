import type { CatalogueEntry } from './entry.js';

// DPO plus an unlikelihood term on the rejected response, −λ·log(1 − π(y_l|x)) (the sequence-level form of
// unlikelihood training): a Λ_l term, d_l = βσ(·) + λ·π_l/(1 − π_l). For a long response π_l is tiny and the
// term adds almost nothing: the per-token form is what moves a model, and per-token weights are not expressible.
export const dpoUnlikelihood: CatalogueEntry = {
  id: 'dpo-unlikelihood',
  name: 'DPO + rejected unlikelihood',
  inPaper: false,
  citation: { key: 'welleck2020unlikelihood', authors: 'Welleck, Kulikov, Roller, Dinan, Cho, Weston',
    title: 'Neural Text Generation with Unlikelihood Training', venue: 'ICLR', year: 2020,
    url: 'https://arxiv.org/abs/1908.04319' },
  params: {
    beta: { default: 0.1, description: 'KL strength β', source: 'DPO default', tex: '\\beta', range: [1e-3, 10] },
    lambda: { default: 1, description: 'weight λ of the unlikelihood term', source: 'chosen here (no canonical value for the pairwise form)', tex: '\\lambda', range: [1e-3, 100] },
  },
  m: 'logsigmoid(a - beta*c_ref)',
  h_w: 'beta*a',
  h_l: 'beta*a',
  Lambda: '0',
  Lambda_l: 'lambda*log1mexp(a)',
  notes: ['log1mexp(a) = log(1 − eᵃ), defined for a < 0: the rejected response\'s log-probability.'],
  example: 'marginlab eval dpo-unlikelihood --at logp_w=-2,logp_l=-1.5,c_ref_w=-2.5,c_ref_l=-1',
};
