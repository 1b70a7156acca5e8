// Theorem 3 (section 4.1.2, proof in appendix B.2): learnable logits (src/numeric/models/learnable-logits.ts
// says which parameterisation and why), data setup 3 (y_w, y_l differ only at position m < L), one
// DPO step (βc normalised to 1, as the appendix's "learning rate η = 1"). Per position of the chosen
// response the first-order change of log s_{w,i}[y_w[i]] is claimed to be
//   (11) i < m:  0;
//   (12) i = m:  1 + (s_{w,m}[j*] − s_{w,m}[k*]) ≥ 0          (main text, j* = y_w[m], k* = y_l[m]);
//   (21) i = m:  1 + (s_w[m,k*] − s_w[m,j*])                  (appendix B.2 — the two differ in sign);
//   (13) i > m:  (1 − s_{w,i}[j*])(s_{l,i}[j*] − s_{w,i}[j*]) − Σ_{j≠j*} s_{w,i}[j](s_{l,i}[j] − s_{w,i}[j]) ≤ 0
//        under Pal et al.'s assumption s_{w,i}[j*] ≥ s_{l,i}[j*], s_{w,i}[j] ≤ s_{l,i}[j] (j ≠ j*);
// and "as the same suffix gets longer, log π_w decreases more".
//
// The check takes the model's gradient, steps the parameters by ±η along the margin direction, and
// reads each position's change off the model (central difference, error O(η²)); the printed expressions
// are only evaluated afterwards, for comparison. Neither (12) nor (21) is taken as the truth: the check
// reports which one the actual step matches. It also samples distributions that violate the assumption
// and counts how often (13)'s sign flips.

import type { Verdict } from '../verdict.js';
import { makeRng, logUniform, type Rng } from '../../util/prng.js';
import type { Backend } from '../backend.js';
import { type LearnableLogits, type LearnableLogitsOps, type Tying, learnableLogits, paramRows, steppedLogits } from '../models/learnable-logits.js';
import { intLogUniform, normalVector, randomDistribution } from '../sample.js';
import { type CheckOptions, Tally, logLogSlope, secondsSince, sig, setupCheck } from './evidence.js';

export interface Theorem3Claims {
  eq11(): number;
  eq12(s: Float64Array, jStar: number, kStar: number): number;
  eq21(s: Float64Array, jStar: number, kStar: number): number;
  eq13(sw: Float64Array, sl: Float64Array, jStar: number): number;
}

/** The expressions exactly as printed (s: the row's distribution, a length-V slice). */
export const THEOREM3_PRINTED: Theorem3Claims = {
  eq11: () => 0,
  eq12: (s, j, k) => 1 + (s[j] - s[k]),
  eq21: (s, j, k) => 1 + (s[k] - s[j]),
  eq13: (sw, sl, j) => {
    let rest = 0;
    for (let q = 0; q < sw.length; q++) if (q !== j) rest += sw[q] * (sl[q] - sw[q]);
    return (1 - sw[j]) * (sl[j] - sw[j]) - rest;
  },
};

export interface Theorem3Options extends CheckOptions {
  readonly ops?: LearnableLogitsOps;
  readonly claims?: Theorem3Claims;
  /** Longest response (L ≥ 2). */
  readonly maxLength?: number;
  /** Longest suffix for the growth-with-length probe. */
  readonly maxSuffix?: number;
}

export const PAL_ASSUMPTION = 's_{w,i}[j*] ≥ s_{l,i}[j*] and s_{w,i}[j] ≤ s_{l,i}[j] for j ≠ j*, at every i > m (Pal et al., 2024)';

/** First-order coefficients are read with central differences at this η: truncation O(η²) ≈ 1e-10. */
const ETA_FD = 1e-5;
/** Agreement of a printed expression with the actual first-order change. */
const FORMULA_TOL = 1e-7;
const SLOPE_ETAS = [0.2, 0.1, 0.05, 0.025, 0.0125];
/** Smallest log-log slope of |error| against η accepted as "first order" (≈2; more where the η² term vanishes). */
export const MIN_SLOPE = 1.8;

export const theorem3Defaults = { samples: 64, vocab: 50, dim: 1 };

type Regime = 'assumption' | 'violated';

/** Draw a model: rows ≤ m shared (zero offsets), rows > m under or against the assumption. */
function drawModel(rng: Rng, V: number, L: number, m: number, regime: Regime, tying: Tying): LearnableLogits {
  const tokensW = Array.from({ length: L }, () => rng.int(0, V - 1));
  const tokensL = [...tokensW];
  tokensL[m - 1] = (tokensW[m - 1] + rng.int(1, V - 1)) % V;
  const R = paramRows(L, m, tying);
  const params = normalVector(rng, R * V, logUniform(rng, 0.2, 3));
  const offsetW = new Float64Array(L * V), offsetL = new Float64Array(L * V);
  for (let i = m; i < L; i++) {
    const j = tokensW[i];
    const sl = randomDistribution(rng, V, logUniform(rng, 0.3, 3));
    let sw: Float64Array;
    if (regime === 'assumption') {
      // Move a random share of every other token's mass onto j*: s_w[j] ≤ s_l[j] (j ≠ j*), s_w[j*] ≥ s_l[j*].
      const tau = rng.next();
      sw = sl.map((x, q) => (q === j ? 0 : x * (1 - tau * rng.next())));
      sw[j] = 1 - sw.reduce((a, x) => a + x, 0);
    } else sw = randomDistribution(rng, V, logUniform(rng, 0.3, 3));
    // Offsets that make the two rows' distributions exactly sw and sl, whatever the learnable row holds.
    const wr = i * V, pr = i * V;
    const prL = (tying === 'shared-offset' ? i : L + (i - m)) * V;
    for (let q = 0; q < V; q++) {
      offsetW[wr + q] = Math.log(sw[q]) - params[pr + q];
      offsetL[wr + q] = Math.log(sl[q]) - params[prL + q];
    }
  }
  return { L, V, m, tying, params, offsetW, offsetL, tokensW, tokensL };
}

function truncate(model: LearnableLogits, L: number): LearnableLogits {
  if (model.tying !== 'shared-offset') throw new RangeError('truncate: shared-offset models only');
  const V = model.V;
  return { ...model, L, params: model.params.slice(0, L * V), offsetW: model.offsetW.slice(0, L * V), offsetL: model.offsetL.slice(0, L * V),
    tokensW: model.tokensW.slice(0, L), tokensL: model.tokensL.slice(0, L) };
}

/** The margin direction g = ∇log π_w − ∇log π_l (descent on −(log π_w − log π_l)). */
async function marginDirection(b: Backend, ops: LearnableLogitsOps, model: LearnableLogits): Promise<Float64Array> {
  return b.axpy(-1, await ops.gradient(b, model, 'l'), await ops.gradient(b, model, 'w'));
}

/** Per-position first-order change of the chosen response's token log-probabilities, read off the model. */
async function perPositionChange(b: Backend, ops: LearnableLogitsOps, model: LearnableLogits, g: Float64Array): Promise<Float64Array> {
  const plus = await ops.tokenLogProbs(b, await steppedLogits(b, model, ETA_FD, g), 'w');
  const minus = await ops.tokenLogProbs(b, await steppedLogits(b, model, -ETA_FD, g), 'w');
  return plus.map((x, i) => (x - minus[i]) / (2 * ETA_FD));
}

/** One sample's per-position data, for the probes below (sw, sl: the rows' distributions, L×V). */
interface PositionContext {
  readonly model: LearnableLogits;
  readonly claims: Theorem3Claims;
  readonly actual: Float64Array;
  readonly sw: Float64Array;
  readonly sl: Float64Array;
  readonly V: number;
  readonly regime: Regime;
  readonly sample: (extra?: Record<string, unknown>) => Record<string, unknown>;
}

/** Position m: how often the step matched (12) and (21), and the worst miss of (12). */
interface AtM { main12: number; appendix21: number; neither: number; samples: number; worst12: number; worst21: number; example12: Record<string, unknown> | undefined }
/** Suffix positions of samples drawn against the assumption: how often (13)'s sign flipped. */
interface Violated { positions: number; flips: number; chosenRose: number; samples: number; example: Record<string, unknown> | undefined }

const rowOf = (s: Float64Array, i: number, V: number): Float64Array => s.subarray(i * V, (i + 1) * V);

/** Eq. (11), a prefix position i < m: the chosen token's log-probability does not move. */
function probeEq11(at: PositionContext, i: number, eq11: Tally): void {
  const e = Math.abs(at.actual[i] - at.claims.eq11());
  eq11.add(e, e, e <= FORMULA_TOL, () => at.sample({ position: i + 1, equation: '(11)', actual: at.actual[i], claimed: at.claims.eq11() }));
}

/** Position m: the step against the main text's (12) and the appendix's (21) — they differ in sign — and (12)'s claim ≥ 0. */
function probeAtM(at: PositionContext, i: number, atM: AtM, signs: Tally): void {
  const { actual, sw, V } = at;
  const j = at.model.tokensW[i], kk = at.model.tokensL[i];
  atM.samples++;
  const p12 = at.claims.eq12(rowOf(sw, i, V), j, kk), p21 = at.claims.eq21(rowOf(sw, i, V), j, kk);
  const e12 = Math.abs(actual[i] - p12), e21 = Math.abs(actual[i] - p21);
  if (e12 <= FORMULA_TOL) atM.main12++;
  if (e21 <= FORMULA_TOL) atM.appendix21++;
  if (e12 > FORMULA_TOL && e21 > FORMULA_TOL) atM.neither++;
  if (e12 > atM.worst12) { atM.worst12 = e12; atM.example12 = at.sample({ position: i + 1, jStar: j, kStar: kk, s_jStar: sig(sw[i * V + j]), s_kStar: sig(sw[i * V + kk]), actual: actual[i], eq12: p12, eq21: p21 }); }
  atM.worst21 = Math.max(atM.worst21, e21);
  signs.add(0, 0, actual[i] >= -FORMULA_TOL, () => at.sample({ position: i + 1, claim: '(12) ≥ 0', actual: actual[i] }));
}

/** Eq. (13), a suffix position i > m: the formula against the step, and its sign ≤ 0 under Pal et al.'s assumption (counted flips against it). */
function probeSuffix(at: PositionContext, i: number, eq13: Tally, signs: Tally, violated: Violated): void {
  const { actual, sw, sl, V } = at;
  const pos = i + 1, j = at.model.tokensW[i];
  const p13 = at.claims.eq13(rowOf(sw, i, V), rowOf(sl, i, V), j);
  const e = Math.abs(actual[i] - p13);
  eq13.add(e, e, e <= FORMULA_TOL, () => at.sample({ position: pos, equation: '(13)', actual: actual[i], claimed: p13 }));
  if (at.regime === 'assumption') {
    signs.add(0, 0, actual[i] <= FORMULA_TOL, () => at.sample({ position: pos, claim: '(13) ≤ 0 under the assumption', actual: actual[i] }));
    return;
  }
  violated.positions++;
  if (actual[i] > 0) {
    violated.flips++;
    violated.example ??= at.sample({ position: pos, actual: actual[i], s_w_jStar: sig(sw[i * V + j]), s_l_jStar: sig(sl[i * V + j]) });
  }
}

export async function theorem3(opts: Theorem3Options = {}): Promise<Verdict> {
  const o = setupCheck(opts, theorem3Defaults);
  const { rng, t0 } = o;
  const ops = opts.ops ?? learnableLogits;
  const claims = opts.claims ?? THEOREM3_PRINTED;
  const be = o.backend;
  const maxLength = opts.maxLength ?? 10;
  const maxSuffix = opts.maxSuffix ?? 8;

  const eq11 = new Tally(), eq13 = new Tally(), signs = new Tally(), slope = new Tally(), growth = new Tally();
  const atM: AtM = { main12: 0, appendix21: 0, neither: 0, samples: 0, worst12: 0, worst21: 0, example12: undefined };
  const violated: Violated = { positions: 0, flips: 0, chosenRose: 0, samples: 0, example: undefined };
  const separate = { positions: 0, rose: 0 };
  const slopes: number[] = [];
  const growthCurves: number[][] = [];

  for (let k = 0; k < o.samples; k++) {
    const regime: Regime = k % 4 === 3 ? 'violated' : 'assumption';
    const V = k === 0 ? o.vocab : intLogUniform(rng, 2, o.vocab);
    const L = rng.int(2, maxLength);
    const m = rng.int(1, L - 1);
    const model = drawModel(rng, V, L, m, regime, 'shared-offset');
    const sw = await ops.distributions(be, model, 'w');
    const sl = await ops.distributions(be, model, 'l');
    const g = await marginDirection(be, ops, model);
    const actual = await perPositionChange(be, ops, model, g);
    const sample = (extra: Record<string, unknown> = {}) => ({ sample: k, regime, V, L, m, ...extra });

    const at: PositionContext = { model, claims, actual, sw, sl, V, regime, sample };
    for (let i = 0; i < L; i++) {
      const pos = i + 1; // the paper's 1-based position
      if (pos < m) probeEq11(at, i, eq11);
      else if (pos === m) probeAtM(at, i, atM, signs);
      else probeSuffix(at, i, eq13, signs, violated);
    }
    if (regime === 'violated') {
      violated.samples++;
      if (actual.reduce((a, x) => a + x, 0) > 0) violated.chosenRose++;
    }

    // First order: |Δlog π_w(η) − η⟨∇log π_w, g⟩| must shrink as η².
    const gw = await ops.gradient(be, model, 'w');
    const first = await be.dot(gw, g);
    const lw0 = (await ops.tokenLogProbs(be, model, 'w')).reduce((a, x) => a + x, 0);
    const errs: number[] = [];
    for (const eta of SLOPE_ETAS) {
      const lw = (await ops.tokenLogProbs(be, await steppedLogits(be, model, eta, g), 'w')).reduce((a, x) => a + x, 0);
      errs.push(Math.abs(lw - lw0 - eta * first));
    }
    const sl2 = logLogSlope(SLOPE_ETAS, errs);
    if (Number.isFinite(sl2)) slopes.push(sl2);
    slope.add(errs[errs.length - 1], 0, !(sl2 < MIN_SLOPE), () => sample({ probe: 'η-slope', slope: sl2, etas: SLOPE_ETAS, errors: errs }));

    // The literal 'separate rows' reading, on the same distributions, for the note.
    if (regime === 'assumption' && k < 16) {
      const sep = drawModel(makeRng(o.seed * 7919 + k), V, L, m, regime, 'separate-rows');
      const c = await perPositionChange(be, ops, sep, await marginDirection(be, ops, sep));
      for (let i = m; i < L; i++) { separate.positions++; if (c[i] > 0) separate.rose++; }
    }

    // Growth with suffix length: the total first-order change of log π_w for suffixes 1..maxSuffix.
    if (regime === 'assumption' && growthCurves.length < 16) {
      const long = drawModel(rng, V, m + maxSuffix, m, 'assumption', 'shared-offset');
      const curve: number[] = [];
      for (let K = 1; K <= maxSuffix; K++) {
        const t = truncate(long, m + K);
        curve.push((await perPositionChange(be, ops, t, await marginDirection(be, ops, t))).reduce((a, x) => a + x, 0));
      }
      growthCurves.push(curve);
      const rises = curve.slice(1).map((c, q) => c - curve[q]).filter((x) => x > FORMULA_TOL).length;
      growth.add(0, 0, rises === 0, () => sample({ probe: 'growth', m, curve }));
    }
    o.progress(k + 1, o.samples);
  }

  const tallies = { eq11, eq13, signs, slope, growth };
  const failedTallies = Object.entries(tallies).filter(([, t]) => t.failures > 0);
  const mFailed = atM.neither > 0;
  const failed = failedTallies.length > 0 || mFailed;
  const meanCurve = growthCurves.length ? growthCurves[0].map((_, K) => growthCurves.reduce((a, c) => a + c[K], 0) / growthCurves.length) : [];
  const negativeFrom = meanCurve.findIndex((x) => x < 0);
  const medianSlope = slopes.length ? [...slopes].sort((a, b) => a - b)[Math.floor(slopes.length / 2)] : NaN;
  const which = atM.appendix21 === atM.samples && atM.main12 < atM.samples ? 'appendix (21)'
    : atM.main12 === atM.samples && atM.appendix21 < atM.samples ? 'main-text (12)' : atM.main12 === atM.samples ? 'both' : 'neither consistently';
  const notes = [
    `position m: the actual step matched appendix eq. (21), 1 + (s[k*] − s[j*]), on ${atM.appendix21}/${atM.samples} samples (max error ${atM.worst21.toExponential(2)}) and main-text eq. (12), 1 + (s[j*] − s[k*]), on ${atM.main12}/${atM.samples} (max error ${atM.worst12.toPrecision(4)}): ${which} is right${atM.example12 ? `; e.g. ${JSON.stringify(atM.example12)}` : ''}. Both are ≥ 0, so the sign claim of (12) stands either way.`,
    `eq. (11): max |actual| ${eq11.maxAbs.toExponential(2)} at positions before m — the prefix rows are not moved at all (their gradients cancel exactly).`,
    `eq. (13): max error ${eq13.maxAbs.toExponential(2)} against the actual first-order change, with or without the assumption; its sign ≤ 0 under the assumption ${signs.failures === 0 ? 'held at every suffix position' : `FAILED ${signs.failures} times`}.`,
    `assumption violated (${violated.samples} samples, ${violated.positions} suffix positions): (13) > 0 — the chosen token rises — at ${violated.flips} positions (${violated.positions ? ((100 * violated.flips) / violated.positions).toFixed(1) : 0}%); the whole chosen response rose in ${violated.chosenRose}/${violated.samples}${violated.example ? `; e.g. ${JSON.stringify(violated.example)}` : ''}.`,
    `growth with suffix length (${growthCurves.length} draws, suffixes 1..${maxSuffix}): total first-order Δlog π_w ${growth.failures === 0 ? 'never rose' : `rose in ${growth.failures} draws`} as the suffix grew; mean by suffix length ${meanCurve.map((x) => x.toFixed(3)).join(', ')}${negativeFrom >= 0 ? ` (negative from suffix length ${negativeFrom + 1})` : ''}.`,
    `first order: log-log slope of |Δlog π_w − η⟨∇log π_w, g⟩| against η, median ${medianSlope.toFixed(3)}, minimum ${Math.min(...slopes).toFixed(3)} (need ≥ ${MIN_SLOPE}).`,
    `parameterisation: with chosen and rejected suffix rows as separate parameters (the literal reading of B.2), the chosen suffix token rose at ${separate.rose}/${separate.positions} positions — (13) needs the shared-row model (see learnable-logits.ts).`,
    ...(mFailed ? [`FAILED position m: the actual change matched neither (12) nor (21) on ${atM.neither} samples`] : []),
    ...failedTallies.map(([n, t]) => `FAILED ${n}: ${t.failures} comparisons`),
  ];
  const worst = failedTallies.length ? failedTallies[0][1].firstFailure : mFailed ? atM.example12 : atM.example12 ?? eq13.worst;
  return {
    id: 'theorem3',
    status: failed ? 'refuted' : 'verified-first-order',
    summary: failed
      ? `Theorem 3 check failed (${[...failedTallies.map(([n]) => n), ...(mFailed ? ['position m'] : [])].join(', ')}); see the counterexample`
      : `(11), (13) and their signs hold to first order on ${o.samples} samples under Pal et al.'s assumption; at position m the step matches ${which}${which === 'appendix (21)' ? ', not the main text\'s (12) (sign of s[j*] − s[k*] swapped)' : ''}`,
    assumption: PAL_ASSUMPTION,
    evidence: { samples: o.samples, seed: o.seed, maxAbsError: Math.max(eq11.maxAbs, eq13.maxAbs, atM.worst21), maxRelError: Math.max(eq11.maxAbs, eq13.maxAbs, atM.worst21), worst, notes },
    backend: be.kind,
    seconds: secondsSince(t0),
  };
}
