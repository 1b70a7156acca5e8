import type { CatalogueEntry } from './entry.js';

// KTO (paired): −ℓ = λ_w σ(β(r_w − z_ref)) + λ_l σ(β(z_ref − r_l)) + const, with r = log π − c_ref.
export const kto: CatalogueEntry = {
  id: 'kto',
  name: 'KTO',
  inPaper: true,
  citation: { key: 'ethayarajh2024kto', authors: 'Ethayarajh, Xu, Muennighoff, Jurafsky, Kiela',
    title: 'KTO: Model Alignment as Prospect Theoretic Optimization', venue: 'ICML', year: 2024,
    url: 'https://arxiv.org/abs/2402.01306' },
  params: {
    beta: { default: 0.1, description: 'risk-aversion / KL strength β', source: 'Ethayarajh et al. default', tex: '\\beta', range: [1e-3, 10] },
    lambda_w: { default: 1, description: 'desirable weight λ_w (λ_D)', source: 'Ethayarajh et al. default', tex: '\\lambda_w', range: [1e-3, 100] },
    lambda_l: { default: 1, description: 'undesirable weight λ_l (λ_U)', source: 'Ethayarajh et al. default', tex: '\\lambda_l', range: [1e-3, 100] },
  },
  m: 'a',
  h_w: 'lambda_w*sigmoid(beta*(a - c_ref_w - z_ref))',
  h_l: '-lambda_l*sigmoid(beta*(z_ref - (a - c_ref_l)))',
  Lambda: '0',
  notes: ['z_ref is KTO\'s detached KL estimate z_0; it is a constant for the gradient.'],
  printed: {
    m: 'a', h_w: 'lambda_w*sigmoid(beta*a - (c_ref_w + z_ref))', h_l: 'lambda_l*sigmoid((c_ref_l + z_ref) - a)', Lambda: '0',
    discrepancies: [
      'The row writes log c^w_ref and log c^l_ref for reference log-probabilities; read as c^w_ref, c^l_ref here.',
      'Sign of h_l: with m(a) = a the rejected term enters as −h_l(log π_l), so the printed h_l = +λ_l σ(c^l_ref + z_ref − a) gives d_l < 0 everywhere — the loss would push the rejected response up. KTO\'s undesirable value λ_U σ(β(z_0 − r_l)) is added to the objective, i.e. h_l(a) = −λ_l σ(β(z_ref − (a − c^l_ref))).',
      'β: KTO applies β to (r − z_0) on both sides; the row scales only a on the chosen side and drops β on the rejected side.',
    ],
  },
  example: 'marginlab eval kto --at logp_w=-12,logp_l=-15',
};
