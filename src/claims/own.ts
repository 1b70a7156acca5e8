// marginlab's own results, checked like the paper's.

import { makeRng } from '../util/prng.js';
import { parseExpression } from '../loss/parse.js';
import { prove } from '../symbolic/interval/prove.js';
import { interval } from '../expr/interval.js';
import { admissible } from '../symbolic/remedy.js';
import { classify } from '../symbolic/conditions.js';
import type { Claim } from './types.js';
import { randomPair, verdict } from './tools.js';

export const OWN_CLAIMS: readonly Claim[] = [
  {
    id: 'admissible-interval',
    where: 'marginlab, from eqs. (9)/(10) (issue 9)',
    statement: 'For d_w, d_l > 0 and ⟨a,b⟩ > 0: chosen ↑ and rejected ↓ exactly when d_w/d_l ∈ [⟨a,b⟩/‖a‖², ‖b‖²/⟨a,b⟩], and this interval is never empty.',
    method: 'symbolic+numeric',
    how: 'Non-emptiness: write ⟨a,b⟩ = c‖a‖‖b‖ with c ∈ (0, 1] (Cauchy–Schwarz); the width is √(‖b‖²/‖a‖²)·(1/c − c), and 1/c − c ≥ 0 is proved on (0, 1] by interval branch and bound. Equivalence: random gradient pairs, ratios inside and outside the interval, against the signs of the first-order changes.',
    check: ({ seed, samples }) => {
      const e = parseExpression('1/c - c', { slot: 'claim', symbols: new Set(['c']) });
      if (!e.ok) throw new Error('internal');
      const proof = prove(e.value, '>=', { c: interval(0, 1, true, false) });
      const rng = makeRng(seed);
      let bad = 0, n = 0;
      let worst: Record<string, unknown> | undefined;
      for (let k = 0; k < samples; k++) {
        const { gram } = randomPair(rng);
        if (!(gram.innerWL > 0)) continue;
        const a = admissible(gram);
        const r = Math.exp(Math.log(a.lo / 4) + rng.next() * Math.log(16 * a.hi / a.lo));
        const c = classify({ dW: r, dL: 1 }, gram);
        const tol = 1e-9 * (r * gram.normW2 + gram.normL2);
        if (Math.abs(c.dLogpW) < tol || Math.abs(c.dLogpL) < tol) continue;
        n++;
        const inside = r >= a.lo && r <= a.hi;
        if (inside !== (c.dLogpW >= 0 && c.dLogpL <= 0)) { bad++; worst ??= { gram, ratio: r, interval: a, change: c }; }
      }
      const ok = proof.status === 'proved' && bad === 0;
      return verdict('admissible-interval', ok ? 'proved' : 'refuted',
        ok ? `Non-emptiness proved (${proof.boxes} boxes); the equivalence held at all ${n} sampled pairs, inside and outside the interval.` : `proof: ${proof.status}; ${bad}/${n} samples disagree.`,
        { samples: n, seed, worst }, { backend: 'symbolic' });
    },
  },
];
