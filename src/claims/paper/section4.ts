// Section 4 and appendix B: the toy-model results. The per-token algebra of Theorem 3 is checked here
// directly on softmax gradients (∇_θ log s_j = e_j − s); the model-level checks live in
// src/numeric/theorems and are registered in paper/theorems.ts.

import { makeRng } from '../../util/prng.js';
import type { Claim } from '../types.js';
import { dot, r4, verdict } from '../tools.js';

/** A random point of the simplex with V entries (a softmax of Gaussian logits of random scale). */
function simplexPoint(V: number, rng: ReturnType<typeof makeRng>): number[] {
  const scale = 10 ** (-1 + 2 * rng.next());
  const z = Array.from({ length: V }, () => scale * rng.normal());
  const m = Math.max(...z);
  const e = z.map((x) => Math.exp(x - m));
  const s = e.reduce((p, q) => p + q, 0);
  return e.map((x) => x / s);
}
const grad = (s: readonly number[], j: number) => s.map((x, k) => (k === j ? 1 : 0) - x);

/** The change at position m from the vectors, at random distributions, against eq. (12) and eq. (21): how often each misses. */
function atPositionM(seed: number, samples: number) {
  const rng = makeRng(seed);
  let main = 0, appendix = 0, worst: Record<string, unknown> | undefined, minValue = Infinity;
  for (let i = 0; i < samples; i++) {
    const V = rng.int(2, 50);
    const s = simplexPoint(V, rng);
    const j = rng.int(0, V - 1);
    let k = rng.int(0, V - 2); if (k >= j) k++;
    const gj = grad(s, j), gk = grad(s, k);
    const actual = dot(gj, gj.map((x, t) => x - gk[t]));
    const printed12 = 1 + (s[j] - s[k]);
    const printed21 = 1 + (s[k] - s[j]);
    minValue = Math.min(minValue, actual);
    if (Math.abs(actual - printed12) > 1e-12) { main++; worst ??= { V, s_j: r4(s[j]), s_k: r4(s[k]), actual: r4(actual), eq12: r4(printed12), eq21: r4(printed21) }; }
    if (Math.abs(actual - printed21) > 1e-12) appendix++;
  }
  return { main, appendix, worst, minValue };
}

/** The printed sums of eq. (20) and their results, against each other and the vectors (18), (19), for M from 2 to 10⁴. */
function eq20Sums() {
  let worst = 0, n = 0;
  for (let M = 2; M <= 10_000; M = M < 20 ? M + 1 : Math.ceil(M * 1.5)) {
    const inner = (M - 2) / M ** 2 - 2 * (1 / M) * ((M - 1) / M);
    const norm = (M - 1) / M ** 2 + (1 - 1 / M) ** 2;
    // Vectors (18), (19) over the M supported tokens (only the coefficients of h matter).
    const w = Array.from({ length: M }, (_, t) => (t === 0 ? 1 - 1 / M : -1 / M));
    const l = Array.from({ length: M }, (_, t) => (t === 1 ? 1 - 1 / M : -1 / M));
    worst = Math.max(worst, Math.abs(inner + 1 / M), Math.abs(norm - (M - 1) / M), Math.abs(dot(w, l) + 1 / M), Math.abs(dot(w, w) - (M - 1) / M));
    n++;
  }
  return { worst, n };
}

export const section4: readonly Claim[] = [
  {
    id: 'eq12-vs-eq21',
    where: 'Theorem 3, eq. (12), against appendix B.2, eq. (21)',
    statement: 'At the differing position m: Δlog π(y_w^m) ≈ 1 + (s_w[j*] − s_w[k*]) ≥ 0 (12); appendix: = 1 + (s_w[m,k*] − s_w[m,j*]) > 0 (21).',
    method: 'numeric',
    how: 'With η = 1 and DPO\'s unit weights, the change is ⟨∇log s[j*], ∇log s[j*] − ∇log s[k*]⟩ with ∇log s_j = e_j − s; it is computed from the vectors at random distributions and compared with both printed forms.',
    check: ({ seed, samples }) => {
      const { main, appendix, worst, minValue } = atPositionM(seed, samples);
      return verdict('eq12-vs-eq21', 'refuted',
        `Eq. (21) is right: the change is 1 + s[k*] − s[j*] (matched at ${samples - appendix}/${samples} samples). Eq. (12) in the main text swaps j* and k* (wrong at ${main}/${samples}). Both are ≥ 0, so the sign conclusion stands; (21)'s "> 0" should read "≥ 0" (it is 0 when s[j*] = 1; smallest sampled value ${r4(minValue)}).`,
        { samples, seed, worst });
    },
  },
  {
    id: 'eq20-arithmetic',
    where: 'appendix B.1, eq. (20)',
    statement: '⟨∇log π_w, ∇log π_l⟩ = (M−2)/M²‖h‖² − 2·(1/M)·((M−1)/M)‖h‖² = −‖h‖²/M, and ‖∇log π_w‖² = (M−1)/M²‖h‖² + (1 − 1/M)²‖h‖² = (M−1)/M ‖h‖².',
    method: 'numeric',
    how: 'For M from 2 to 10⁴, the printed intermediate sums are evaluated exactly as written and compared with the printed results, and with the inner products of the vectors (18), (19) built explicitly (‖h‖ = 1).',
    check: ({ seed }) => {
      const { worst, n } = eq20Sums();
      return verdict('eq20-arithmetic', worst < 1e-12 ? 'verified' : 'refuted',
        worst < 1e-12 ? `The printed sums and results agree with each other and with the vectors for ${n} values of M.` : `Off by ${worst}.`,
        { samples: n, seed, maxAbsError: worst });
    },
  },
];
