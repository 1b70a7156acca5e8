import type { CatalogueEntry } from './entry.js';

// MPO (mixed preference optimisation), as TRL trains it with loss_type ["sigmoid", "bco_pair", "sft"] and
// loss_weights (0.8, 0.2, 1.0), written as one L for one pair:
//   w_s·(−log σ(β(r_w − r_l))) + w_b·(−log σ(βr_w − δ) − log σ(−(βr_l − δ))) + w_q·(−log π_w/|y_w|),
// r = log π − c_ref. Two terms are batch quantities in TRL, fixed here for one pair: δ is bco_pair's running
// mean of the rewards (detached, so a constant of the gradient), and sft's NLL is its per-token mean.
export const mpo: CatalogueEntry = {
  id: 'mpo',
  name: 'MPO',
  inPaper: false,
  citation: { key: 'wang2024mpo', authors: 'Wang et al.',
    title: 'Enhancing the Reasoning Ability of Multimodal Large Language Models via Mixed Preference Optimization', venue: 'arXiv:2411.10442', year: 2024,
    url: 'https://arxiv.org/abs/2411.10442' },
  params: {
    beta: { default: 0.1, description: 'KL strength β', source: 'TRL default', tex: '\\beta', range: [1e-3, 10] },
    delta: { default: 0, description: "bco_pair's reward shift δ (running mean, detached)", source: 'starts at 0', tex: '\\delta', range: [-10, 10] },
    w_s: { default: 0.8, description: 'weight of the sigmoid (DPO) term', source: 'Wang et al.; TRL MPO example', tex: 'w_s', range: [0, 10] },
    w_b: { default: 0.2, description: 'weight of the bco_pair term', source: 'Wang et al.; TRL MPO example', tex: 'w_b', range: [0, 10] },
    w_q: { default: 1, description: 'weight of the sft term', source: 'Wang et al.; TRL MPO example', tex: 'w_q', range: [0, 10] },
  },
  L: '-w_s*logsigmoid(beta*(logp_w - c_ref_w) - beta*(logp_l - c_ref_l)) - w_b*(logsigmoid(beta*(logp_w - c_ref_w) - delta) + logsigmoid(delta - beta*(logp_l - c_ref_l))) - w_q*logp_w/len_w',
  m: '0',
  h_w: '0',
  h_l: '0',
  Lambda: '0',
  example: 'marginlab eval mpo --at logp_w=-12,logp_l=-15,c_ref_w=-13,c_ref_l=-14,len_w=10,len_l=12',
};
