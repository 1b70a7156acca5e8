// Corollary 2 (section 4.1.1), data setup 2: y_w and y_l of length L share y[1:L−1] and differ at the
// last token; the model is the last-linear-layer one with θ shared by every position, and its prediction
// at position L is uniform on M tokens. The corollary states
//   ⟨∇log π_w, ∇log π_l⟩ ≤ ‖∇log π_w‖² = ‖∇log π_l‖²,   log π_w ↑ and log π_l ↓.
//
// What marginlab checks, from the model's own gradients and a real DPO step:
//   (a) the token-level Gram data at position L are Theorem 1's (exact);
//   (b) the margin direction ∇log π_w − ∇log π_l is h_L ⊗ (e_{y_w} − e_{y_l}) + 0 — the shared prefix
//       cancels (exact);
//   (c) the sentence-level statements above — which do NOT follow from (a) and (b): with
//       P = Σ_{i<L} h_i ⊗ (e_{y_i} − s_i) the shared prefix gradient,
//         Δlog π_w ≈ η[⟨P, h_L⊗(e_w − e_l)⟩ + ‖h_L‖²],   Δlog π_l ≈ η[⟨P, h_L⊗(e_w − e_l)⟩ − ‖h_L‖²],
//       and ⟨P, h_L⊗(e_w − e_l)⟩ = Σ_{i<L} (h_iᵀh_L)([y_i = y_w] − [y_i = y_l] − s_i[y_w] + s_i[y_l]),
//       the change of the *shared prefix's* log-probability, moves both responses alike. It vanishes when
//       the prefix hidden states are orthogonal to h_L (or L = 1), and then (c) holds; otherwise it can
//       outweigh ‖h_L‖² (e.g. h_1 = 2h_L and y_1 = y_l gives Δlog π_w ≈ −η‖h_L‖² < 0: both fall).
// So the check samples three prefix geometries: 'orthogonal' (the named extra assumption, under which
// (c) must hold), 'random' and 'aligned', and reports how often (c) fails outside the assumption.

import type { Verdict } from '../verdict.js';
import { logUniform } from '../../util/prng.js';
import { type LastLinear, type LastLinearOps, type Response, gramOf, lastLinear, pinLogits } from '../models/last-linear.js';
import { distinctIndices, intLogUniform, norm2, normalVector, uniformVector, vectorOfNorm } from '../sample.js';
import { type CheckOptions, Tally, relError, secondsSince, sig, setupCheck, checkSupport, OFF_SUPPORT } from './evidence.js';
import { dpoStepProbe, fdProbe } from './probes.js';
import { IDENTITY_TOL, THEOREM1_CLAIM, type Theorem1Claim } from './theorem1.js';

export type PrefixGeometry = 'orthogonal' | 'random' | 'aligned';

export interface Corollary2Options extends CheckOptions {
  readonly support?: number;
  readonly ops?: LastLinearOps;
  readonly claim?: Theorem1Claim;
  /** Longest response (L ≥ 2). */
  readonly maxLength?: number;
}

export const ASSUMPTION_ORTHOGONAL = 'the prefix hidden states are orthogonal to h_L (h_iᵀh_L = 0 for i < L)';


export const corollary2Defaults = { samples: 64, vocab: 1000, dim: 64 };

export async function corollary2(opts: Corollary2Options = {}): Promise<Verdict> {
  const o = setupCheck(opts, corollary2Defaults);
  const { rng, t0 } = o;
  const ops = opts.ops ?? lastLinear;
  const claim = opts.claim ?? THEOREM1_CLAIM;
  const be = o.backend;
  const maxLength = opts.maxLength ?? 6;
  checkSupport(opts.support, o.vocab);
  const tokenLevel = new Tally(), direction = new Tally(), fd = new Tally(), underAssumption = new Tally();
  const blank = () => ({ samples: 0, normsDiffer: 0, innerAboveNorm: 0, chosenFell: 0, rejectedRose: 0 });
  const outside = { random: blank(), aligned: blank() };
  let counterexample: Record<string, unknown> | undefined;

  for (let k = 0; k < o.samples; k++) {
    const geometry: PrefixGeometry = (['orthogonal', 'random', 'aligned'] as const)[k % 3];
    const V = k === 0 ? o.vocab : intLogUniform(rng, opts.support ?? 3, o.vocab);
    const d = Math.max(k === 0 ? o.dim : intLogUniform(rng, 1, o.dim), geometry === 'orthogonal' ? 2 : 1);
    const L = rng.int(2, maxLength);
    const M = opts.support ?? intLogUniform(rng, 2, V);
    const hL = vectorOfNorm(rng, d, logUniform(rng, 1e-1, 1e1));
    const hL2 = norm2(hL);
    const support = distinctIndices(rng, V, M);
    const [yw, yl] = [support[0], support[1]];
    // The prefix: its hidden states per the geometry, its tokens anywhere (aligned: the rejected token).
    const hidden = new Float64Array(L * d);
    const prefix: number[] = [];
    for (let i = 0; i < L - 1; i++) {
      let hi: Float64Array;
      if (geometry === 'aligned') hi = hL.map((x) => x * logUniform(rng, 0.5, 3));
      else {
        hi = normalVector(rng, d, Math.sqrt(hL2 / d));
        if (geometry === 'orthogonal') {
          let c = 0;
          for (let q = 0; q < d; q++) c += hi[q] * hL[q];
          for (let q = 0; q < d; q++) hi[q] -= (c / hL2) * hL[q];
        }
      }
      hidden.set(hi, i * d);
      prefix.push(geometry === 'aligned' && rng.next() < 0.7 ? yl : support[rng.int(0, M - 1)]);
    }
    hidden.set(hL, (L - 1) * d);
    const model: LastLinear = { d, V, theta: uniformVector(rng, d * V, 1 / Math.sqrt(d)) };
    const target = new Float64Array(V).fill(OFF_SUPPORT);
    for (const j of support) target[j] = 0;
    await pinLogits(be, model, hL, target);

    const rw: Response = { hidden, tokens: [...prefix, yw] };
    const rl: Response = { hidden, tokens: [...prefix, yl] };
    const gw = await ops.gradient(be, model, rw);
    const gl = await ops.gradient(be, model, rl);
    const gram = await gramOf(be, gw, gl);
    const sample = (extra: Record<string, unknown> = {}) => ({ sample: k, geometry, V, d, L, M, yw, yl, prefixTokens: prefix,
      prefixAlignment: Array.from({ length: L - 1 }, (_, i) => { let c = 0; for (let q = 0; q < d; q++) c += hidden[i * d + q] * hL[q]; return sig(c / hL2); }),
      innerWL: gram.innerWL, normW2: gram.normW2, normL2: gram.normL2, ...extra });

    // (a) Position L alone is Theorem 1.
    const last = (g: typeof gw) => ({ ...g, hidden: g.hidden.subarray((L - 1) * d), vocab: g.vocab.subarray((L - 1) * V), n: 1 });
    const tok = await gramOf(be, last(gw), last(gl));
    const c = claim.uniform(M, hL2);
    for (const key of ['innerWL', 'normW2', 'normL2'] as const) {
      const rel = relError(tok[key], c[key], 1e-6 * hL2);
      tokenLevel.add(Math.abs(tok[key] - c[key]), rel, rel <= IDENTITY_TOL, () => sample({ quantity: `token-level ${key}`, value: tok[key], claimed: c[key] }));
    }
    // (b) ∇w − ∇l − h_L⊗(e_w − e_l) = 0. Both gradients carry the same hidden rows (same prefix), so the
    // difference is Σ_i h_i ⊗ (r_{w,i} − r_{l,i} − [i = L](e_w − e_l)), formed row by row — forming it as a
    // Gram combination instead would lose half the digits to cancellation.
    const sameRows = gw.n === gl.n && gw.hidden.every((x, q) => x === gl.hidden[q]);
    const diff = new Float64Array(gw.n * V);
    for (let q = 0; q < diff.length; q++) diff[q] = gw.vocab[q] - gl.vocab[q];
    diff[(L - 1) * V + yw] -= 1;
    diff[(L - 1) * V + yl] += 1;
    const residual = { hidden: gw.hidden, vocab: diff, n: gw.n, d, V };
    const res = sameRows ? Math.sqrt(Math.max(0, await be.outerInner(residual, residual))) : Infinity;
    const relDir = res / Math.sqrt(2 * hL2);
    direction.add(res, relDir, relDir <= IDENTITY_TOL, () => sample({ quantity: '‖(∇w − ∇l) − h_L⊗(e_w − e_l)‖', value: res, sameRows }));
    // Is the model's gradient the gradient?
    const p = await fdProbe(be, ops, model, rw, gw, rng);
    fd.add(p.absError, p.absError, p.absError <= 1e-6, () => sample({ probe: 'finite-difference', ...p }));

    // (c) The sentence-level statements, with a real DPO step.
    const step = await dpoStepProbe(be, ops, model, rw, rl, gw, gl, gram, 1e-3 / hL2);
    const scale = Math.max(gram.normW2, gram.normL2);
    const normsEqual = relError(gram.normW2, gram.normL2, 1e-6 * scale) <= IDENTITY_TOL;
    const innerBelow = gram.innerWL <= gram.normW2 * (1 + IDENTITY_TOL);
    const chosenUp = step.deltaW > 0, rejectedDown = step.deltaL < 0;
    const holds = normsEqual && innerBelow && chosenUp && rejectedDown;
    const record = () => sample({ normsEqual, innerBelowNorm: innerBelow, ...step });
    if (geometry === 'orthogonal') {
      underAssumption.add(holds ? 0 : 1, holds ? 0 : 1, holds, record);
    } else {
      const t = outside[geometry];
      t.samples++;
      if (!normsEqual) t.normsDiffer++;
      if (!innerBelow) t.innerAboveNorm++;
      if (!chosenUp) t.chosenFell++;
      if (!rejectedDown) t.rejectedRose++;
      if (!holds && (!counterexample || (!chosenUp && counterexample.deltaW as number > step.deltaW))) counterexample = record();
    }
    o.progress(k + 1, o.samples);
  }

  const broken = Object.entries({ tokenLevel, direction, fd, underAssumption }).filter(([, t]) => t.failures > 0);
  const status = broken.length ? 'refuted' : counterexample ? 'needs-assumption' : 'verified';
  const notes = [
    `position L alone (Theorem 1 at the last token): max relative error ${tokenLevel.maxRel.toExponential(2)}`,
    `margin direction ∇w − ∇l = h_L⊗(e_w − e_l) (prefix cancels): max relative residual ${direction.maxRel.toExponential(2)}`,
    `model gradient vs finite difference: max abs error ${fd.maxAbs.toExponential(2)}`,
    `under the extra assumption (${ASSUMPTION_ORTHOGONAL}): the corollary held on ${underAssumption.failures === 0 ? 'every' : 'NOT every'} orthogonal-prefix sample`,
    ...(['random', 'aligned'] as const).map((g) => { const t = outside[g]; return `outside it, ${g} prefix hidden states (${t.samples} samples): ‖∇w‖² ≠ ‖∇l‖² in ${t.normsDiffer}, ⟨∇w,∇l⟩ > ‖∇w‖² in ${t.innerAboveNorm}, log π_w fell in ${t.chosenFell}, log π_l rose in ${t.rejectedRose}`; }),
    'why: the DPO step also moves the shared prefix, Δ(prefix) ≈ η Σ_{i<L} (h_iᵀh_L)([y_i=y_w] − [y_i=y_l] − s_i[y_w] + s_i[y_l]), equally for both responses; the corollary\'s argument ("the hidden states are the same") drops it',
    ...broken.map(([name, t]) => `FAILED ${name}: ${t.failures} samples`),
  ];
  const worst = broken.length ? broken[0][1].firstFailure : counterexample ?? tokenLevel.worst;
  return {
    id: 'corollary2',
    status,
    summary: status === 'refuted'
      ? `Corollary 2 check failed (${broken.map(([n]) => n).join(', ')}); see the counterexample`
      : status === 'needs-assumption'
        ? `the last token behaves as Theorem 1 says, but the sentence-level statement holds only when ${ASSUMPTION_ORTHOGONAL}; log π_w fell on ${outside.random.chosenFell + outside.aligned.chosenFell}/${outside.random.samples + outside.aligned.samples} other samples`
        : `Corollary 2 held on all ${o.samples} samples`,
    assumption: status === 'needs-assumption' ? ASSUMPTION_ORTHOGONAL : undefined,
    evidence: { samples: o.samples, seed: o.seed, maxAbsError: Math.max(tokenLevel.maxAbs, direction.maxAbs),
      maxRelError: Math.max(tokenLevel.maxRel, direction.maxRel), worst, notes },
    backend: be.kind,
    seconds: secondsSince(t0),
  };
}
