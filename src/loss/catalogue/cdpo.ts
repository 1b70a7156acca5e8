import type { CatalogueEntry } from './entry.js';

// Conservative DPO (label smoothing ε): ℓ = −(1−ε) log σ(βΔr) − ε log σ(−βΔr).
export const cdpo: CatalogueEntry = {
  id: 'cdpo',
  name: 'cDPO',
  inPaper: false,
  citation: { key: 'mitchell2023cdpo', authors: 'Mitchell', title: 'A Note on DPO with Noisy Preferences & Relationship to IPO',
    venue: 'technical note', year: 2023, url: 'https://ericmitchell.ai/cdpo.pdf' },
  params: {
    beta: { default: 0.1, description: 'KL strength β', source: 'DPO default', tex: '\\beta', range: [1e-3, 10] },
    epsilon: { default: 0.1, description: 'label-flip probability ε', source: 'TRL label_smoothing example', tex: '\\varepsilon', range: [1e-3, 0.49] },
  },
  m: '(1 - epsilon)*logsigmoid(a - beta*c_ref) + epsilon*logsigmoid(beta*c_ref - a)',
  h_w: 'beta*a',
  h_l: 'beta*a',
  Lambda: '0',
  notes: ['Once the margin passes log((1−ε)/ε), m′ < 0: cDPO then pushes the chosen down and the rejected up, by design.'],
  example: 'marginlab eval cdpo --at logp_w=-5,logp_l=-40,c_ref_w=-12,c_ref_l=-12',
};
