import type { CatalogueEntry } from './entry.js';

// IPO: ℓ = (Δr − 1/(2β))², minimised; so m(a) = −(a − (c_ref + 1/(2β)))².
export const ipo: CatalogueEntry = {
  id: 'ipo',
  name: 'IPO',
  inPaper: true,
  citation: { key: 'azar2024ipo', authors: 'Azar, Guo, Piot, Munos, Rowland, Valko, Calandriello',
    title: 'A General Theoretical Paradigm to Understand Learning from Human Preferences', venue: 'AISTATS', year: 2024,
    url: 'https://arxiv.org/abs/2310.12036' },
  params: { beta: { default: 0.1, description: 'regularisation τ (written β in the paper)', source: 'TRL default (C.3 gives no IPO value)', tex: '\\beta', range: [1e-3, 10] } },
  m: '-(a - (c_ref + 1/(2*beta)))^2',
  h_w: 'a',
  h_l: 'a',
  Lambda: '0',
  notes: ['Footnote 4 of the paper: IPO is often run on length-averaged log-probabilities; this entry uses the sums, as Azar et al. define it.'],
  printed: {
    m: '(a - (c_ref + 1/(2*beta)))^2', h_w: 'a', h_l: 'a', Lambda: '0',
    discrepancies: [
      'Sign: with ℓ = −m (eq. 8), the printed m(a) = +(a − (c_ref + 1/(2β)))² makes gradient descent maximise the squared distance to the target margin. IPO minimises it: m(a) = −(a − (c_ref + 1/(2β)))². The printed row has d_w < 0 whenever the margin is below its target.',
    ],
  },
  example: 'marginlab eval ipo --at logp_w=-12,logp_l=-15',
};
