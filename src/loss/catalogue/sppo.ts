import type { CatalogueEntry } from './entry.js';

// SPPO (hard labels): ℓ = (r_w − β⁻¹)² + (r_l + β⁻¹)², r = log π − c_ref, β⁻¹ = η/2.
export const sppo: CatalogueEntry = {
  id: 'sppo',
  name: 'SPPO',
  inPaper: true,
  citation: { key: 'wu2024sppo', authors: 'Wu, Sun, Yuan, Ji, Yang, Gu',
    title: 'Self-Play Preference Optimization for Language Model Alignment', venue: 'arXiv:2405.00675', year: 2024,
    url: 'https://arxiv.org/abs/2405.00675' },
  params: {
    beta: { default: 0.002, description: 'β with β⁻¹ = η/2, "a large constant"', source: 'Wu et al. use η = 10³, so β⁻¹ = 500', tex: '\\beta', range: [1e-4, 10] },
  },
  m: 'a',
  h_w: '-(a - c_ref_w - 1/beta)^2',
  h_l: '(a - c_ref_l + 1/beta)^2',
  Lambda: '0',
  notes: ['Appendix A.1 analyses SPPO on log π itself (as if c_ref = 0); set c_ref_w = c_ref_l = 0 to recover it.'],
  printed: {
    m: 'a', h_w: '(a - 1/beta)^2', h_l: '(a + 1/beta)^2', Lambda: '0',
    discrepancies: [
      'Sign of h_w: with m(a) = a, the printed h_w(a) = +(a − β⁻¹)² gives d_w = 2(log π_w − β⁻¹) < 0 for every log π_w < β⁻¹, i.e. it pushes the chosen response down. SPPO minimises (log π_w − β⁻¹)², so h_w(a) = −(a − β⁻¹)², as appendix A.1 itself computes.',
      'No reference policy: SPPO squares log(π/π_t); the row (and A.1) use log π.',
    ],
  },
  example: 'marginlab eval sppo --at logp_w=-12,logp_l=-15,c_ref_w=-11,c_ref_l=-14',
};
