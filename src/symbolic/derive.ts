// From a loss to its gradient weights, regime by regime (section 3.2 of the paper):
//   u   = h_w(logp_w) − h_l(logp_l)
//   d_w = m′(u)·h_w′(logp_w) + Λ′(logp_w)
//   d_l = m′(u)·h_l′(logp_l)
// so that ∇L = −(d_w ∇logp_w − d_l ∇logp_l). (The paper prints ∇ℓ = d_w∇log π_w − d_l∇log π_l; with
// ℓ = −(m + Λ) the sign is the opposite — its Δ formulas come out right only because the descent step
// −η∇ℓ is also written without its minus. marginlab derives from ℓ itself.)

import { type Expr, add, mul, num, substitute, symbolsOf } from '../expr/expr.js';
import { compile } from './evaluate.js';
import { MarginFault, type MarginError, type Result, fail, ok } from '../errors.js';
import { ARG, LOGP_L, LOGP_W } from '../loss/symbols.js';
import type { LossSpec, Slot } from '../loss/types.js';
import { type RuleUse, differentiate } from './diff.js';
import { toText } from './print.js';
import { hingeParts, innermostHinge, replaceNode } from './regimes.js';
import { simplify, simplifyRatio } from './simplify.js';
import { key, size } from '../expr/expr.js';
import { guard, guardResult, stage, withinBudget } from './budget.js';
import { ll, lossExpr, lw, marginExpr } from './loss-form.js';


/** A constraint placed in the result variables: `g > 0` (above) or `g < 0` (below). */
export interface RegimeConstraint {
  readonly g: Expr;
  readonly side: 'above' | 'below';
  readonly hinge: string;
  readonly slot: Slot;
}

export interface Regime {
  readonly index: number;
  readonly label: string;
  readonly constraints: readonly RegimeConstraint[];
  /** The four slots with every hinge replaced by this regime's branch (functions of a). */
  readonly slots: Readonly<Record<Slot, Expr>>;
  /** Their derivatives in a. */
  readonly slotDerivatives: Readonly<Record<Slot, Expr>>;
  readonly u: Expr;
  /** m′(u), placed. */
  readonly mPrime: Expr;
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
  /** u and L with their hinges still in place (for evaluation at a point). */
  readonly u: Expr;
  readonly L: Expr;
  readonly regimes: readonly Regime[];
  readonly rules: readonly RuleUse[];
}

const MAX_REGIMES = 64;

/** Where each slot's argument a is placed: h_w and Λ at logp_w, h_l at logp_l, m at u. */
function placement(slot: Slot, slots: Readonly<Record<Slot, Expr>>): Expr {
  if (slot === 'h_w' || slot === 'Lambda') return lw;
  if (slot === 'h_l') return ll;
  return marginOf(slots);
}

export function marginOf(slots: Readonly<Record<Slot, Expr>>): Expr {
  return simplify(marginExpr(slots));
}

interface Branch { slots: Record<Slot, Expr>; constraints: RegimeConstraint[] }

const ORDER: readonly Slot[] = ['h_w', 'h_l', 'Lambda', 'm'];

function enumerate(slots: Record<Slot, Expr>, constraints: RegimeConstraint[], out: Branch[]): void {
  for (const slot of ORDER) {
    const h = innermostHinge(slots[slot]);
    if (!h) continue;
    const parts = hingeParts(h);
    let g = simplify(substitute(parts.g, { [ARG]: placement(slot, slots) }));
    // A boundary free of symbols (sigmoid(1) − log(2)) is decided here: one side only, no constraint.
    if (g.kind !== 'num' && symbolsOf(g).size === 0) g = num(compile(g)({}));
    const k = key(h);
    // On a constant boundary g = 0 a conditional's test decides (`1 >= 1` is true: the 'then' branch);
    // the continuous hinges (min, max, relu, abs) agree on both sides there.
    const atZero = (): 'above' | 'below' => (h.kind === 'cond' && (h.test.op === '>=' || h.test.op === '<') ? 'above' : 'below');
    const sides: Array<'above' | 'below'> = g.kind === 'num' ? [g.value > 0 ? 'above' : g.value < 0 ? 'below' : atZero()] : ['below', 'above'];
    for (const side of sides) {
      const next = { ...slots, [slot]: replaceNode(slots[slot], k, parts[side]) };
      const placed = g.kind === 'num' ? constraints : [...constraints, { g, side, hinge: toText(h), slot }];
      enumerate(next, placed, out);
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
  const rules: RuleUse[] = [];
  const slots0: Record<Slot, Expr> = { m: spec.m, h_w: spec.h_w, h_l: spec.h_l, Lambda: spec.Lambda };
  const u = stage('u', 'forming the margin u = h_w(logp_w) - h_l(logp_l)', () => marginOf(slots0));
  const L = stage('L', 'forming L = -(m(u) + Lambda(logp_w))', () => simplify(guard(lossExpr(slots0, u), 'L')));
  const branches: Branch[] = [];
  stage(undefined, 'splitting the hinges into regimes', () => enumerate(slots0, [], branches));
  const regimes = branches.map((b, index): Regime => {
    const der = {} as Record<Slot, Expr>;
    for (const s of ['m', 'h_w', 'h_l', 'Lambda'] as const) der[s] = stage(s, `differentiating ${s}`, () => differentiate(b.slots[s], ARG, rules));
    const ur = stage('u', 'forming the margin u', () => marginOf(b.slots));
    // A result that grows past the bounds is charged to the slot whose derivative feeds it most.
    const largest = (...ss: Slot[]): Slot => ss.reduce((a, b) => (size(der[b]) > size(der[a]) ? b : a));
    const mPrime = stage('m', "placing m'(u)", () => simplify(guard(substitute(der.m, { [ARG]: ur }), "m'(u)")));
    const dW = stage(largest('m', 'h_w', 'Lambda'), 'simplifying d_w', () =>
      guardResult(simplify(guard(add(mul(mPrime, substitute(der.h_w, { [ARG]: lw })), substitute(der.Lambda, { [ARG]: lw })), 'd_w')), 'd_w'));
    const dL = stage(largest('m', 'h_l'), 'simplifying d_l', () => guardResult(simplify(guard(mul(mPrime, substitute(der.h_l, { [ARG]: ll })), 'd_l')), 'd_l'));
    const Lr = stage(largest('m', 'h_w', 'h_l', 'Lambda'), 'forming L in this regime', () =>
      guardResult(simplify(guard(lossExpr(b.slots, ur), 'L')), 'L'));
    for (const c of b.constraints) stage(c.slot, 'splitting the hinges into regimes', () => guardResult(c.g, `the boundary of ${c.hinge.length > 40 ? `${c.hinge.slice(0, 37)}...` : c.hinge}`));
    const isZero = (e: Expr) => e.kind === 'num' && e.value === 0;
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
      ratio: isZero(dL) ? null : stage(largest('m', 'h_w', 'h_l', 'Lambda'), 'simplifying d_w/d_l', () => guardResult(simplifyRatio(dW, dL), 'd_w/d_l')),
      invRatio: isZero(dW) ? null : stage(largest('m', 'h_w', 'h_l', 'Lambda'), 'simplifying d_l/d_w', () => guardResult(simplifyRatio(dL, dW), 'd_l/d_w')),
    };
  });
  const seen = new Set<string>();
  const distinctRules = rules.filter((r) => (seen.has(r.rule) ? false : (seen.add(r.rule), true)));
  return { spec, u, L, regimes, rules: distinctRules };
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

