// From a loss to its gradient weights, regime by regime (section 3.2 of the paper):
//   u   = h_w(logp_w) − h_l(logp_l)
//   d_w = m′(u)·h_w′(logp_w) + Λ_w′(logp_w)
//   d_l = m′(u)·h_l′(logp_l) − Λ_l′(logp_l)
// so that ∇L = −(d_w ∇logp_w − d_l ∇logp_l). (The paper prints ∇ℓ = d_w∇log π_w − d_l∇log π_l; with
// ℓ = −(m + Λ_w + Λ_l) the sign is the opposite — its Δ formulas come out right only because the descent step
// −η∇ℓ is also written without its minus. marginlab derives from ℓ itself.)
// A loss written whole as L(logp_w, logp_l) (general form) is differentiated directly:
//   d_w = −∂L/∂logp_w,  d_l = +∂L/∂logp_l
// with the same regimes, ratios and conditions; it has no slots, no u and no m′(u).

import { type Expr, add, mul, neg, num, substitute, symbolsOf } from '../expr/expr.js';
import { compile } from './evaluate.js';
import { MarginFault, type MarginError, type Result, fail, ok } from '../errors.js';
import { ARG, LOGP_L, LOGP_W } from '../loss/symbols.js';
import { SLOTS, type LossSpec, type Slot } from '../loss/types.js';
import { type RuleUse, differentiate } from './diff.js';
import { toText } from './print.js';
import { hingeParts, innermostHinge, replaceNode } from './regimes.js';
import { simplify, simplifyRatio } from './simplify.js';
import { key, size } from '../expr/expr.js';
import { guard, guardResult, stage, withinBudget } from './budget.js';
import { SIDE, ll, lossExpr, lw, marginExpr } from './loss-form.js';


/** Where a hinge sits: one of eq. (8)'s slots, or a loss written whole as L. */
export type Part = Slot | 'L';

/** A constraint placed in the result variables: `g > 0` (above) or `g < 0` (below). */
export interface RegimeConstraint {
  readonly g: Expr;
  readonly side: 'above' | 'below';
  readonly hinge: string;
  readonly slot: Part;
}

export interface Regime {
  readonly index: number;
  readonly label: string;
  readonly constraints: readonly RegimeConstraint[];
  /** The five slots with every hinge replaced by this regime's branch (functions of a); null for a general L. */
  readonly slots: Readonly<Record<Slot, Expr>> | null;
  /** Their derivatives in a (null for a general L). */
  readonly slotDerivatives: Readonly<Record<Slot, Expr>> | null;
  /** The margin (null for a general L, which has none). */
  readonly u: Expr | null;
  /** m′(u), placed (null for a general L). */
  readonly mPrime: Expr | null;
  readonly L: Expr;
  readonly dW: Expr;
  readonly dL: Expr;
  /** d_w/d_l simplified, or null where d_l ≡ 0 in this regime. */
  readonly ratio: Expr | null;
  /** d_l/d_w simplified, or null where d_w ≡ 0. */
  readonly invRatio: Expr | null;
}

export interface Derivation {
  readonly spec: LossSpec;
  /** u and L with their hinges still in place (for evaluation at a point); u is null for a general L. */
  readonly u: Expr | null;
  readonly L: Expr;
  readonly regimes: readonly Regime[];
  readonly rules: readonly RuleUse[];
}

const MAX_REGIMES = 64;

/** Where each slot's argument a is placed: h_w and Λ_w at logp_w, h_l and Λ_l at logp_l, m at u. */
function placement(slot: Slot, slots: Readonly<Record<Slot, Expr>>): Expr {
  return slot === 'm' ? marginOf(slots) : SIDE[slot];
}

export function marginOf(slots: Readonly<Record<Slot, Expr>>): Expr {
  return simplify(marginExpr(slots));
}

export interface Branch<P extends Part> { slots: Record<P, Expr>; constraints: RegimeConstraint[] }

const ORDER: readonly Slot[] = ['h_w', 'h_l', 'Lambda', 'Lambda_l', 'm'];

/** The hinges of the parts, one side at a time: a regime per combination of sides. A general L needs no placing. */
export function enumerate<P extends Part>(slots: Record<P, Expr>, order: readonly P[], constraints: RegimeConstraint[], out: Branch<P>[]): void {
  for (const slot of order) {
    const h = innermostHinge(slots[slot]);
    if (!h) continue;
    const parts = hingeParts(h);
    const placed = slot === 'L' ? parts.g : substitute(parts.g, { [ARG]: placement(slot as Slot, slots as unknown as Record<Slot, Expr>) });
    let g = simplify(placed);
    // A boundary free of symbols (sigmoid(1) − log(2)) is decided here: one side only, no constraint.
    if (g.kind !== 'num' && symbolsOf(g).size === 0) g = num(compile(g)({}));
    const k = key(h);
    // On a constant boundary g = 0 a conditional's test decides (`1 >= 1` is true: the 'then' branch);
    // the continuous hinges (min, max, relu, abs) agree on both sides there.
    const atZero = (): 'above' | 'below' => (h.kind === 'cond' && (h.test.op === '>=' || h.test.op === '<') ? 'above' : 'below');
    const sides: Array<'above' | 'below'> = g.kind === 'num' ? [g.value > 0 ? 'above' : g.value < 0 ? 'below' : atZero()] : ['below', 'above'];
    for (const side of sides) {
      const next = { ...slots, [slot]: replaceNode(slots[slot], k, parts[side]) };
      const placedConstraints = g.kind === 'num' ? constraints : [...constraints, { g, side, hinge: toText(h), slot }];
      enumerate(next, order, placedConstraints, out);
      if (out.length > MAX_REGIMES) {
        throw new MarginFault({ code: 'E_UNSUPPORTED', message: `the loss has more than ${MAX_REGIMES} regimes; split it into simpler losses`, at: { slot } });
      }
    }
    return;
  }
  out.push({ slots, constraints });
}

export function constraintText(c: RegimeConstraint): string {
  return `${toText(c.g)} ${c.side === 'above' ? '>' : '<'} 0`;
}

export function derive(spec: LossSpec): Result<Derivation> {
  try {
    return ok(withinBudget(() => deriveUnsafe(spec)));
  } catch (e) {
    if (e instanceof MarginFault) return fail(e.error);
    throw e;
  }
}

function deriveUnsafe(spec: LossSpec): Derivation {
  if (spec.ranked) throw new MarginFault(rankedUnsupported(spec.ranked.K));
  if (spec.L) return deriveGeneral(spec, spec.L);
  const rules: RuleUse[] = [];
  const slots0: Record<Slot, Expr> = { m: spec.m, h_w: spec.h_w, h_l: spec.h_l, Lambda: spec.Lambda, Lambda_l: spec.Lambda_l };
  const u = stage('u', 'forming the margin u = h_w(logp_w) - h_l(logp_l)', () => marginOf(slots0));
  const L = stage('L', 'forming L = -(m(u) + Lambda(logp_w) + Lambda_l(logp_l))', () => simplify(guard(lossExpr(slots0, u), 'L')));
  const branches: Branch<Slot>[] = [];
  stage(undefined, 'splitting the hinges into regimes', () => enumerate(slots0, ORDER, [], branches));
  const regimes = branches.map((b, index): Regime => {
    const der = {} as Record<Slot, Expr>;
    for (const s of SLOTS) der[s] = stage(s, `differentiating ${s}`, () => differentiate(b.slots[s], ARG, rules));
    const ur = stage('u', 'forming the margin u', () => marginOf(b.slots));
    // A result that grows past the bounds is charged to the slot whose derivative feeds it most.
    const largest = (...ss: Slot[]): Slot => ss.reduce((a, b) => (size(der[b]) > size(der[a]) ? b : a));
    const mPrime = stage('m', "placing m'(u)", () => simplify(guard(substitute(der.m, { [ARG]: ur }), "m'(u)")));
    const dW = stage(largest('m', 'h_w', 'Lambda'), 'simplifying d_w', () =>
      guardResult(simplify(guard(add(mul(mPrime, substitute(der.h_w, { [ARG]: lw })), substitute(der.Lambda, { [ARG]: lw })), 'd_w')), 'd_w'));
    const dL = stage(largest('m', 'h_l', 'Lambda_l'), 'simplifying d_l', () =>
      guardResult(simplify(guard(add(mul(mPrime, substitute(der.h_l, { [ARG]: ll })), neg(substitute(der.Lambda_l, { [ARG]: ll }))), 'd_l')), 'd_l'));
    const Lr = stage(largest(...SLOTS), 'forming L in this regime', () =>
      guardResult(simplify(guard(lossExpr(b.slots, ur), 'L')), 'L'));
    for (const c of b.constraints) stage(c.slot, 'splitting the hinges into regimes', () => guardResult(c.g, `the boundary of ${c.hinge.length > 40 ? `${c.hinge.slice(0, 37)}...` : c.hinge}`));
    return {
      index,
      label: b.constraints.length === 0 ? 'everywhere' : b.constraints.map(constraintText).join(' and '),
      constraints: b.constraints,
      slots: b.slots,
      slotDerivatives: der,
      u: ur,
      mPrime,
      L: Lr,
      dW,
      dL,
      ...ratios(dW, dL, largest(...SLOTS)),
    };
  });
  return { spec, u, L, regimes, rules: distinct(rules) };
}

const distinct = (rules: readonly RuleUse[]): RuleUse[] => {
  const seen = new Set<string>();
  return rules.filter((r) => (seen.has(r.rule) ? false : (seen.add(r.rule), true)));
};
const isZero = (e: Expr) => e.kind === 'num' && e.value === 0;

/** d_w/d_l and d_l/d_w of a regime, null where the divisor is identically 0. */
function ratios(dW: Expr, dL: Expr, slot: Part): Pick<Regime, 'ratio' | 'invRatio'> {
  return {
    ratio: isZero(dL) ? null : stage(slot, 'simplifying d_w/d_l', () => guardResult(simplifyRatio(dW, dL), 'd_w/d_l')),
    invRatio: isZero(dW) ? null : stage(slot, 'simplifying d_l/d_w', () => guardResult(simplifyRatio(dL, dW), 'd_l/d_w')),
  };
}

/** A loss written whole as L: its hinges split into regimes, each differentiated in logp_w and logp_l directly. */
function deriveGeneral(spec: LossSpec, L0: Expr): Derivation {
  const rules: RuleUse[] = [];
  const L = stage('L', 'simplifying L', () => simplify(guard(L0, 'L')));
  const branches: Branch<'L'>[] = [];
  stage('L', 'splitting the hinges into regimes', () => enumerate({ L: L0 }, ['L'], [], branches));
  const regimes = branches.map((b, index): Regime => {
    const Lr = stage('L', 'forming L in this regime', () => guardResult(simplify(guard(b.slots.L, 'L')), 'L'));
    const dW = stage('L', 'differentiating L in logp_w', () => guardResult(simplify(guard(neg(differentiate(b.slots.L, LOGP_W, rules)), 'd_w')), 'd_w'));
    const dL = stage('L', 'differentiating L in logp_l', () => guardResult(simplify(guard(differentiate(b.slots.L, LOGP_L, rules), 'd_l')), 'd_l'));
    for (const c of b.constraints) stage('L', 'splitting the hinges into regimes', () => guardResult(c.g, `the boundary of ${c.hinge.length > 40 ? `${c.hinge.slice(0, 37)}...` : c.hinge}`));
    return {
      index,
      label: b.constraints.length === 0 ? 'everywhere' : b.constraints.map(constraintText).join(' and '),
      constraints: b.constraints, slots: null, slotDerivatives: null, u: null, mPrime: null, L: Lr, dW, dL, ...ratios(dW, dL, 'L'),
    };
  });
  return { spec, u: null, L, regimes, rules: distinct(rules) };
}

/** What the two-response machinery (d_w/d_l: verify's checks, the audit) says of a K-response loss. */
export function rankedUnsupported(K: number, what = 'this command'): MarginError {
  return { code: 'E_UNSUPPORTED', message: `${what} works on two-response losses (d_w, d_l); this loss ranks ${K} responses (weights d_1 … d_${K})`, at: { slot: 'responses' },
    hint: 'eval, classify, derive, prove, remedy, train, fuzz, table and sweep take a ranked loss; verify and the audit do not yet' };
}

/** Unwrap a derivation of a loss that is known to be well-formed (the catalogue, tests). */
/** Symbols a derivation reads (c_ref counted as c_ref_w and c_ref_l): what a point of it needs, and all
 * that its outputs list (eval's defaults, the witnesses of fuzz, prove and claims). */
export function symbolsRead(d: Derivation): ReadonlySet<string> {
  const cached = READS.get(d);
  if (cached) return cached;
  const used = new Set<string>([LOGP_W, LOGP_L]);
  symbolsOf(d.L, used);
  for (const r of d.regimes) { symbolsOf(r.dW, used); symbolsOf(r.dL, used); for (const k of r.constraints) symbolsOf(k.g, used); }
  if (used.has('c_ref')) { used.add('c_ref_w'); used.add('c_ref_l'); }
  READS.set(d, used);
  return used;
}
/** Once per derivation: completePoint asks for every point of a sweep or a training run. */
const READS = new WeakMap<Derivation, ReadonlySet<string>>();

export function mustDerive(spec: LossSpec): Derivation {
  const r = derive(spec);
  if (!r.ok) throw new Error(r.errors.map((e: MarginError) => e.message).join('; '));
  return r.value;
}

