import type { CatalogueEntry } from './entry.js';

// NCA (pairwise): ℓ = −log σ(r_w) − ½ log σ(−r_w) − ½ log σ(−r_l), r = β(log π − c_ref).
export const nca: CatalogueEntry = {
  id: 'nca',
  name: 'NCA',
  inPaper: false,
  citation: { key: 'chen2024nca', authors: 'Chen, Zhou, Zhang, Lin, Yang, Zhu',
    title: 'Noise Contrastive Alignment of Language Models with Explicit Rewards', venue: 'NeurIPS', year: 2024,
    url: 'https://arxiv.org/abs/2402.05369' },
  params: { beta: { default: 0.1, description: 'reward scale β', source: 'TRL default', tex: '\\beta', range: [1e-3, 10] } },
  m: 'a',
  h_w: 'logsigmoid(beta*(a - c_ref_w)) + 0.5*logsigmoid(-beta*(a - c_ref_w))',
  h_l: '-0.5*logsigmoid(-beta*(a - c_ref_l))',
  Lambda: '0',
  notes: ['Not a function of the margin: chosen and rejected terms are separate, so m(a) = a.'],
  example: 'marginlab eval nca --at logp_w=-5,logp_l=-15,c_ref_w=-12,c_ref_l=-12',
};
