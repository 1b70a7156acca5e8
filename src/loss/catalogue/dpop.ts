import type { CatalogueEntry } from './entry.js';

// DPOP (DPO-Positive): ℓ = −log σ(β[Δr − λ·max(0, c^w_ref − log π_w)]).
export const dpop: CatalogueEntry = {
  id: 'dpop',
  name: 'DPOP',
  inPaper: true,
  citation: { key: 'pal2024smaug', authors: 'Pal, Karkhanis, Dooley, Roberts, Naidu, White',
    title: 'Smaug: Fixing Failure Modes of Preference Optimisation with DPO-Positive', venue: 'arXiv:2402.13228', year: 2024,
    url: 'https://arxiv.org/abs/2402.13228' },
  params: {
    beta: { default: 0.1, description: 'KL strength β', source: 'paper appendix C.3 (DPO β)', tex: '\\beta', range: [1e-3, 10] },
    lambda: { default: 50, description: 'penalty weight λ', source: 'paper appendix C.3', tex: '\\lambda', range: [1e-3, 1000] },
  },
  m: 'logsigmoid(a - beta*c_ref)',
  h_w: 'beta*a - beta*lambda*max(0, c_ref_w - a)',
  h_l: 'beta*a',
  Lambda: '0',
  printed: {
    m: 'logsigmoid(a - c_ref)', h_w: 'beta*a - lambda*max(0, c_ref_w - a)', h_l: 'beta*a', Lambda: '0',
    discrepancies: [
      'The row writes log c^w_ref, but c^w_ref is already log π_ref(y_w|x) < 0, whose log is undefined; read as c^w_ref here.',
      'c_ref is not scaled by β (as in the DPO row).',
      'Pal et al. scale the penalty by β too (β·λ·max(0, ·)); the row does not, so with λ = 50 from C.3 the penalty is 1/β = 10 times stronger than in DPOP.',
    ],
  },
  example: 'marginlab eval dpop --at logp_w=-13,logp_l=-15,c_ref_w=-12',
};
