import type { CatalogueEntry } from './entry.js';

// Robust DPO: the unbiased loss under label noise ε, ((1−ε)ℓ(Δ) − ε ℓ(−Δ))/(1 − 2ε), ℓ = −log σ.
export const robustDpo: CatalogueEntry = {
  id: 'robust-dpo',
  name: 'Robust DPO',
  inPaper: false,
  citation: { key: 'chowdhury2024rdpo', authors: 'Chowdhury, Kini, Natarajan',
    title: 'Provably Robust DPO: Aligning Language Models with Noisy Feedback', venue: 'ICML', year: 2024,
    url: 'https://arxiv.org/abs/2403.00409' },
  params: {
    beta: { default: 0.1, description: 'KL strength β', source: 'DPO default', tex: '\\beta', range: [1e-3, 10] },
    epsilon: { default: 0.1, description: 'label-flip probability ε < 1/2', source: 'TRL label_smoothing example', tex: '\\varepsilon', range: [1e-3, 0.49] },
  },
  m: '((1 - epsilon)*logsigmoid(a - beta*c_ref) - epsilon*logsigmoid(beta*c_ref - a))/(1 - 2*epsilon)',
  h_w: 'beta*a',
  h_l: 'beta*a',
  Lambda: '0',
  example: 'marginlab derive robust-dpo',
};
