// Theorem 1 (section 4.1.1, proof in appendix B.1): one-token responses on the last-linear-layer model,
// next-token distribution uniform on M tokens, gives
//   ⟨∇log π_w, ∇log π_l⟩ = −‖h‖²/M,   ‖∇log π_w‖² = ‖∇log π_l‖² = (M−1)/M ‖h‖²,   log π_w ↑, log π_l ↓.
// Beyond the assumption: for any next-token distribution s, ∇log π_y = h ⊗ (e_y − s) (eq. 16), so
//   innerWL = ‖h‖² (e_w − s)ᵀ(e_l − s) = ‖h‖² (‖s‖² − s_w − s_l)          (y_w ≠ y_l),
//   normW2  = ‖h‖² ‖e_w − s‖²          = ‖h‖² (1 − 2 s_w + ‖s‖²),   normL2 likewise with s_l.
// Hence normW2 − innerWL = ‖h‖²(1 − s_w + s_l) ≥ 0 and innerWL − normL2 = −‖h‖²(1 + s_w − s_l) ≤ 0:
// the theorem's conclusion (case 1 of Table 1) needs no uniformity. Indeed the step moves the logits by
// η‖h‖²(e_w − e_l) exactly, which raises log s_w and lowers log s_l for every η > 0, not only to first order.
//
// The check never evaluates these formulas to get the gradients: it builds θ, runs the model's forward
// pass, takes the model's gradient (probed by a finite difference), computes the Gram data from it
// (structured, and materialised where d·V is small), takes a real DPO step, and only then compares.

import type { Verdict } from '../verdict.js';
import type { Gram } from '../../symbolic/conditions.js';
import { logUniform } from '../../util/prng.js';
import { type LastLinear, type LastLinearOps, type Response, gramMaterialised, gramOf, lastLinear, pinLogits } from '../models/last-linear.js';
import { distinctIndices, intLogUniform, norm2, normalVector, uniformVector, vectorOfNorm } from '../sample.js';
import { type CheckOptions, Tally, relError, secondsSince, sig, setupCheck, checkSupport, OFF_SUPPORT } from './evidence.js';
import { dpoStepProbe, fdProbe } from './probes.js';

export interface Theorem1Claim {
  /** The paper's statement, uniform on M tokens. */
  uniform(M: number, h2: number): Gram;
  /** The closed form for an arbitrary next-token distribution s (derived above). */
  general(s: Float64Array, yw: number, yl: number, h2: number): Gram;
}

export const THEOREM1_CLAIM: Theorem1Claim = {
  // eq. (20) and the norm line after it
  uniform: (M, h2) => ({ innerWL: -h2 / M, normW2: ((M - 1) / M) * h2, normL2: ((M - 1) / M) * h2 }),
  general: (s, yw, yl, h2) => {
    const ss = norm2(s);
    return { innerWL: h2 * (ss - s[yw] - s[yl]), normW2: h2 * (1 - 2 * s[yw] + ss), normL2: h2 * (1 - 2 * s[yl] + ss) };
  },
};

export interface Theorem1Options extends CheckOptions {
  /** Fix M (the support size) instead of drawing it per sample. */
  readonly support?: number;
  /** The model (injectable: the tests pass a broken one). */
  readonly ops?: LastLinearOps;
  /** The claimed closed forms (injectable: the tests pass a wrong one). */
  readonly claim?: Theorem1Claim;
}

/** Identities are exact: float64 round-off only. */
export const IDENTITY_TOL = 1e-9;
/** Largest d·V for which every sample is also cross-checked against the materialised gradients. */
const MATERIALISE_LIMIT = 1 << 20;

export const theorem1Defaults = { samples: 64, vocab: 1000, dim: 64 };

export async function theorem1(opts: Theorem1Options = {}): Promise<Verdict> {
  const o = setupCheck(opts, theorem1Defaults);
  const { rng, t0 } = o;
  const ops = opts.ops ?? lastLinear;
  const claim = opts.claim ?? THEOREM1_CLAIM;
  const be = o.backend;
  checkSupport(opts.support, o.vocab);
  const identity = new Tally(), general = new Tally(), cross = new Tally(), fd = new Tally(), step = new Tally();
  let materialisedChecks = 0, degenerateSteps = 0;

  for (let k = 0; k < o.samples; k++) {
    // Sizes: the first sample at the full (dim, vocab); then various, log-uniform.
    const minV = opts.support ?? 2;
    const V = k === 0 ? o.vocab : intLogUniform(rng, minV, o.vocab);
    const d = k === 0 ? o.dim : intLogUniform(rng, 1, o.dim);
    const M = opts.support ?? intLogUniform(rng, 2, V);
    const hNorm = logUniform(rng, 1e-2, 1e2);
    const h = vectorOfNorm(rng, d, hNorm);
    const h2 = norm2(h);
    const model: LastLinear = { d, V, theta: uniformVector(rng, d * V, 1 / Math.sqrt(d)) };

    for (const kind of ['uniform', 'general'] as const) {
      let yw: number, yl: number;
      const target = new Float64Array(V);
      if (kind === 'uniform') {
        const support = distinctIndices(rng, V, M);
        target.fill(OFF_SUPPORT);
        for (const j of support) target[j] = 0;
        [yw, yl] = [support[0], support[1]];
      } else {
        const temperature = logUniform(rng, 0.1, 3);
        target.set(normalVector(rng, V, temperature));
        [yw, yl] = distinctIndices(rng, V, 2);
      }
      await pinLogits(be, model, h, target);
      const rw: Response = { hidden: h, tokens: [yw] };
      const rl: Response = { hidden: h, tokens: [yl] };
      const s = await be.softmax(await be.logits(h, 1, model.theta, d, V), 1, V);
      const gw = await ops.gradient(be, model, rw);
      const gl = await ops.gradient(be, model, rl);
      const gram = await gramOf(be, gw, gl);
      const sample = (extra: Record<string, unknown> = {}) => ({ sample: k, kind, V, d, M: kind === 'uniform' ? M : undefined,
        hNorm: sig(hNorm), yw, yl, s_w: sig(s[yw]), s_l: sig(s[yl]), innerWL: gram.innerWL, normW2: gram.normW2, normL2: gram.normL2, ...extra });

      // The paper's statement (uniform samples) and the closed form for any s (both kinds).
      const claims: Array<[Tally, Gram, string]> = [[general, claim.general(s, yw, yl, h2), 'general']];
      if (kind === 'uniform') claims.push([identity, claim.uniform(M, h2), 'uniform']);
      for (const [tally, c, name] of claims) {
        for (const key of ['innerWL', 'normW2', 'normL2'] as const) {
          const rel = relError(gram[key], c[key], 1e-6 * h2);
          tally.add(Math.abs(gram[key] - c[key]), rel, rel <= IDENTITY_TOL, () => sample({ quantity: key, claim: name, claimed: c[key] }));
        }
      }
      // The structured Gram against the materialised d×V gradients.
      if (d * V <= MATERIALISE_LIMIT) {
        materialisedChecks++;
        const gm = await gramMaterialised(be, gw, gl);
        for (const key of ['innerWL', 'normW2', 'normL2'] as const) {
          const rel = relError(gram[key], gm[key], 1e-6 * h2);
          cross.add(Math.abs(gram[key] - gm[key]), rel, rel <= IDENTITY_TOL, () => sample({ quantity: key, materialised: gm[key] }));
        }
      }
      // Is the model's gradient the gradient of its log π?
      for (const [r, g] of [[rw, gw], [rl, gl]] as const) {
        const p = await fdProbe(be, ops, model, r, g, rng);
        fd.add(p.absError, p.absError, p.absError <= 1e-6, () => sample({ probe: 'finite-difference', token: r.tokens[0], ...p }));
      }
      // A real DPO step: log π_w must rise and log π_l fall, by about the first-order amounts.
      const p = await dpoStepProbe(be, ops, model, rw, rl, gw, gl, gram, 1e-2 / h2);
      const scale = (x: number) => 1e-12 * (1 + Math.abs(x));
      if (p.predictedW <= 1e-10 && p.predictedL >= -1e-10) degenerateSteps++;
      const okW = p.predictedW <= 1e-10 || p.deltaW > 0;
      const okL = p.predictedL >= -1e-10 || p.deltaL < 0;
      const errW = Math.abs(p.deltaW - p.predictedW), errL = Math.abs(p.deltaL - p.predictedL);
      const within = errW <= 0.05 * Math.abs(p.predictedW) + scale(p.predictedW) && errL <= 0.05 * Math.abs(p.predictedL) + scale(p.predictedL);
      step.add(Math.max(errW, errL), Math.max(errW / Math.abs(p.predictedW || 1), errL / Math.abs(p.predictedL || 1)),
        okW && okL && within, () => sample({ probe: 'dpo-step', ...p }));
    }
    o.progress(k + 1, o.samples);
  }

  const tallies = { identity, general, cross, fd, step };
  const failed = Object.entries(tallies).filter(([, t]) => t.failures > 0);
  const worstOf = failed.length ? failed[0][1].firstFailure : identity.worst;
  const notes = [
    `uniform-on-M identities (eq. 20): max relative error ${identity.maxRel.toExponential(2)} over ${o.samples} samples (tolerance ${IDENTITY_TOL})`,
    `closed form for any s — innerWL = ‖h‖²(‖s‖² − s_w − s_l), normW2 = ‖h‖²(1 − 2s_w + ‖s‖²): max relative error ${general.maxRel.toExponential(2)} over ${2 * o.samples} distributions`,
    `structured vs materialised d×V Gram: ${materialisedChecks} comparisons, max relative error ${cross.maxRel.toExponential(2)}`,
    `model gradient vs directional finite difference: max abs error ${fd.maxAbs.toExponential(2)} (${fd.failures} failures)`,
    `DPO step: log π_w rose and log π_l fell, within 5% of first order, on ${2 * o.samples - step.failures}/${2 * o.samples} steps${degenerateSteps ? ` (${degenerateSteps} steps too small to sign)` : ''}`,
    'the conclusion log π_w ↑, log π_l ↓ holds for every next-token distribution s, not only the uniform one: normW2 − innerWL = ‖h‖²(1 − s_w + s_l) ≥ 0 ≥ −‖h‖²(1 + s_w − s_l) = innerWL − normL2',
    ...failed.map(([name, t]) => `FAILED ${name}: ${t.failures} comparisons out of tolerance`),
  ];
  return {
    id: 'theorem1',
    status: failed.length ? 'refuted' : 'verified',
    summary: failed.length
      ? `Theorem 1 check failed (${failed.map(([n]) => n).join(', ')}); see the counterexample`
      : `⟨∇w,∇l⟩ = −‖h‖²/M and ‖∇w‖² = ‖∇l‖² = (M−1)/M‖h‖² hold to ${IDENTITY_TOL} on ${o.samples} sampled models; a DPO step raised log π_w and lowered log π_l every time`,
    evidence: { samples: o.samples, seed: o.seed, maxAbsError: Math.max(identity.maxAbs, general.maxAbs, cross.maxAbs),
      maxRelError: Math.max(identity.maxRel, general.maxRel, cross.maxRel), worst: worstOf, notes },
    backend: be.kind,
    seconds: secondsSince(t0),
  };
}
