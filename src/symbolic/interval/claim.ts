// `lhs op rhs` claims over a box, proved by branch and bound on lhs − rhs. Used by `marginlab prove`
// and by claims files; the loss's weights dW, dL and ratio may appear, and are proved regime by regime —
// for a loss over K ranked responses its weights d_1 … d_K (symbolic/ranked.ts).

import { type Expr, sub, substitute, symbolsOf } from '../../expr/expr.js';
import type { Interval } from '../../expr/interval.js';
import type { Derivation } from '../derive.js';
import { type RankedDerivation, weightName } from '../ranked.js';
import type { Box } from './evaluate.js';
import { certified, encloseAt } from './enclose.js';
import { type ProofResult, type ProveOptions, type SideCondition, type SignOp, prove } from './prove.js';
import { expandCref, substituteCref } from './direction.js';

export interface Comparison { readonly left: Expr; readonly op: SignOp; readonly right: Expr }

/** A certified value at a witness: the float64 nearest the middle of its enclosure, and the enclosure. */
export interface WitnessValue { readonly value: number; readonly lo: number; readonly hi: number }

/** A refuting point, labelled: each side of the claim, and the weights the claim uses, at that point. */
export interface WitnessReport {
  readonly point: Readonly<Record<string, number>>;
  readonly lhs: WitnessValue | null;
  readonly rhs: WitnessValue | null;
  /** dW, dL, ratio — or d_1 … d_K for a ranked loss — as the claim uses them. */
  readonly weights: Readonly<Record<string, WitnessValue | null>>;
}

export interface RegimeProof { readonly regime: string; readonly result: ProofResult; readonly witness?: WitnessReport; readonly note?: string }

/**
 * The claim as `lhs − rhs op 0`, with side conditions from assumptions (same form). Not simplified
 * here: the prover simplifies, and checks a witness against the claim as written as well.
 */
function asSign(c: Comparison): { e: Expr; op: SignOp } {
  return { e: sub(c.left, c.right), op: c.op };
}

export function assumptionConditions(cs: readonly Comparison[]): SideCondition[] {
  return cs.map((c) => {
    const { e, op } = asSign(c);
    return { g: substituteCref(e), side: op === '>' || op === '>=' ? 'above' : 'below', strict: op === '>' || op === '<' };
  });
}

const valueAt = (e: Expr, env: Readonly<Record<string, number>>): WitnessValue | null => {
  const c = certified(encloseAt(expandCref(e), env));
  return c ? { value: c.value, lo: c.lo, hi: c.hi } : null;
};

/**
 * The witness with every side labelled. Variables the claim's difference does not use (they cancel
 * between the sides) take a point of their domain, so both sides can still be evaluated.
 */
export function witnessReport(claim: Comparison, bind: Readonly<Record<string, Expr>>, witness: Readonly<Record<string, number>>, box: Box): WitnessReport {
  const env: Record<string, number> = { ...witness };
  const sides = [claim.left, claim.right].map((x) => expandCref(substitute(x, bind)));
  for (const x of sides) {
    for (const n of symbolsOf(x)) {
      if (env[n] === undefined && Object.prototype.hasOwnProperty.call(box, n)) env[n] = pointOf(box[n]);
    }
  }
  const uses = new Set<string>();
  symbolsOf(claim.left, uses); symbolsOf(claim.right, uses);
  const weights: Record<string, WitnessValue | null> = {};
  for (const w of Object.keys(bind)) if (uses.has(w)) weights[w] = valueAt(bind[w], env);
  return { point: witness, lhs: valueAt(sides[0], env), rhs: valueAt(sides[1], env), weights };
}

function pointOf(i: Interval): number {
  if (Number.isFinite(i.lo) && !i.loOpen) return i.lo;
  if (Number.isFinite(i.hi) && !i.hiOpen) return i.hi;
  if (Number.isFinite(i.lo) && Number.isFinite(i.hi)) return i.lo + (i.hi - i.lo) / 2;
  if (Number.isFinite(i.hi)) return i.hi - 1;
  if (Number.isFinite(i.lo)) return i.lo + 1;
  return 0;
}

/** Prove `claim` on `box` under `assuming`; with a derivation, dW, dL and ratio are bound per regime (with a
 * ranked one, d_1 … d_K). */
export function proveClaim(claim: Comparison, box: Box, opts: { assuming?: readonly Comparison[]; derivation?: Derivation; ranked?: RankedDerivation } & Pick<ProveOptions, 'budget' | 'timeLimitMs' | 'candidates'> = {}): RegimeProof[] {
  const { e, op } = asSign(claim);
  const extra = assumptionConditions(opts.assuming ?? []);
  const d = opts.derivation;
  const run = (expr: Expr, conditions: SideCondition[], bind: Record<string, Expr>, regime: string): RegimeProof => {
    const result = prove(expr, op, box, { budget: opts.budget, timeLimitMs: opts.timeLimitMs, candidates: opts.candidates, conditions });
    return { regime, result, witness: result.status === 'refuted' ? witnessReport(claim, bind, result.witness!, box) : undefined };
  };
  // Each regime's weights bound in the claim and in the assumptions; the regime's constraints are side conditions.
  const inRegime = (r: { readonly label: string; readonly constraints: readonly { g: Expr; side: 'above' | 'below' }[] }, bind: Record<string, Expr>): RegimeProof => {
    const conds = [...r.constraints.map((c) => ({ g: expandCref(c.g), side: c.side })), ...extra.map((x) => ({ ...x, g: substituteCref(substitute(x.g, bind)) }))];
    return run(substituteCref(substitute(e, bind)), conds, bind, r.label);
  };
  if (opts.ranked) return opts.ranked.regimes.map((r) => inRegime(r, Object.fromEntries(r.d.map((x, k) => [weightName(k + 1), x]))));
  if (!d) return [run(substituteCref(e), extra, {}, 'everywhere')];
  return d.regimes.map((r) => {
    if (!r.ratio && symbolsOf(e).has('ratio')) {
      return { regime: r.label, result: { status: 'undecided' as const, boxes: 0, probes: 0, remaining: 1, remainingShare: 1, seconds: 0 },
        note: 'd_w/d_l is undefined in this regime (d_l ≡ 0), so a claim about it is neither true nor false here' };
    }
    const bind: Record<string, Expr> = { dW: r.dW, dL: r.dL };
    if (r.ratio) bind.ratio = r.ratio;
    return inRegime(r, bind);
  });
}

/** Combine per-regime results: refuted if any is, proved if all are, else undecided. */
export function combine(rs: readonly RegimeProof[]): ProofResult['status'] {
  if (rs.some((r) => r.result.status === 'refuted')) return 'refuted';
  return rs.every((r) => r.result.status === 'proved') ? 'proved' : 'undecided';
}
