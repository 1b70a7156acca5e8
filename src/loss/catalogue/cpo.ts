import type { CatalogueEntry } from './entry.js';

// CPO: reference-free DPO plus the chosen NLL.
export const cpo: CatalogueEntry = {
  id: 'cpo',
  name: 'CPO',
  inPaper: true,
  citation: { key: 'xu2024cpo', authors: 'Xu, Sharaf, Chen, Tan, Shen, Van Durme, Murray, Kim',
    title: 'Contrastive Preference Optimization: Pushing the Boundaries of LLM Performance in Machine Translation', venue: 'ICML', year: 2024,
    url: 'https://arxiv.org/abs/2401.08417' },
  params: {
    beta: { default: 0.1, description: 'reward scale β', source: 'paper appendix C.3 (DPO β)', tex: '\\beta', range: [1e-3, 10] },
    lambda: { default: 1, description: 'weight λ of the chosen NLL term', source: 'paper appendix C.3', tex: '\\lambda', range: [1e-3, 100] },
  },
  m: 'logsigmoid(a)',
  h_w: 'beta*a',
  h_l: 'beta*a',
  Lambda: 'lambda*a',
  printed: {
    m: 'logsigmoid(a)', h_w: 'beta*a', h_l: 'beta*a', Lambda: 'lambda*a',
    discrepancies: ['The text of the row reads "eta a" for h_l: a lost backslash of \\beta a, not a mathematical difference.'],
  },
  example: 'marginlab eval cpo --at logp_w=-12,logp_l=-15',
};
