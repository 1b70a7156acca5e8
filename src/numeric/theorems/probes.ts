// Two probes every last-linear-layer check runs on the model it is given, so that a check cannot pass
// on a model whose gradient is wrong: a directional finite difference of log π (is the gradient the
// gradient?), and an actual DPO step (do the log-probabilities move the way the Gram data says?).

import type { Backend, OuterSum } from '../backend.js';
import { type LastLinear, type LastLinearOps, type Response, combine, stepped } from '../models/last-linear.js';
import { normalVector } from '../sample.js';
import type { Rng } from '../../util/prng.js';

export interface FdProbe {
  readonly analytic: number;
  readonly finiteDifference: number;
  readonly absError: number;
}

/**
 * ⟨∇log π, Δ⟩ against (log π(θ+εΔ) − log π(θ−εΔ))/2ε along a random rank-one direction Δ = u⊗w, scaled
 * so that no logit moves by more than ε = 1e-4. Truncation is O(ε²) and round-off O(ε_mach|log π|/ε),
 * both far below the 1e-6 the callers allow; a flipped or wrong gradient misses by O(1).
 */
export async function fdProbe(b: Backend, ops: LastLinearOps, model: LastLinear, r: Response, g: OuterSum, rng: Rng): Promise<FdProbe> {
  const n = r.tokens.length;
  const u = normalVector(rng, model.d);
  const w = normalVector(rng, model.V);
  let reach = 0;
  for (let i = 0; i < n; i++) {
    let hu = 0;
    for (let k = 0; k < model.d; k++) hu += r.hidden[i * model.d + k] * u[k];
    reach = Math.max(reach, Math.abs(hu));
  }
  let wMax = 0;
  for (let v = 0; v < model.V; v++) wMax = Math.max(wMax, Math.abs(w[v]));
  const scale = reach * wMax > 0 ? 1 / (reach * wMax) : 1;
  for (let v = 0; v < model.V; v++) w[v] *= scale;
  const dir: OuterSum = { hidden: u, vocab: w, n: 1, d: model.d, V: model.V };
  const eps = 1e-4;
  const analytic = await b.outerInner(g, dir);
  const theta = Float64Array.from(model.theta);
  await b.addOuter(theta, eps, dir);
  const plus = await ops.logProb(b, { ...model, theta }, r);
  await b.addOuter(theta, -2 * eps, dir);
  const minus = await ops.logProb(b, { ...model, theta }, r);
  const finiteDifference = (plus - minus) / (2 * eps);
  return { analytic, finiteDifference, absError: Math.abs(analytic - finiteDifference) };
}

export interface StepProbe {
  readonly eta: number;
  readonly deltaW: number;
  readonly deltaL: number;
  /** First-order predictions from the Gram data, eq. (5) with βc = 1: η(‖a‖² − ⟨a,b⟩), η(⟨a,b⟩ − ‖b‖²). */
  readonly predictedW: number;
  readonly predictedL: number;
}

/** One DPO step at the reference point (βc(θ) normalised to 1): θ ← θ + η(∇log π_w − ∇log π_l). */
export async function dpoStepProbe(b: Backend, ops: LastLinearOps, model: LastLinear, rw: Response, rl: Response,
  gw: OuterSum, gl: OuterSum, gram: { innerWL: number; normW2: number; normL2: number }, eta: number): Promise<StepProbe> {
  const [lw0, ll0] = [await ops.logProb(b, model, rw), await ops.logProb(b, model, rl)];
  const next = await stepped(b, model, eta, combine([{ coef: 1, g: gw }, { coef: -1, g: gl }]));
  const [lw1, ll1] = [await ops.logProb(b, next, rw), await ops.logProb(b, next, rl)];
  return {
    eta,
    deltaW: lw1 - lw0,
    deltaL: ll1 - ll0,
    predictedW: eta * (gram.normW2 - gram.innerWL),
    predictedL: eta * (gram.innerWL - gram.normL2),
  };
}
