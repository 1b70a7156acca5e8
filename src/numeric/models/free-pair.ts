// Free gradient pairs for Table 1 and conditions (9)/(10): the chosen and rejected log-probabilities are
// linear in θ ∈ R^n, log π_w(θ) = ⟨a, θ⟩ and log π_l(θ) = ⟨b, θ⟩, with arbitrary a, b. The gradients are
// a and b themselves, and the first-order changes of a step are exact — any (⟨a,b⟩, ‖a‖², ‖b‖²) that
// Cauchy–Schwarz allows is reachable, which is what the conditions quantify over.

import type { Backend } from '../backend.js';
import type { Side } from './learnable-logits.js';

export interface FreePair {
  readonly a: Float64Array;
  readonly b: Float64Array;
}

export interface FreePairOps {
  logProb(be: Backend, pair: FreePair, theta: Float64Array, side: Side): Promise<number>;
  gradient(pair: FreePair, side: Side): Float64Array;
}

export const freePair: FreePairOps = {
  logProb: (be, pair, theta, side) => be.dot(side === 'w' ? pair.a : pair.b, theta),
  gradient: (pair, side) => (side === 'w' ? pair.a : pair.b),
};
