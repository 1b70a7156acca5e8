// Section 2.2: how the paper groups the losses. Each grouping is a statement about d_w and d_l, checked
// against the derivations.

import { makeRng } from '../../util/prng.js';
import { toText } from '../../symbolic/print.js';
import type { Claim } from '../types.js';
import { lossOf, r4, relErr, roundEnv, sampleWeights, verdict, weightsAt } from '../tools.js';

const ratiosOf = (id: string) => lossOf(id).derivation.regimes.map((r) => (r.ratio ? toText(r.ratio) : 'undefined'));

/** DPOP's d_w, d_l against DPO's at the sampled points above the reference (logp_w > c_ref_w). */
function aboveReference(seed: number, samples: number) {
  const dpop = lossOf('dpop'), dpo = lossOf('dpo');
  const ws = sampleWeights(dpop, makeRng(seed), samples);
  let worst = 0, above = 0;
  let at: Record<string, unknown> | undefined;
  for (const w of ws) {
    if (!(w.env.logp_w > w.env.c_ref_w)) continue;
    above++;
    const q = weightsAt(dpo, w.env);
    if (!q) continue;
    const e = Math.max(relErr(w.dW, q.dW), relErr(w.dL, q.dL));
    if (e > worst) { worst = e; at = roundEnv(w.env); }
  }
  return { worst, above, at };
}

export const section2: readonly Claim[] = [
  {
    id: 'margin-only-losses',
    where: 'section 2.2, "IPO and SlicHF … solely depend on the margin"; R-DPO "still relies on the margin"',
    statement: 'IPO, SLiC-HF and R-DPO depend on log π_w − log π_l alone, so d_w = d_l.',
    method: 'symbolic',
    how: 'The derived d_w/d_l of each loss in every regime.',
    check: ({ seed }) => {
      const ipo = ratiosOf('ipo'), rdpo = ratiosOf('r-dpo'), slic = ratiosOf('slic-hf');
      const slicOnly = slic.every((t) => t === '1' || t === 'undefined');
      return verdict('margin-only-losses', slicOnly ? 'verified' : 'needs-assumption',
        `IPO: ${ipo.join(' | ')}; R-DPO: ${rdpo.join(' | ')}; SLiC-HF: ${slic.join(' | ')}. SLiC-HF's own NLL term (Λ(a) = λa in Table 2) makes d_w/d_l = 1 + λ where the hinge is active and leaves d_w = λ, d_l = 0 past it: it depends on the margin alone only when λ = 0.`,
        { samples: 1, seed }, { backend: 'symbolic', assumption: 'λ = 0 for SLiC-HF' });
    },
  },
  {
    id: 'dpop-regimes',
    where: 'section 2.2, DPOP',
    statement: 'DPOP behaves as DPO when the chosen log-ratio log(π_θ(y_w|x)/π_ref(y_w|x)) is above 0, and adds a push up when it is below 0.',
    method: 'symbolic+numeric',
    how: "DPOP's two regimes: above the reference its d_w, d_l are compared with DPO's at sampled points; below, its ratio is read off the derivation.",
    check: ({ seed, samples }) => {
      const { worst, above, at } = aboveReference(seed, samples);
      const below = lossOf('dpop').derivation.regimes.find((r) => r.label.includes('< 0'));
      const ok = worst < 1e-12 && !!below?.ratio && toText(below.ratio) === '1 + lambda';
      return verdict('dpop-regimes', ok ? 'verified' : 'refuted',
        `Above the reference DPOP's d_w, d_l equal DPO's at all ${above} sampled points (max relative difference ${r4(worst)}); below it d_w/d_l = ${below?.ratio ? toText(below.ratio) : '?'}, a stronger push on the chosen.`,
        { samples: above, seed, maxRelError: worst, worst: at });
    },
  },
];
