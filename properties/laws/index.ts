// Reusable law helpers: each wraps one law of src/symbolic/laws.ts (the same checks `marginlab fuzz`
// runs) as an assertion. A helper returns true when the law was judged at the sample and false when it
// could not be (domain fault, regime boundary, ill-conditioned float); it throws, with the evidence,
// when the law fails. Pass a Tally to count judged samples, so that no suite can pass on skips alone.
import katex from 'katex';
import type { Expr } from '../../src/expr/expr.js';
import type { Gram } from '../../src/symbolic/conditions.js';
import { type CompiledDerivation } from '../../src/symbolic/point.js';
import { type LawOutcome, conditionLaw, derivativeLaw, expressionDerivativeLaw, marginFormLaw, marginLaw, parsePrintLaw, rankedDerivativeLaw,
  rankedStepLaw, regimeCoverLaw, simplifyLaw } from '../../src/symbolic/laws.js';
import type { CompiledRanked } from '../../src/symbolic/ranked.js';
import type { Env } from '../../src/symbolic/evaluate.js';

export class Tally {
  judged = 0;
  readonly skipped = new Map<string, number>();
  constructor(readonly name: string) {}
  record(o: LawOutcome): boolean {
    if (o.status === 'skip') { this.skipped.set(o.reason, (this.skipped.get(o.reason) ?? 0) + 1); return false; }
    this.judged++;
    return true;
  }
  get skips(): number { return [...this.skipped.values()].reduce((s, n) => s + n, 0); }
  /** Fail the suite unless at least `min` samples were judged. */
  expectAtLeast(min: number): void {
    if (this.judged < min) {
      throw new Error(`${this.name}: only ${this.judged} samples judged (need ${min}); skipped: ${JSON.stringify(Object.fromEntries(this.skipped))}`);
    }
  }
  toString(): string { return `${this.name}: ${this.judged} judged, ${this.skips} skipped`; }
}

export class LawFailure extends Error {
  constructor(readonly outcome: Extract<LawOutcome, { status: 'fail' }>) {
    super(`${outcome.message}\n${JSON.stringify(outcome.details, null, 2)}`);
  }
}

function settle(o: LawOutcome, tally?: Tally): boolean {
  if (o.status === 'fail') throw new LawFailure(o);
  return tally ? tally.record(o) : o.status === 'pass';
}

/** d/dx expr (rule table + chain rule) matches a central difference of expr at env. */
export const assertDerivativeMatchesFiniteDifference = (expr: Expr, x: string, env: Env, tally?: Tally): boolean =>
  settle(expressionDerivativeLaw(expr, x, env), tally);

/** A loss's d_w, d_l (derive → regimes → compileDerivation/regimeAt) match −∂L/∂logp_w, ∂L/∂logp_l. */
export const assertWeightsMatchFiniteDifference = (c: CompiledDerivation, env: Env, tally?: Tally): boolean =>
  settle(derivativeLaw(c, env), tally);

/** simplify never changes a value where the expression is defined. */
export const assertSimplifyPreservesValue = (expr: Expr, env: Env, tally?: Tally): boolean =>
  settle(simplifyLaw(expr, env), tally);

/** Conditions (9)/(10) with their sign handling agree with the first-order step. */
export const assertConditionMatchesFirstOrderStep = (c: CompiledDerivation, env: Env, g: Gram, tally?: Tally): boolean =>
  settle(conditionLaw(c, env, g), tally);

/** Off the boundaries, exactly one regime holds. */
export const assertRegimesCoverDomain = (c: CompiledDerivation, env: Env, tally?: Tally): boolean =>
  settle(regimeCoverLaw(c, env), tally);

/** Parse → print → parse: same value, and printing a canonical tree is a fixed point. */
export const assertParsePrintParseStable = (expr: Expr, symbols: Iterable<string>, env?: Env, tally?: Tally): boolean =>
  settle(parsePrintLaw(expr, symbols, env), tally);

/** eq. (6): the margin does not decrease to first order. */
export const assertMarginNonDecreasing = (c: CompiledDerivation, env: Env, g: Gram, tally?: Tally): boolean =>
  settle(marginLaw(c, env, g), tally);

/** A general L's recovered margin form (m, h_w, h_l, Λ_w, Λ_l derived as eq. (8)) gives L's own d_w, d_l. */
export const assertMarginFormReproducesWeights = (general: CompiledDerivation, recovered: CompiledDerivation, env: Env, tally?: Tally): boolean =>
  settle(marginFormLaw(general, recovered, env), tally);

/** Every d_k of a K-response loss matches −∂L/∂logp_k (central differences of L). */
export const assertRankedWeightsMatchFiniteDifference = (c: CompiledRanked, env: Env, tally?: Tally): boolean =>
  settle(rankedDerivativeLaw(c, env), tally);

/** Δlogp_k = η·(G·d)_k, G = A·Aᵀ, matches an actual gradient step on a linear model with gradient rows A (and the certified signs agree). */
export const assertRankedStepMatchesGradientStep = (c: CompiledRanked, env: Env, rows: readonly (readonly number[])[], eta: number, tally?: Tally): boolean =>
  settle(rankedStepLaw(c, env, rows, eta), tally);

/** The LaTeX renders in KaTeX with throwOnError. */
export function assertRendersInKatex(tex: string): void {
  try {
    katex.renderToString(tex, { throwOnError: true, displayMode: true });
  } catch (e) {
    throw new Error(`KaTeX cannot render ${JSON.stringify(tex)}: ${(e as Error).message}`);
  }
}

/** Same seed, same output: f(seed) twice gives deeply equal results. */
export function assertProduceSameValueGivenSameSeed<T>(f: (seed: number) => T, seed: number): T {
  const a = f(seed), b = f(seed);
  const ja = JSON.stringify(a), jb = JSON.stringify(b);
  if (ja !== jb) throw new Error(`seed ${seed} gave two different results:\n${ja}\n${jb}`);
  return a;
}
