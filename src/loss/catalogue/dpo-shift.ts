import type { CatalogueEntry } from './entry.js';

// DPO-Shift: DPO with the rejected log-ratio scaled by λ ≤ 1, ℓ = −log σ(βr_w − λβr_l), which shifts the
// chosen log-probability up at some cost in margin. d_w/d_l = 1/λ exactly.
export const dpoShift: CatalogueEntry = {
  id: 'dpo-shift',
  name: 'DPO-Shift',
  inPaper: false,
  citation: { key: 'yang2025dposhift', authors: 'Yang et al.',
    title: 'DPO-Shift: Shifting the Distribution of Direct Preference Optimization', venue: 'arXiv:2502.07599', year: 2025,
    url: 'https://arxiv.org/abs/2502.07599' },
  params: {
    beta: { default: 0.1, description: 'KL strength β', source: 'DPO default', tex: '\\beta', range: [1e-3, 10] },
    lambda: { default: 0.75, description: 'scale λ = f(λ) of the rejected log-ratio', source: 'a fixed f(λ) inside the range the authors use', tex: '\\lambda', range: [0.5, 1] },
  },
  m: 'logsigmoid(a)',
  h_w: 'beta*(a - c_ref_w)',
  h_l: 'lambda*beta*(a - c_ref_l)',
  Lambda: '0',
  example: 'marginlab derive dpo-shift',
};
