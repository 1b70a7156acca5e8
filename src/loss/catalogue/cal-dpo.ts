import type { CatalogueEntry } from './entry.js';

// Cal-DPO: DPO's logistic loss on the unscaled log-ratios plus a calibration of each side to a target:
// ℓ = −log σ(r_w − r_l) + (r_w − 1/(2β))² + (r_l + 1/(2β))², r = log π − c_ref. The rejected-side square
// is a Λ_l term, so d_l = σ(r_l − r_w) + 2(r_l + 1/(2β)): its sign depends on where r_l sits.
export const calDpo: CatalogueEntry = {
  id: 'cal-dpo',
  name: 'Cal-DPO',
  inPaper: false,
  citation: { key: 'xiao2024caldpo', authors: 'Xiao et al.',
    title: 'Cal-DPO: Calibrated Direct Preference Optimization for Language Model Alignment', venue: 'NeurIPS', year: 2024,
    url: 'https://arxiv.org/abs/2412.14516' },
  params: {
    beta: { default: 0.1, description: 'calibration scale β (targets ±1/(2β))', source: 'DPO default', tex: '\\beta', range: [1e-3, 10] },
  },
  m: 'logsigmoid(a)',
  h_w: 'a - c_ref_w',
  h_l: 'a - c_ref_l',
  Lambda: '-(a - c_ref_w - 1/(2*beta))^2',
  Lambda_l: '-(a - c_ref_l + 1/(2*beta))^2',
  example: 'marginlab eval cal-dpo --at logp_w=-12,logp_l=-15,c_ref_w=-13,c_ref_l=-17',
};
