import type { CatalogueEntry } from './entry.js';

// ORPO: length-averaged NLL plus λ·(−log σ(log odds_w − log odds_l)), odds(y) = P/(1−P), P = π^{1/|y|}.
export const orpo: CatalogueEntry = {
  id: 'orpo',
  name: 'ORPO',
  inPaper: false,
  citation: { key: 'hong2024orpo', authors: 'Hong, Lee, Thorne',
    title: 'ORPO: Monolithic Preference Optimization without Reference Model', venue: 'EMNLP', year: 2024,
    url: 'https://arxiv.org/abs/2403.07691' },
  params: { lambda: { default: 0.1, description: 'odds-ratio weight λ', source: 'Hong et al. default', tex: '\\lambda', range: [1e-3, 100] } },
  m: 'lambda*logsigmoid(a)',
  h_w: 'a/len_w - log1mexp(a/len_w)',
  h_l: 'a/len_l - log1mexp(a/len_l)',
  Lambda: 'a/len_w',
  notes: ['log odds(y) = log P − log(1 − P) with log P = log π/|y| (the length-averaged log-probability).'],
  example: 'marginlab eval orpo --at logp_w=-12,logp_l=-15,len_w=10,len_l=12',
};
