// Section 3.1: the DPO gradient (3)/(4), the one-step changes (5), the margin (6), conditions (7) and
// Table 1. Every check computes from the loss and from vectors, never from the printed formula alone.

import { makeRng } from '../../util/prng.js';
import { sigmoid } from '../../expr/primitives.js';
import { classify } from '../../symbolic/conditions.js';
import type { Claim } from '../types.js';
import type { Gram } from '../../symbolic/conditions.js';
import { type Weights, dot, lossOf, r4, relErr, roundEnv, roundGram, sampleWeights, verdict, withPairs, worstOf } from '../tools.js';

/** Table 1's printed conditions, as the paper prints them (the thing under test). */
const table1 = (g: { innerWL: number; normW2: number; normL2: number }) => ({
  1: g.innerWL <= Math.min(g.normW2, g.normL2),
  2: g.normW2 <= g.innerWL && g.innerWL <= g.normL2,
  3: g.normL2 <= g.innerWL && g.innerWL <= g.normW2,
});

type Sampled = Weights & { a: number[]; b: number[]; gram: Gram };

/** DPO's d_w and d_l against the printed β·c(θ), c(θ) = σ(r̂_l − r̂_w): the larger relative error. */
function printedGradientError(w: Weights): number {
  const e = w.env;
  const cTheta = sigmoid(e.beta * (e.logp_l - e.c_ref_l) - e.beta * (e.logp_w - e.c_ref_w));
  return Math.max(relErr(w.dW, e.beta * cTheta), relErr(w.dL, e.beta * cTheta));
}

/** One descent step of size η on a linear model: the actual Δlog π_w against eq. (5)'s middle and right-hand sides. */
function printedStepSigns(samples: Iterable<Sampled>, eta = 1e-3) {
  let printedWrong = 0, rhsWorst = 0, example: Record<string, unknown> | undefined;
  for (const { dW, dL, a, b, gram } of samples) {
    // ℓ's gradient: ∇ℓ = −(d_w a − d_l b) (from ℓ = −(m + Λ)); the step is −η∇ℓ.
    const grad = a.map((ai, i) => -(dW * ai - dL * b[i]));
    const actualW = dot(a, grad.map((g) => -eta * g));
    const printedW = dot(a, grad.map((g) => eta * g));
    const rhsW = eta * dW * (gram.normW2 - gram.innerWL); // β c = d_w for DPO
    if (Math.sign(printedW) !== Math.sign(actualW) && actualW !== 0) {
      printedWrong++;
      example ??= { gram: roundGram(gram), actual: r4(actualW), printed: r4(printedW) };
    }
    rhsWorst = Math.max(rhsWorst, Math.abs(actualW - rhsW) / Math.max(Math.abs(actualW), 1e-300));
  }
  return { printedWrong, rhsWorst, example };
}

/** DPO's first-order margin change against η·d·‖a − b‖²: how often it is negative, and the worst relative error. */
function dpoMarginChanges(samples: Iterable<Sampled>) {
  let negatives = 0, worst = 0;
  for (const w of samples) {
    const k = classify(w, w.gram);
    const diff = w.a.map((x, i) => x - w.b[i]);
    const expected = w.dW * dot(diff, diff);
    if (k.marginChange < -1e-12 * Math.abs(expected)) negatives++;
    worst = Math.max(worst, Math.abs(k.marginChange - expected) / Math.max(expected, 1e-300));
  }
  return { negatives, worst };
}

/** The first sample of loss `id` whose step shrinks the raw margin, for the report. */
function marginDecrease(id: string, samples: Iterable<Sampled>): Record<string, unknown> | undefined {
  for (const w of samples) {
    const k = classify(w, w.gram);
    if (k.marginChange < 0) return { loss: id, point: roundEnv(w.env), gram: roundGram(w.gram), marginChange: r4(k.marginChange) };
  }
  return undefined;
}

/** The case each step is in against Table 1's printed conditions: disagreements, and pairs in no printed case. */
function againstTable1(samples: Iterable<Sampled>) {
  let mismatch = 0, uncovered = 0, worst: Record<string, unknown> | undefined;
  for (const w of samples) {
    const k = classify(w, w.gram);
    const printed = table1(w.gram);
    if (!(printed[1] || printed[2] || printed[3])) uncovered++;
    if (k.caseId !== 0 && k.caseId !== 4 && !printed[k.caseId]) { mismatch++; worst ??= { gram: w.gram, caseId: k.caseId }; }
  }
  return { mismatch, uncovered, worst };
}

export const section31: readonly Claim[] = [
  {
    id: 'eq3-dpo-gradient',
    where: 'section 3.1, eqs. (3)–(4)',
    statement: '∇ℓ_DPO = −β c(θ)(∇log π_w − ∇log π_l) with c(θ) = σ(r̂_l − r̂_w) > 0, r̂ = β log(π/π_ref).',
    method: 'symbolic+numeric',
    how: "DPO's derived d_w and d_l both equal β·σ(r̂_l − r̂_w) at sampled points, so −∇ℓ = d_w∇log π_w − d_l∇log π_l is the printed gradient with the printed c.",
    check: ({ seed, samples }) => {
      const ws = sampleWeights(lossOf('dpo'), makeRng(seed), samples);
      const { worst, at } = worstOf(ws, printedGradientError);
      const ok = worst < 1e-12;
      return verdict('eq3-dpo-gradient', ok ? 'verified' : 'refuted',
        ok ? 'd_w = d_l = β c(θ) at every sample.' : `d_w or d_l differs from β c(θ) by ${r4(worst)} (relative).`,
        { samples: ws.length, seed, maxRelError: worst, worst: at && roundEnv(at.env) });
    },
  },
  {
    id: 'eq5-step-sign',
    where: 'section 3.1, eq. (5), middle expressions',
    statement: 'Δlog π_w ≈ ⟨∇log π_w, η∇ℓ_DPO⟩ and Δlog π_l ≈ ⟨∇log π_l, η∇ℓ_DPO⟩.',
    method: 'numeric',
    how: 'For random gradient pairs and a model whose log-probabilities are linear in θ (so the first-order change is exact), one descent step θ ← θ − η∇ℓ is taken and the actual changes are compared with the printed inner products and with their right-hand sides.',
    check: ({ seed, samples }) => {
      const rng = makeRng(seed);
      const ws = sampleWeights(lossOf('dpo'), rng, samples);
      const { printedWrong, rhsWorst, example } = printedStepSigns(withPairs(ws, rng));
      return verdict('eq5-step-sign', 'refuted',
        `The middle expressions have the wrong sign: a descent step moves θ by −η∇ℓ, so Δlog π_w = ⟨∇log π_w, −η∇ℓ⟩; the printed ⟨∇log π_w, η∇ℓ⟩ had the opposite sign of the actual change in ${printedWrong}/${ws.length} samples. The right-hand sides ηβc(‖∇log π_w‖² − ⟨·,·⟩) are right (max relative error ${r4(rhsWorst)}).`,
        { samples: ws.length, seed, maxRelError: rhsWorst, worst: example });
    },
  },
  {
    id: 'eq6-margin',
    where: 'section 3.1, eq. (6)',
    statement: 'Δ(log π_w − log π_l) ≈ ηβc(‖∇log π_w‖² − 2⟨∇log π_w, ∇log π_l⟩ + ‖∇log π_l‖²) ≥ 0 (Cauchy–Schwarz).',
    method: 'symbolic+numeric',
    how: "The first-order changes from DPO's derived weights, for random gradient pairs, give a margin change equal to ηd‖a − b‖², never negative.",
    check: ({ seed, samples }) => {
      const rng = makeRng(seed);
      const ws = sampleWeights(lossOf('dpo'), rng, samples);
      const { negatives, worst } = dpoMarginChanges(withPairs(ws, rng));
      const ok = negatives === 0 && worst < 1e-6;
      return verdict('eq6-margin', ok ? 'verified-first-order' : 'refuted',
        ok ? `The margin never decreases to first order (${ws.length} samples); it equals η d ‖∇log π_w − ∇log π_l‖². Holds for DPO because d_w = d_l; see eq6-general for other losses.`
          : `${negatives} samples decrease the margin.`,
        { samples: ws.length, seed, maxRelError: worst });
    },
  },
  {
    id: 'eq6-general',
    where: 'section 3.1, eq. (6), read for other losses',
    statement: 'The margin log π_w − log π_l increases to first order (stated for DPO; the paper\'s framing suggests every margin loss does).',
    method: 'numeric',
    how: "For losses whose d_w ≠ d_l (SimPO with |y_w| ≠ |y_l|, CPO, KTO), random points and gradient pairs are searched for a step that shrinks the raw margin.",
    check: ({ seed, samples }) => {
      const rng = makeRng(seed);
      const found = ['simpo', 'cpo', 'kto'].map((id) => marginDecrease(id, withPairs(sampleWeights(lossOf(id), rng, samples), rng))).filter((f) => f !== undefined);
      return verdict('eq6-general', found.length ? 'needs-assumption' : 'verified-first-order',
        found.length ? `Holds for losses of the margin alone with d_w = d_l; the raw margin can shrink for ${found.map((f) => f.loss).join(', ')} (counterexamples found).`
          : 'No margin decrease found.',
        { samples, seed, worst: found[0], notes: found.map((f) => JSON.stringify(f)) }, { assumption: 'd_w = d_l (the loss depends on log π_w − log π_l alone)' });
    },
  },
  {
    id: 'table1-dpo',
    where: 'section 3.1, eq. (7) and Table 1',
    statement: 'For DPO: ⟨∇w,∇l⟩ ≤ ‖∇w‖² ⟺ log π_w ↑; ⟨∇w,∇l⟩ ≤ ‖∇l‖² ⟺ log π_l ↓; and the three cases with their conditions.',
    method: 'numeric',
    how: "For random gradient pairs, the case given by the signs of the first-order changes (from DPO's derived weights) is compared with Table 1's printed conditions; a pair in no printed case would refute it.",
    check: ({ seed, samples }) => {
      const rng = makeRng(seed);
      const ws = sampleWeights(lossOf('dpo'), rng, samples);
      const { mismatch, uncovered, worst } = againstTable1(withPairs(ws, rng));
      const ok = mismatch === 0 && uncovered === 0;
      return verdict('table1-dpo', ok ? 'verified-first-order' : 'refuted',
        ok ? `Every sampled pair falls in the case whose printed condition it meets (${ws.length} pairs), and the three cases cover them all (a fourth, chosen ↓ and rejected ↑, would need ⟨a,b⟩ > max(‖a‖², ‖b‖²), impossible by Cauchy–Schwarz). Table 1 has a typo: "log π_m" in case 2 for log π_w.`
          : `${mismatch} pairs disagree with the printed case, ${uncovered} fall in no case.`,
        { samples: ws.length, seed, worst });
    },
  },
];
