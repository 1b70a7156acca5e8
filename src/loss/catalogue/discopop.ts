import type { CatalogueEntry } from './entry.js';

// DiscoPOP (log-ratio modulated loss): with ρ = β((log π_w − c_ref_w) − (log π_l − c_ref_l)), the DPO logit,
// ℓ = (1 − σ(ρ/τ))·(−log σ(ρ)) + σ(ρ/τ)·exp(−ρ): logistic for ρ ≪ 0, exponential for ρ ≫ 0. Past a margin
// m′ changes sign, so d_w and d_l are negative there: DiscoPOP pushes the chosen down once it is ahead.
export const discopop: CatalogueEntry = {
  id: 'discopop',
  name: 'DiscoPOP',
  inPaper: false,
  citation: { key: 'chris2024discopop', authors: 'Chris Lu, Holt, Fanconi, Chan, Foerster, van der Schaar, Lange',
    title: 'Discovering Preference Optimization Algorithms with and for Large Language Models', venue: 'NeurIPS', year: 2024,
    url: 'https://arxiv.org/abs/2406.08414' },
  params: {
    beta: { default: 0.05, description: 'KL strength β', source: 'Chris Lu et al. (β = 0.05)', tex: '\\beta', range: [1e-3, 10] },
    tau: { default: 0.05, description: 'temperature τ of the modulation σ(ρ/τ)', source: 'Chris Lu et al.; TRL discopop_tau default', tex: '\\tau', range: [1e-3, 10] },
  },
  where: { rho: 'a - beta*c_ref' },
  m: '(1 - sigmoid(rho/tau))*logsigmoid(rho) - sigmoid(rho/tau)*exp(-rho)',
  h_w: 'beta*a',
  h_l: 'beta*a',
  Lambda: '0',
  example: 'marginlab eval discopop --at logp_w=-12,logp_l=-15,c_ref_w=-13,c_ref_l=-14',
};
