// A loss over K ranked responses (loss/ranked.ts): its weights d_k = −∂L/∂logp_k, regime by regime, and
// their values at a point. With the sign convention of the two-response form (∇L = −(d_w∇logp_w − d_l∇logp_l),
// so d_w = −∂L/∂logp_w, d_l = +∂L/∂logp_l) a K-response loss has ∇L = −Σ_k d_k ∇logp_k: every weight is
// −∂L/∂logp_k, so a positive d_k pushes response k up — there is no "rejected" side whose sign flips.
// Hinges are split into regimes exactly as for a general two-response L (derive.ts's enumerate).

import { type Expr, neg } from '../expr/expr.js';
import { MarginFault, type MarginError, type Result, fail, ok } from '../errors.js';
import { logpName, rankedName, rankedSymbols } from '../loss/ranked.js';
import type { LossSpec } from '../loss/types.js';
import { guard, guardResult, stage, withinBudget } from './budget.js';
import { type Branch, type RegimeConstraint, constraintText, enumerate } from './derive.js';
import { type RuleUse, differentiate } from './diff.js';
import { type Compiled, compile } from './evaluate.js';
import { type Certified, certified, encloseAt } from './interval/enclose.js';
import { type Point, fillPoint, regimeAt } from './point.js';
import { simplify } from './simplify.js';

export interface RankedRegime {
  readonly index: number;
  readonly label: string;
  readonly constraints: readonly RegimeConstraint[];
  readonly L: Expr;
  /** d_1 … d_K (index 0 is d_1), each −∂L/∂logp_k simplified. */
  readonly d: readonly Expr[];
}

export interface RankedDerivation {
  readonly spec: LossSpec;
  readonly K: number;
  /** L simplified, hinges in place. */
  readonly L: Expr;
  readonly regimes: readonly RankedRegime[];
  readonly rules: readonly RuleUse[];
}

/** The weight's name: d_k. */
export const weightName = (k: number): string => `d_${k}`;

export function deriveRanked(spec: LossSpec): Result<RankedDerivation> {
  const ranked = spec.ranked;
  if (!ranked) return fail({ code: 'E_INTERNAL', message: 'deriveRanked needs a loss over ranked responses', at: { slot: 'responses' } });
  try {
    return ok(withinBudget(() => {
      const rules: RuleUse[] = [];
      const L = stage('L', 'simplifying L', () => simplify(guard(ranked.L, 'L')));
      const branches: Branch<'L'>[] = [];
      stage('L', 'splitting the hinges into regimes', () => enumerate({ L: ranked.L }, ['L'], [], branches));
      const regimes = branches.map((b, index): RankedRegime => {
        const Lr = stage('L', 'forming L in this regime', () => guardResult(simplify(guard(b.slots.L, 'L')), 'L'));
        const d = Array.from({ length: ranked.K }, (_, i) => stage('L', `differentiating L in ${logpName(i + 1)}`, () =>
          guardResult(simplify(guard(neg(differentiate(b.slots.L, logpName(i + 1), rules)), weightName(i + 1))), weightName(i + 1))));
        return { index, label: b.constraints.length === 0 ? 'everywhere' : b.constraints.map(constraintText).join(' and '), constraints: b.constraints, L: Lr, d };
      });
      const seen = new Set<string>();
      return { spec, K: ranked.K, L, regimes, rules: rules.filter((r) => (seen.has(r.rule) ? false : (seen.add(r.rule), true))) };
    }));
  } catch (e) {
    if (e instanceof MarginFault) return fail(e.error);
    throw e;
  }
}

export interface CompiledRanked {
  readonly derivation: RankedDerivation;
  /** L with its hinges in place: a function of the point across regimes (finite differences, steps). */
  readonly L: Compiled;
  readonly regimes: readonly {
    readonly regime: RankedRegime;
    readonly constraints: readonly { expr: Expr; side: 'above' | 'below'; text: string }[];
    readonly L: Compiled;
    readonly d: readonly Compiled[];
  }[];
}

export function compileRanked(d: RankedDerivation): CompiledRanked {
  return {
    derivation: d,
    L: compile(d.L),
    regimes: d.regimes.map((r) => ({ regime: r, constraints: r.constraints.map((c) => ({ expr: c.g, side: c.side, text: constraintText(c) })),
      L: compile(r.L), d: r.d.map(compile) })),
  };
}

/**
 * Fill the defaults of a K-response point: params from the loss, c_ref_k = logp_k (the policy at its reference,
 * as at the start of training), len_k = 1. Every logp_k is required; every value is checked against its domain.
 */
export function completeRankedPoint(d: RankedDerivation, given: Readonly<Record<string, number>>, o: { outsideDomain?: boolean } = {}): Result<Point> {
  const ks = Array.from({ length: d.K }, (_, i) => i + 1);
  return fillPoint(d.spec, given, { known: [...rankedSymbols(d.K, {})], required: ks.map(logpName), what: ` over ${d.K} ranked responses`, o,
    context: (v) => ks.flatMap((k) => [
      [rankedName('c_ref', k), v[logpName(k)], `${rankedName('c_ref', k)} = ${logpName(k)} (policy at its reference)`] as const,
      [rankedName('len', k), 1, `${rankedName('len', k)} = 1`] as const]) });
}

export interface RankedEvaluation {
  readonly point: Point;
  readonly regime: RankedRegime;
  /** L, or null where float64 leaves it no significant digit (the weights are what the answer rests on). */
  readonly L: number | null;
  /** d_1 … d_K. */
  readonly d: readonly number[];
  /** The enclosures the weights were certified by (index 0 is d_1). */
  readonly certified: readonly Certified[];
}

/** L and d_1 … d_K at a point, from the regime it is certified to lie in; a weight float64 cannot certify is E_ILL_CONDITIONED. */
export function evaluateRanked(c: CompiledRanked, point: Point): Result<RankedEvaluation> {
  const env = point.values;
  try {
    const r = c.regimes[regimeAt(c, env)];
    const errors: MarginError[] = [];
    const certs: Certified[] = [];
    r.regime.d.forEach((e, i) => {
      const cert = certified(encloseAt(e, env));
      if (!cert || cert.digits < 1) {
        errors.push({ code: 'E_ILL_CONDITIONED', message: `${weightName(i + 1)} has no significant digit in float64 at this point`, at: { symbol: weightName(i + 1) },
          hint: 'the values are too extreme for float64 (cancellation or underflow); rescale the point or the params' });
        return;
      }
      const f = r.d[i](env);
      certs.push(Number.isFinite(f) && f >= cert.lo && f <= cert.hi ? { ...cert, value: f } : cert);
    });
    if (errors.length) return fail(...errors);
    const Lc = certified(encloseAt(r.regime.L, env));
    const Lf = r.L(env);
    const L = Lc && Lc.digits >= 1 ? (Number.isFinite(Lf) && Lf >= Lc.lo && Lf <= Lc.hi ? Lf : Lc.value) : null;
    return ok({ point, regime: r.regime, L, d: certs.map((x) => x.value), certified: certs });
  } catch (e) {
    if (e instanceof MarginFault) return fail(e.error);
    throw e;
  }
}
