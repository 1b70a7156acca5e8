// Section 3.2: the general gradient, conditions (9)/(10), and the per-loss statements (DPO, SPPO, KTO,
// CPO, SimPO) — each read off the engine's derivation, then checked at sampled points.

import { makeRng } from '../../util/prng.js';
import { parseExpression } from '../../loss/parse.js';
import { compile, evaluateOrNaN } from '../../symbolic/evaluate.js';
import { differentiate } from '../../symbolic/diff.js';
import { simplify } from '../../symbolic/simplify.js';
import { toText } from '../../symbolic/print.js';
import { classify, conditionsFor, holdsAt } from '../../symbolic/conditions.js';
import type { Expr } from '../../expr/expr.js';
import type { Claim } from '../types.js';
import { dot, lossOf, r4, randomPair, relErr, roundEnv, sampleCatalogue, sampleWeights, specOf, verdict } from '../tools.js';
import { resultSymbols } from '../../loss/symbols.js';

/** An expression over the symbols of catalogue loss `id`'s results (log-probabilities, context, its params). */
function ex(id: string, text: string): Expr {
  const r = parseExpression(text, { slot: 'claim', symbols: resultSymbols(Object.keys(specOf(id).source.params)) });
  if (!r.ok) throw new Error(`internal: ${r.errors[0].message}`);
  return r.value;
}
const only = (id: string) => lossOf(id).derivation.regimes[0];

/** Search catalogue losses for a point and pair where a paper condition holds but the step goes the other way. */
function conditionCounterexample(direction: 'chosen-up' | 'rejected-down', seed: number, samples: number) {
  const rng = makeRng(seed);
  for (const { id, w } of sampleCatalogue(rng, samples)) {
    const { gram } = randomPair(rng);
    const k = classify(w, gram);
    // The paper's form, with no sign handling: (9) ⟨a,b⟩ ≤ (d_w/d_l)‖a‖², (10) ⟨a,b⟩ ≤ (d_l/d_w)‖b‖².
    const paper = direction === 'chosen-up' ? gram.innerWL <= (w.dW / w.dL) * gram.normW2 : gram.innerWL <= (w.dL / w.dW) * gram.normL2;
    const actual = direction === 'chosen-up' ? k.dLogpW >= 0 : k.dLogpL <= 0;
    if (paper !== actual && Number.isFinite(w.dW / w.dL) && Number.isFinite(w.dL / w.dW)) {
      return { loss: id, point: roundEnv(w.env), dW: r4(w.dW), dL: r4(w.dL), gram: { innerWL: r4(gram.innerWL), normW2: r4(gram.normW2), normL2: r4(gram.normL2) },
        paperSays: paper, actual: { dLogpW: r4(k.dLogpW), dLogpL: r4(k.dLogpL) } };
    }
  }
  return undefined;
}

/** The sign-handled conditions agree with the actual step everywhere (for contrast with the paper's form). */
function signHandledAgrees(seed: number, samples: number): number {
  const rng = makeRng(seed + 1);
  let checked = 0;
  for (const { c, w } of sampleCatalogue(rng, Math.ceil(samples / 4))) {
    const r = c.derivation.regimes[w.regime];
    const { gram } = randomPair(rng);
    const k = classify(w, gram);
    const conds = conditionsFor(r);
    // Where the simplified ratio's own denominator rounds to 0 (or overflows) the point says nothing.
    if ((r.ratio && !Number.isFinite(evaluateOrNaN(compile(r.ratio), w.env))) || (r.invRatio && !Number.isFinite(evaluateOrNaN(compile(r.invRatio), w.env)))) continue;
    const coef = (x: Expr) => compile(x)(w.env);
    const up = holdsAt(conds[0], w, gram, coef), down = holdsAt(conds[2], w, gram, coef);
    const tol = 1e-9 * (Math.abs(w.dW) + Math.abs(w.dL)) * (gram.normW2 + gram.normL2);
    if (Math.abs(k.dLogpW) > tol && up !== k.dLogpW >= 0) return -1;
    if (Math.abs(k.dLogpL) > tol && down !== k.dLogpL <= 0) return -1;
    checked++;
  }
  return checked;
}

/** The printed ∇ℓ = d_w∇log π_w − d_l∇log π_l and its negative against central differences of ℓ along random directions. */
function gradientAgainstDifferences(seed: number, samples: number) {
  const rng = makeRng(seed);
  let printedOk = 0, negatedOk = 0, n = 0;
  let example: Record<string, unknown> | undefined;
  for (const { id, c, w } of sampleCatalogue(rng, Math.ceil(samples / 4), ['dpo', 'cpo', 'simpo', 'kto'])) {
    const { a, b } = randomPair(rng);
    const v = a.map(() => rng.normal());
    const h = 1e-6 / Math.max(Math.abs(dot(a, v)), Math.abs(dot(b, v)), 1e-12);
    const L = (t: number) => c.L({ ...w.env, logp_w: w.env.logp_w + t * dot(a, v), logp_l: w.env.logp_l + t * dot(b, v) });
    const fd = (L(h) - L(-h)) / (2 * h);
    const printed = dot(a.map((x, i) => w.dW * x - w.dL * b[i]), v);
    if (!Number.isFinite(fd) || Math.abs(fd) < 1e-8 * Math.abs(L(0))) continue;
    n++;
    example ??= { loss: id, point: roundEnv(w.env), finiteDifference: r4(fd), printed: r4(printed) };
    if (relErr(fd, printed) < 1e-4) printedOk++;
    if (relErr(fd, -printed) < 1e-4) negatedOk++;
  }
  return { printedOk, negatedOk, n, example };
}

/** The product of the simplified d_w/d_l and d_l/d_w over every regime of the catalogue: its largest distance from 1. */
function reciprocalRatios(seed: number, samples: number) {
  const rng = makeRng(seed);
  let worst = 0, n = 0;
  let at: Record<string, unknown> | undefined;
  for (const { id, c, w } of sampleCatalogue(rng, Math.ceil(samples / 6))) {
    const r = c.derivation.regimes[w.regime];
    if (!r.ratio || !r.invRatio) continue;
    const q = evaluateOrNaN(compile(r.ratio), w.env);
    // Near d_w = 0 or d_l = 0 (APO-down at the reference start has d_w = 0 exactly) both ratios are
    // ill-conditioned differences of equal terms; round-off there says nothing about the algebra.
    if (!(Math.abs(q) > 1e-6 && Math.abs(q) < 1e6)) continue;
    const p = q * evaluateOrNaN(compile(r.invRatio), w.env);
    if (!Number.isFinite(p)) continue;
    n++;
    if (Math.abs(p - 1) > worst) { worst = Math.abs(p - 1); at = { loss: id, point: roundEnv(w.env), product: p }; }
  }
  return { worst, n, at };
}

/** SPPO's derived ratio at c_ref = 0 against the ratio as section 3.2 prints it. */
function sppoPrintedRatio(seed: number, samples: number) {
  const f = compile(only('sppo').ratio!);
  const rng = makeRng(seed);
  let worst = 0, at: Record<string, number> | undefined;
  for (let i = 0; i < samples; i++) {
    const env = { logp_w: -100 * rng.next(), logp_l: -100 * rng.next(), beta: 0.002, c_ref_w: 0, c_ref_l: 0 };
    const printed = ((1 / env.beta) * env.logp_w) / (1 / env.beta + env.logp_l);
    const err = relErr(f(env), printed);
    if (err > worst) { worst = err; at = env; }
  }
  return { f, worst, at };
}

/** SPPO's derived ratio at c_ref = 0 against appendix A.1's α, how often α ≤ 1 where its assumption holds, and a point where d_l < 0. */
function sppoAlpha(seed: number, samples: number) {
  const f = compile(only('sppo').ratio!);
  const rng = makeRng(seed);
  let worst = 0, alphaBelow1 = 0, valid = 0;
  for (let i = 0; i < samples; i++) {
    const beta = 10 ** (-3 + 2 * rng.next());
    const env = { logp_w: -(1 / beta) * 2 * rng.next(), logp_l: -(1 / beta) * 2 * rng.next(), beta, c_ref_w: 0, c_ref_l: 0 };
    const alpha = (1 / beta - env.logp_w) / (1 / beta + env.logp_l);
    worst = Math.max(worst, relErr(f(env), alpha));
    if (1 / beta + env.logp_l > 0) { valid++; if (!(alpha > 1)) alphaBelow1++; }
  }
  const dLneg = sampleWeights(lossOf('sppo'), rng, samples, (e) => { e.c_ref_w = 0; e.c_ref_l = 0; }).find((w) => w.dL < 0);
  return { worst, alphaBelow1, valid, dLneg };
}

/** CPO's ratio against 1, and its d_l against DPO's with and without DPO's reference term. */
function cpoAgainstDpo(seed: number, samples: number) {
  const r = only('cpo');
  const excess = compile(simplify({ kind: 'add', terms: [r.ratio!, { kind: 'num', value: -1 }] }));
  // Where σ(·) underflows to 0 in float64 the ratio is beyond float range; those points say nothing.
  const ws = sampleWeights(lossOf('cpo'), makeRng(seed), samples).filter((w) => w.dL > 0);
  const notAbove = ws.filter((w) => !(evaluateOrNaN(excess, w.env) > 0)).length;
  const dpo = compile(only('dpo').dL), cpo = compile(r.dL);
  let differs = 0;
  for (const w of ws) if (relErr(dpo(w.env), cpo(w.env)) > 1e-9) differs++;
  const sameAtZero = ws.every((w) => relErr(dpo({ ...w.env, c_ref: 0 }), cpo(w.env)) < 1e-9);
  return { r, ws, notAbove, differs, sameAtZero };
}

export const section32: readonly Claim[] = [
  {
    id: 'grad-general-sign',
    where: 'section 3.2, the gradient of eq. (8)',
    statement: '∇_θ ℓ = d_w ∇log π_w − d_l ∇log π_l.',
    method: 'numeric',
    how: 'With log-probabilities linear in θ (lw = aᵀθ, ll = bᵀθ), a central finite difference of ℓ along random directions is compared with the printed gradient and with its negative.',
    check: ({ seed, samples }) => {
      const { printedOk, negatedOk, n, example } = gradientAgainstDifferences(seed, samples);
      const ok = printedOk === n;
      return verdict('grad-general-sign', ok ? 'verified' : 'refuted',
        ok ? 'The printed gradient matches finite differences.' :
          `Sign slip: finite differences of ℓ = −(m + Λ) match −(d_w∇log π_w − d_l∇log π_l) in ${negatedOk}/${n} samples and the printed d_w∇log π_w − d_l∇log π_l in ${printedOk}/${n}. The Δ formulas that follow are nevertheless right, because the descent step is also written without its minus (⟨∇log π_w, η∇ℓ⟩): the two slips cancel.`,
        { samples: n, seed, worst: example });
    },
  },
  {
    id: 'eq9-sign',
    where: 'section 3.2, eq. (9)',
    statement: '⟨∇log π_w, ∇log π_l⟩ ≤ (d_w/d_l)‖∇log π_w‖² ⟺ Δlog π_w ≥ 0.',
    method: 'symbolic+numeric',
    how: 'Δlog π_w = η(d_w‖a‖² − d_l⟨a,b⟩) ≥ 0 is solved for ⟨a,b⟩ by dividing by d_l; catalogue losses at sampled points and random gradient pairs are searched for a case where the printed form and the actual step disagree, and marginlab\'s sign-handled conditions are checked on the same kind of samples.',
    check: ({ seed, samples }) => {
      const cx = conditionCounterexample('chosen-up', seed, samples);
      const agrees = signHandledAgrees(seed, samples);
      return verdict('eq9-sign', cx ? 'needs-assumption' : 'verified-first-order',
        cx ? `Holds only when d_l > 0: dividing by d_l < 0 flips the inequality (counterexample: ${cx.loss}). With the sign handled (≥ when d_l < 0; no condition on ⟨a,b⟩ when d_l = 0) it agreed with the actual step at ${agrees} samples.`
          : `No counterexample found; sign-handled form agreed at ${agrees} samples.`,
        { samples, seed, worst: cx }, { assumption: 'd_l > 0' });
    },
  },
  {
    id: 'eq10-sign',
    where: 'section 3.2, eq. (10)',
    statement: '⟨∇log π_w, ∇log π_l⟩ ≤ (d_l/d_w)‖∇log π_l‖² ⟺ Δlog π_l ≤ 0.',
    method: 'symbolic+numeric',
    how: 'As for (9), dividing Δlog π_l = η(d_w⟨a,b⟩ − d_l‖b‖²) ≤ 0 by d_w.',
    check: ({ seed, samples }) => {
      const cx = conditionCounterexample('rejected-down', seed, samples);
      return verdict('eq10-sign', cx ? 'needs-assumption' : 'verified-first-order',
        cx ? `Holds only when d_w > 0: dividing by d_w < 0 flips it (counterexample: ${cx.loss}; cDPO, NCA and APO-down have d_w < 0 in parts of the domain).`
          : 'No counterexample found.',
        { samples, seed, worst: cx }, { assumption: 'd_w > 0' });
    },
  },
  {
    id: 'lenient-strict',
    where: 'section 3.2, after eq. (10)',
    statement: 'When one condition is more lenient (d_w/d_l > 1 for the winner) the other is stricter (d_l/d_w < 1 for the loser).',
    method: 'symbolic+numeric',
    how: 'For every regime of every catalogue loss where both exist, the simplified d_w/d_l and d_l/d_w are evaluated at sampled points and multiplied.',
    check: ({ seed, samples }) => {
      const { worst, n, at } = reciprocalRatios(seed, samples);
      return verdict('lenient-strict', worst < 1e-9 ? 'verified' : 'refuted',
        worst < 1e-9 ? `The two simplified ratios are reciprocal at all ${n} samples over every regime of the catalogue, so one exceeds 1 exactly when the other is below it.` : `Not reciprocal: |product − 1| = ${r4(worst)}.`,
        { samples: n, seed, maxAbsError: worst, worst: at });
    },
  },
  {
    id: 'dpo-ratio',
    where: 'section 3.2, DPO',
    statement: 'DPO: d_w/d_l = d_l/d_w = 1.',
    method: 'symbolic',
    how: "DPO's derived ratio, simplified.",
    check: ({ seed }) => {
      const r = only('dpo');
      const ok = !!r.ratio && toText(r.ratio) === '1' && !!r.invRatio && toText(r.invRatio) === '1';
      return verdict('dpo-ratio', ok ? 'verified' : 'refuted', ok ? 'The derived ratio simplifies to 1.' : `Derived ratio: ${r.ratio && toText(r.ratio)}`, { samples: 1, seed }, { backend: 'symbolic' });
    },
  },
  {
    id: 'sppo-ratio-section3',
    where: 'section 3.2, SPPO',
    statement: 'SPPO: d_w/d_l = (β⁻¹ log π_w)/(β⁻¹ + log π_l) > 1.',
    method: 'symbolic+numeric',
    how: "SPPO's derived ratio at c_ref = 0 (the paper's reference-free reading) is compared with the printed expression.",
    check: ({ seed, samples }) => {
      const { f, worst, at } = sppoPrintedRatio(seed, samples);
      return verdict('sppo-ratio-section3', worst < 1e-9 ? 'verified' : 'refuted',
        `As printed the numerator β⁻¹ log π_w is negative, so the printed ratio is < 0, not > 1: the minus sign of β⁻¹ − log π_w (appendix A.1's α) is lost. The engine gives ${toText(only('sppo').ratio!)}.`,
        { samples, seed, maxRelError: worst, worst: at && { ...roundEnv(at), derived: r4(f(at)), printed: r4(((1 / at.beta) * at.logp_w) / (1 / at.beta + at.logp_l)) } });
    },
  },
  {
    id: 'sppo-alpha',
    where: 'appendix A.1',
    statement: 'SPPO: log π_w ↑ needs ⟨a,b⟩/⟨a,a⟩ < α = (β⁻¹ − log π(w))/(β⁻¹ + log π(l)), log π_l ↓ needs ⟨a,b⟩/⟨b,b⟩ < α⁻¹, assuming β⁻¹ + log π(l) > 0; and α > 1.',
    method: 'symbolic+numeric',
    how: "The derived ratio at c_ref = 0 is compared with α at sampled points; the direction audit looks for d_l ≤ 0, where the assumption fails and (9) flips.",
    check: ({ seed, samples }) => {
      const { worst, alphaBelow1, valid, dLneg } = sppoAlpha(seed, samples);
      return verdict('sppo-alpha', worst < 1e-9 && alphaBelow1 === 0 ? 'needs-assumption' : 'refuted',
        `The derived d_w/d_l equals α (max relative error ${r4(worst)}), and α > 1 at all ${valid} samples with β⁻¹ + log π_l > 0. Without that assumption d_l < 0${dLneg ? ` (e.g. ${JSON.stringify(roundEnv(dLneg.env))})` : ''} and both conditions flip. The factor 2 of the gradient is dropped in A.1 (harmless: a time rescaling).`,
        { samples, seed, maxRelError: worst, worst: dLneg && roundEnv(dLneg.env) }, { assumption: 'β⁻¹ + log π_l > 0 (and log π_w < β⁻¹)' });
    },
  },
  {
    id: 'kto-ratio',
    where: 'section 3.2, KTO',
    statement: 'KTO: d_w/d_l ∝ λ_w/λ_l.',
    method: 'symbolic',
    how: "(d_w/d_l)·λ_l/λ_w is simplified and differentiated in λ_w and λ_l: both derivatives vanish, so the ratio is λ_w/λ_l times a factor free of them (equal to 1 at the reference, z_ref = 0).",
    check: ({ seed }) => {
      const r = only('kto');
      const scaled = simplify({ kind: 'mul', factors: [r.ratio!, ex('kto', 'lambda_l/lambda_w')] });
      const free = toText(differentiate(scaled, 'lambda_w')) === '0' && toText(differentiate(scaled, 'lambda_l')) === '0';
      const atRef = compile(scaled)({ logp_w: -12, logp_l: -15, c_ref_w: -12, c_ref_l: -15, z_ref: 0, beta: 0.1 });
      const ok = free && Math.abs(atRef - 1) < 1e-12;
      return verdict('kto-ratio', ok ? 'verified' : 'refuted',
        ok ? `d_w/d_l = (λ_w/λ_l)·${toText(scaled)}; the second factor is free of λ and equals 1 at the reference start; elsewhere it varies with both log-ratios, so "∝" is exact only there.` : `Not proportional: ${toText(scaled)}`,
        { samples: 1, seed }, { backend: 'symbolic' });
    },
  },
  {
    id: 'cpo-ratio',
    where: 'section 3.2, explicit regularisation (CPO)',
    statement: 'CPO: d_w/d_l > 1 since Λ′ ≥ 0; d_l is the same as in DPO.',
    method: 'symbolic+numeric',
    how: "CPO's derived ratio minus 1 is evaluated over sampled points; CPO's d_l is compared with DPO's with and without DPO's reference term.",
    check: ({ seed, samples }) => {
      const { r, ws, notAbove, differs, sameAtZero } = cpoAgainstDpo(seed, samples);
      return verdict('cpo-ratio', notAbove === 0 && sameAtZero ? 'needs-assumption' : 'refuted',
        `d_w/d_l = ${toText(r.ratio!)} > 1 at all ${ws.length} samples (λ > 0). "d_l is the same as in DPO" holds only without DPO's reference term (c_ref = 0): it differs at ${differs}/${ws.length} samples otherwise, and agrees at all of them with c_ref = 0. "Λ′ ≥ 0" is not true of every regularised loss in use: APO-down's Λ′ < 0.`,
        { samples: ws.length, seed }, { assumption: 'c_ref = 0 (CPO is reference-free) for the d_l statement' });
    },
  },
  {
    id: 'simpo-ratio',
    where: 'section 3.2, SimPO',
    statement: 'SimPO: d_w/d_l = |y_l|/|y_w|; |y_w| > |y_l| ⇒ d_w/d_l < 1; |y_w| < |y_l| ⇒ d_w/d_l > 1.',
    method: 'symbolic',
    how: "SimPO's derived ratio, simplified, compared structurally with len_l/len_w.",
    check: ({ seed }) => {
      const r = only('simpo');
      const ok = !!r.ratio && toText(r.ratio) === toText(simplify(ex('simpo', 'len_l/len_w')));
      return verdict('simpo-ratio', ok ? 'verified' : 'refuted', ok ? 'The derived ratio simplifies to len_l/len_w; both length cases follow.' : `Derived: ${r.ratio && toText(r.ratio)}`,
        { samples: 1, seed }, { backend: 'symbolic' });
    },
  },
  {
    id: 'rrhf-ipo-averaging',
    where: 'section 3.2, end of the SimPO item',
    statement: 'The same reasoning (d_w/d_l = |y_l|/|y_w|) also applies to RRHF (Yuan et al.) and IPO (Azar et al.), which use averaging in practice.',
    method: 'symbolic',
    how: "RRHF's derived ratio in its active regime is compared with len_l/len_w, with and without its NLL term (λ = 0).",
    check: ({ seed }) => {
      const rr = lossOf('rrhf').derivation.regimes.find((x) => x.ratio);
      const text = rr?.ratio ? toText(rr.ratio) : 'undefined';
      const withoutNll = rr?.ratio ? compile(rr.ratio)({ len_w: 10, len_l: 20, lambda: 0 }) : NaN;
      return verdict('rrhf-ipo-averaging', 'needs-assumption',
        `RRHF's active-regime ratio is ${text}: it is |y_l|/|y_w| only when λ = 0 (then ${withoutNll} = 20/10 at |y_w| = 10, |y_l| = 20); with the NLL term the chosen weight gains λ|y_l|. In the regime past the hinge d_l = 0 and the ratio is undefined. IPO as defined by Azar et al. (sums, not averages) has ratio 1.`,
        { samples: 1, seed }, { assumption: 'λ = 0 and the RRHF hinge active; IPO run on averaged log-probabilities' });
    },
  },
];
