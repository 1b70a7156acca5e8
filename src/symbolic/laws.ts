// The laws of the theory as checks over one sample: each takes a loss's compiled derivation and a point
// (and, where it matters, a gradient pair) and says `pass`, `skip` (the law cannot be judged here: a
// domain fault, a regime boundary, an ill-conditioned float) or `fail` with the evidence. The property
// suite (properties/) and `marginlab fuzz` both drive these with random samples; nothing here is random.
//
// Every tolerance comes from a running error bound (`evaluateBounded`), not a fixed epsilon: a loss
// like CPO with λ = 70 sums terms of 10³ to a value of 10⁰, and a fixed relative tolerance on L would
// flag the float, not the engine.

import { type Expr, dependsOn, key } from '../expr/expr.js';
import { MarginFault } from '../errors.js';
import { parseExpression } from '../loss/parse.js';
import { ARG, LOGP_L, LOGP_W } from '../loss/symbols.js';
import { logpName } from '../loss/ranked.js';
import type { LossSpec } from '../loss/types.js';
import { type DirectionCondition, type Gram, conditionsFor, firstOrderChange, holdsAt } from './conditions.js';
import type { Derivation, RegimeConstraint } from './derive.js';
import { specLoss } from './loss-form.js';
import { differentiate } from './diff.js';
import { hasHinge } from './regimes.js';
import { type Compiled, type Env, compile } from './evaluate.js';
import { type CompiledDerivation, regimeAt } from './point.js';
import { toText } from './print.js';
import { agree, tryBounded, wellConditioned } from './bounded.js';
import { simplify } from './simplify.js';
import { type CompiledRanked, weightName } from './ranked.js';
import { rankedStep } from './gram.js';
import { certified, encloseAt } from './interval/enclose.js';

export type LawOutcome =
  | { readonly status: 'pass' }
  | { readonly status: 'skip'; readonly reason: string }
  | { readonly status: 'fail'; readonly message: string; readonly details: Readonly<Record<string, unknown>> };

const PASS: LawOutcome = { status: 'pass' };
const skip = (reason: string): LawOutcome => ({ status: 'skip', reason });
const failure = (message: string, details: Record<string, unknown>): LawOutcome => ({ status: 'fail', message, details });

const EPS = Number.EPSILON;

// ---------- simplification and printing ----------

/** simplify(e) has the value of e wherever e is defined. */
export function simplifyLaw(e: Expr, env: Env, simplified: Expr = simplify(e)): LawOutcome {
  const before = tryBounded(e, env);
  // Near a pole (a denominator within rounding of 0) the value has no significant digit: not judged.
  if (!before || !wellConditioned(before)) return skip('the expression is undefined or ill-conditioned here');
  const after = tryBounded(simplified, env);
  if (!after) return failure('simplification turned a defined value into a fault', { expr: toText(e), simplified: toText(simplified), before: before.value, env });
  if (!Number.isFinite(after.error)) return skip('the simplified form is ill-conditioned here');
  if (!agree(before, after)) {
    return failure('simplification changed the value', { expr: toText(e), simplified: toText(simplified), before: before.value, after: after.value,
      errorBound: before.error + after.error, env });
  }
  return PASS;
}

/**
 * toText(e) parses back to a tree of the same value, and printing is stable: with t = toText(parse(
 * toText(e))), toText(parse(t)) = t. (simplify is not idempotent through text — −(x − y)/z re-simplifies
 * to (y − x)/z — so the fixed point is stated on printing, not on simplification.)
 */
export function parsePrintLaw(e: Expr, symbols: Iterable<string>, env?: Env): LawOutcome {
  const ctx = { slot: 'law', symbols: new Set(symbols) };
  const text = toText(e);
  const back = parseExpression(text, ctx);
  if (!back.ok) return failure('printed text does not parse', { expr: text, error: back.errors[0].message });
  if (env) {
    const a = tryBounded(e, env), b = tryBounded(back.value, env);
    if (a && wellConditioned(a)) {
      if (!b) return failure('printed text parses to a tree that faults where the original is defined', { expr: text, env });
      if (Number.isFinite(b.error) && !agree(a, b)) return failure('printed text parses to a different value', { expr: text, before: a.value, after: b.value, env });
    }
  }
  // Printing is stable: once printed and re-parsed, printing again gives the same text.
  const t2 = toText(back.value);
  const again = parseExpression(t2, ctx);
  if (!again.ok) return failure('re-printed text does not parse', { expr: t2, error: again.errors[0].message });
  const t3 = toText(again.value);
  if (t2 !== t3) return failure('printing is not stable under parse → print', { first: t2, second: t3 });
  return PASS;
}

// ---------- derivatives ----------

type Regimes = Parameters<typeof regimeAt>[0];
const sameRegime = (c: Regimes, env: Env, ri: number): boolean => {
  try { return regimeAt(c, env) === ri; } catch (e) { if (e instanceof MarginFault) return false; throw e; }
};

interface Difference { readonly value: number; readonly uncertainty: number }

/** Central difference with Richardson extrapolation; the uncertainty covers truncation and rounding. */
function centralDifference(f: (x: number) => number, x: number, h: number, roundoff: number): Difference | undefined {
  const f0 = f(x), fp = f(x + h), fm = f(x - h);
  const d1 = (fp - fm) / (2 * h);
  const d2 = (f(x + h / 2) - f(x - h / 2)) / h;
  if (!Number.isFinite(d1) || !Number.isFinite(d2) || !Number.isFinite(f0)) return undefined;
  // A kink (|x| at 0, √(x²)) fools a central difference, which sees a smooth mean of the two slopes:
  // one-sided slopes that disagree by more than curvature can explain mark the point unresolvable.
  const forward = (fp - f0) / h, backward = (f0 - fm) / h;
  const kink = Math.abs(forward - backward) > 0.5 * Math.max(Math.abs(forward), Math.abs(backward)) + 8 * roundoff / h;
  return { value: (4 * d2 - d1) / 3, uncertainty: kink ? Infinity : Math.abs(d2 - d1) + 4 * roundoff / h };
}

/** ∂L/∂name at the point by a central difference of L (hinged, as a function of the point) inside regime ri, or why not. */
function partialOfL(c: Regimes & { readonly L: Compiled }, env: Env, name: string, ri: number, L0: { value: number; error: number }): Difference | string {
  const v = env[name];
  const h = Math.min(1e-4 * Math.max(1, Math.abs(v)), Math.abs(v) / 4 || 1e-4);
  const at = (x: number): Env => ({ ...env, [name]: x });
  if (![v - h, v + h].every((x) => sameRegime(c, at(x), ri))) return 'a finite difference would cross a regime boundary';
  const f = (x: number): number => { try { return c.L(at(x)); } catch (e) { if (e instanceof MarginFault) return NaN; throw e; } };
  return centralDifference(f, v, h, L0.error + EPS * Math.abs(L0.value)) ?? 'L is undefined near the point';
}

/**
 * d_w = −∂L/∂logp_w and d_l = +∂L/∂logp_l, with the regime's symbolic weights against a central
 * difference of L itself (the hinged L, evaluated as written). Skips points where the difference would
 * cross a regime boundary or cannot resolve the derivative to 5%.
 */
export function derivativeLaw(c: CompiledDerivation, env: Env): LawOutcome {
  let ri: number;
  try { ri = regimeAt(c, env); } catch (e) { if (e instanceof MarginFault) return skip('no regime (boundary or fault)'); throw e; }
  const r = c.regimes[ri];
  const L0 = tryBounded(c.derivation.L, env);
  const dW = tryBounded(r.regime.dW, env), dL = tryBounded(r.regime.dL, env);
  if (!L0 || !dW || !dL || !Number.isFinite(L0.error)) return skip('L, d_w or d_l is undefined here');
  const out: Record<string, unknown> = {};
  for (const [name, v, sign, weight] of [[LOGP_W, env[LOGP_W], -1, dW], [LOGP_L, env[LOGP_L], 1, dL]] as const) {
    const fd = partialOfL(c, env, name, ri, L0);
    if (typeof fd === 'string') return skip(fd);
    const d = sign * fd.value;
    const scale = Math.max(Math.abs(d), Math.abs(weight.value));
    if (fd.uncertainty > 0.05 * scale && fd.uncertainty > 1e-12) return skip('the finite difference cannot resolve the derivative here');
    const tol = 1e-6 * scale + 8 * fd.uncertainty + 8 * weight.error + 1e-300;
    if (!(Math.abs(d - weight.value) <= tol)) {
      return failure(`${name === LOGP_W ? 'd_w' : 'd_l'} disagrees with ${sign < 0 ? '−' : ''}∂L/∂${name}`, {
        regime: r.regime.label, symbolic: weight.value, finiteDifference: d, tolerance: tol,
        formula: toText(name === LOGP_W ? r.regime.dW : r.regime.dL), env });
    }
    out[name] = d;
  }
  // The simplified ratio is d_w/d_l.
  if (r.regime.ratio && dL.value !== 0) {
    const q = tryBounded(r.regime.ratio, env);
    if (q && Number.isFinite(q.error)) {
      const direct = dW.value / dL.value;
      const rel = (dW.error / Math.abs(dW.value || 1e-300)) + (dL.error / Math.abs(dL.value)) + EPS;
      if (Number.isFinite(rel) && !(Math.abs(q.value - direct) <= 8 * (q.error + rel * Math.abs(direct)) + 1e-12 * Math.abs(direct))) {
        return failure('the simplified ratio d_w/d_l is not d_w/d_l', { regime: r.regime.label, ratio: q.value, dWOverdL: direct, formula: toText(r.regime.ratio), env });
      }
    }
  }
  return PASS;
}

/**
 * d/dx e (the rule table and the chain rule, for a hinge-free e) against a central difference of e.
 * Skips where e is undefined or ill-conditioned near the point.
 */
export function expressionDerivativeLaw(e: Expr, x: string, env: Env, derivative: Expr = differentiate(e, x)): LawOutcome {
  const v = env[x];
  const e0 = tryBounded(e, env);
  const d = tryBounded(derivative, env);
  if (!e0 || !d || !Number.isFinite(e0.error + d.error)) return skip('the expression or its derivative is undefined here');
  const h = 1e-4 * Math.max(1, Math.abs(v));
  const f = (t: number): number => { const b = tryBounded(e, { ...env, [x]: t }); return b && Number.isFinite(b.error) ? b.value : NaN; };
  const fd = centralDifference(f, v, h, e0.error + EPS * Math.abs(e0.value));
  if (!fd) return skip('the expression is undefined near the point');
  const scale = Math.max(Math.abs(d.value), Math.abs(fd.value));
  if (fd.uncertainty > 0.05 * scale && fd.uncertainty > 1e-12) return skip('the finite difference cannot resolve the derivative here');
  const tol = 1e-6 * scale + 8 * fd.uncertainty + 8 * d.error + 1e-300;
  if (!(Math.abs(fd.value - d.value) <= tol)) {
    return failure(`d/d${x} disagrees with a central difference`, { expr: toText(e), derivative: toText(derivative), symbolic: d.value, finiteDifference: fd.value, tolerance: tol, env });
  }
  return PASS;
}

// ---------- regimes ----------

/** The regimes of a derivation, two-response or ranked: what the cover law reads. */
interface RegimeSet { readonly derivation: { readonly regimes: readonly { readonly label: string; readonly constraints: readonly RegimeConstraint[] }[] } }

/** Off every boundary, exactly one regime's constraints hold. */
export function regimeCoverLaw(c: RegimeSet, env: Env): LawOutcome {
  let holding = 0;
  const labels: string[] = [];
  for (const r of c.derivation.regimes) {
    let inside = true;
    for (const k of r.constraints) {
      const g = tryBounded(k.g, env);
      if (!g) return skip('a regime boundary is undefined here');
      if (!Number.isFinite(g.error) || Math.abs(g.value) <= 8 * g.error + 1e-300) return skip('on or too near a regime boundary');
      if ((g.value > 0) !== (k.side === 'above')) inside = false;
    }
    if (inside) { holding++; labels.push(r.label); }
  }
  if (holding !== 1) {
    return failure(`${holding} regimes hold at this point; exactly one should`, { holding: labels, regimes: c.derivation.regimes.map((r) => r.label), env });
  }
  return PASS;
}

// ---------- conditions (9)/(10) ----------

const STATEMENT: Readonly<Record<DirectionCondition['direction'], (d: { dLogpW: number; dLogpL: number }) => { value: number; holds: boolean }>> = {
  'chosen-up': (d) => ({ value: d.dLogpW, holds: d.dLogpW >= 0 }),
  'chosen-down': (d) => ({ value: d.dLogpW, holds: d.dLogpW <= 0 }),
  'rejected-down': (d) => ({ value: d.dLogpL, holds: d.dLogpL <= 0 }),
  'rejected-up': (d) => ({ value: d.dLogpL, holds: d.dLogpL >= 0 }),
};

const coefCache = new WeakMap<Expr, Compiled>();
function coefValue(e: Expr, env: Env): number {
  let f = coefCache.get(e);
  if (!f) { f = compile(e); coefCache.set(e, f); }
  return f(env);
}

/**
 * For every direction condition of the point's regime: the condition as derived (branch chosen by the
 * sign of its divisor, bound evaluated from the symbolic d_w/d_l or d_l/d_w) holds exactly when the
 * first-order change it stands for has the stated sign. Directions whose Δ is within rounding of 0 are
 * not judged.
 */
export function conditionLaw(c: CompiledDerivation, env: Env, g: Gram): LawOutcome {
  let ri: number;
  try { ri = regimeAt(c, env); } catch (e) { if (e instanceof MarginFault) return skip('no regime (boundary or fault)'); throw e; }
  const regime = c.derivation.regimes[ri];
  const dW = tryBounded(regime.dW, env), dL = tryBounded(regime.dL, env);
  if (!dW || !dL || !Number.isFinite(dW.error + dL.error)) return skip('d_w or d_l is undefined here');
  const w = { dW: dW.value, dL: dL.value };
  const change = firstOrderChange(w, g);
  const coefErr = (e: Expr | null): number => {
    if (!e) return 0;
    const b = tryBounded(e, env);
    return b ? b.error / Math.max(Math.abs(b.value), 1e-300) : Infinity;
  };
  const rel = dW.error / Math.max(Math.abs(dW.value), 1e-300) + dL.error / Math.max(Math.abs(dL.value), 1e-300)
    + coefErr(regime.ratio) + coefErr(regime.invRatio);
  const slack = Math.max(1e-9, 16 * Math.min(rel, 1));
  const scaleW = Math.abs(w.dW) * g.normW2 + Math.abs(w.dL * g.innerWL);
  const scaleL = Math.abs(w.dW * g.innerWL) + Math.abs(w.dL) * g.normL2;
  let judged = 0;
  for (const cond of conditionsFor(regime)) {
    const st = STATEMENT[cond.direction](change);
    const scale = cond.direction.startsWith('chosen') ? scaleW : scaleL;
    if (Math.abs(st.value) <= slack * scale || rel >= 1) continue;
    let holds: boolean;
    try { holds = holdsAt(cond, w, g, (e) => coefValue(e, env)); } catch (e) { if (e instanceof MarginFault) continue; throw e; }
    judged++;
    if (holds !== st.holds) {
      return failure(`condition ${cond.equation} for ${cond.direction} says ${holds ? 'holds' : 'fails'}, but Δ = ${st.value} (${cond.statement} is ${st.holds})`, {
        regime: regime.label, direction: cond.direction, dW: w.dW, dL: w.dL, gram: { ...g }, change, ratio: regime.ratio ? toText(regime.ratio) : null,
        invRatio: regime.invRatio ? toText(regime.invRatio) : null, env });
    }
  }
  return judged > 0 ? PASS : skip('every direction is within rounding of 0');
}

// ---------- eq. (6): the margin ----------

/** First-order change of the margin logp_w − logp_l for one descent step. */
export function marginChange(w: { dW: number; dL: number }, g: Gram): number {
  const d = firstOrderChange(w, g);
  return d.dLogpW - d.dLogpL;
}

/**
 * Losses of the form m(h(logp_w) − h(logp_l)) with one affine h and Λ = 0: then d_w = d_l = m′(u)·h′
 * and Δ(logp_w − logp_l) = d_w‖∇logp_w − ∇logp_l‖², which is ≥ 0 wherever d_w ≥ 0 (eq. 6; for DPO
 * everywhere, as m′ = βσ > 0).
 */
export function isMarginOnly(spec: LossSpec): boolean {
  if (spec.L || key(spec.h_w) !== key(spec.h_l)) return false;
  if (![spec.Lambda, spec.Lambda_l].every((t) => t.kind === 'num' && t.value === 0)) return false;
  if (hasHinge(spec.h_w)) return false;
  // affine h: h′ does not depend on a
  return !dependsOn(differentiate(spec.h_w, ARG), ARG);
}

/** eq. (6) at one point: for a margin-only loss with d_w ≥ 0 the margin does not decrease to first order. */
export function marginLaw(c: CompiledDerivation, env: Env, g: Gram): LawOutcome {
  let ri: number;
  try { ri = regimeAt(c, env); } catch (e) { if (e instanceof MarginFault) return skip('no regime (boundary or fault)'); throw e; }
  const r = c.regimes[ri];
  let dW: number, dL: number;
  try { dW = r.dW(env); dL = r.dL(env); } catch (e) { if (e instanceof MarginFault) return skip('d_w or d_l is undefined here'); throw e; }
  if (!Number.isFinite(dW) || !Number.isFinite(dL)) return skip('d_w or d_l is not finite here');
  const change = marginChange({ dW, dL }, g);
  const scale = (Math.abs(dW) + Math.abs(dL)) * (g.normW2 + g.normL2 + 2 * Math.abs(g.innerWL));
  if (!(change >= -1e-12 * scale)) {
    return failure(`the margin decreases to first order: Δ(logp_w − logp_l) = ${change}`, { regime: r.regime.label, dW, dL, gram: { ...g }, change, env });
  }
  return PASS;
}

// ---------- the loss as written vs as derived ----------

/** The loss as the spec writes it, built without simplification (the derivative law's independent reference). */
export const rawLoss = (d: Derivation): Expr => specLoss(d.spec);

// ---------- a general L's recovered margin form ----------

/**
 * A general L whose margin form was recovered (margin-form.ts): the derivation of the recovered m, h_w, h_l, Λ_w,
 * Λ_l as eq. (8) gives the same d_w and d_l as L differentiated directly.
 */
export function marginFormLaw(general: CompiledDerivation, recovered: CompiledDerivation, env: Env): LawOutcome {
  let gi: number, ri: number;
  try { gi = regimeAt(general, env); ri = regimeAt(recovered, env); } catch (e) { if (e instanceof MarginFault) return skip('no regime (boundary or fault)'); throw e; }
  const g = general.derivation.regimes[gi], r = recovered.derivation.regimes[ri];
  for (const [name, a, b] of [['d_w', g.dW, r.dW], ['d_l', g.dL, r.dL]] as const) {
    const x = tryBounded(a, env), y = tryBounded(b, env);
    if (!x || !y || !Number.isFinite(x.error + y.error)) return skip(`${name} is undefined or ill-conditioned here`);
    if (!agree(x, y, 1e-9)) {
      return failure(`the recovered margin form's ${name} is not L's`, { fromL: x.value, fromMarginForm: y.value, formulaL: toText(a), formulaMarginForm: toText(b), env });
    }
  }
  return PASS;
}

// ---------- K ranked responses ----------

/** Every d_k = −∂L/∂logp_k of the point's regime against a central difference of L (hinged, as a function of the point). */
export function rankedDerivativeLaw(c: CompiledRanked, env: Env): LawOutcome {
  let ri: number;
  try { ri = regimeAt(c, env); } catch (e) { if (e instanceof MarginFault) return skip('no regime (boundary or fault)'); throw e; }
  const r = c.regimes[ri];
  const L0 = tryBounded(c.derivation.L, env);
  if (!L0 || !Number.isFinite(L0.error)) return skip('L is undefined here');
  let judged = 0;
  for (let k = 1; k <= c.derivation.K; k++) {
    const weight = tryBounded(r.regime.d[k - 1], env);
    if (!weight) return skip(`${weightName(k)} is undefined here`);
    const name = logpName(k);
    const fd = partialOfL(c, env, name, ri, L0);
    if (typeof fd === 'string') return skip(fd);
    const d = -fd.value;
    const scale = Math.max(Math.abs(d), Math.abs(weight.value));
    // A weight the difference cannot resolve (L flat in logp_k here, or rounding-dominated) is not judged; the others are.
    if (fd.uncertainty > 0.05 * scale && fd.uncertainty > 1e-12) continue;
    const tol = 1e-6 * scale + 8 * fd.uncertainty + 8 * weight.error + 1e-300;
    if (!(Math.abs(d - weight.value) <= tol)) {
      return failure(`${weightName(k)} disagrees with −∂L/∂${name}`, { regime: r.regime.label, symbolic: weight.value, finiteDifference: d, tolerance: tol,
        formula: toText(r.regime.d[k - 1]), env });
    }
    judged++;
  }
  return judged > 0 ? PASS : skip('the finite difference cannot resolve any weight here');
}

/**
 * The step of a K-response loss, Δlogp_k = η·(G·d)_k with G = A·Aᵀ (symbolic/gram.ts), against an actual gradient step
 * on a linear-in-parameters model logp_k(θ) = logp_k + ⟨A_k, θ⟩ at θ = 0 (c_ref_k, the reference, stays put): ∇_θ L
 * by central differences of L along each coordinate, θ' = −η∇_θ L, and Δlogp_k = ⟨A_k, θ'⟩ exactly (the model is
 * linear). The certified sign of each move (rankedStep) must be the sign of the actual change where that is resolved.
 */
export function rankedStepLaw(c: CompiledRanked, env: Env, rows: readonly (readonly number[])[], eta: number): LawOutcome {
  let ri: number;
  try { ri = regimeAt(c, env); } catch (e) { if (e instanceof MarginFault) return skip('no regime (boundary or fault)'); throw e; }
  const r = c.regimes[ri];
  const K = c.derivation.K, n = rows[0]?.length ?? 0;
  const weights = r.regime.d.map((e) => tryBounded(e, env));
  if (weights.some((w) => !w || !Number.isFinite(w.error))) return skip('a weight is undefined or ill-conditioned here');
  const d = weights.map((w) => w!.value), dErr = weights.map((w) => w!.error);
  const L0 = tryBounded(c.derivation.L, env);
  if (!L0 || !Number.isFinite(L0.error)) return skip('L is undefined here');
  const logpScale = Math.max(1, ...Array.from({ length: K }, (_, k) => Math.abs(env[logpName(k + 1)])));
  const moved = (i: number, t: number): Env => {
    const e: Record<string, number> = { ...env };
    for (let k = 0; k < K; k++) e[logpName(k + 1)] = env[logpName(k + 1)] + rows[k][i] * t;
    return e;
  };
  const grad: number[] = [], gradErr: number[] = [];
  for (let i = 0; i < n; i++) {
    const column = Math.max(...rows.map((row) => Math.abs(row[i])));
    if (column === 0) { grad.push(0); gradErr.push(0); continue; }
    const h = 1e-4 * logpScale / column;
    if (![-h, h].every((t) => sameRegime(c, moved(i, t), ri))) return skip('a finite difference would cross a regime boundary');
    const f = (t: number): number => { try { return c.L(moved(i, t)); } catch (e) { if (e instanceof MarginFault) return NaN; throw e; } };
    const fd = centralDifference(f, 0, h, L0.error + EPS * Math.abs(L0.value));
    if (!fd || !Number.isFinite(fd.uncertainty)) return skip('L is undefined or kinked near the point');
    grad.push(fd.value); gradErr.push(fd.uncertainty);
  }
  const G = rows.map((a) => rows.map((b) => a.reduce((s, x, i) => s + x * b[i], 0)));
  const certs = r.regime.d.map((e) => certified(encloseAt(e, env)));
  if (!certs.every((x) => x !== undefined)) return skip('a weight cannot be certified here');
  // The step as classify computes it (gram.ts), from the certified weights.
  const { changes, moves } = rankedStep(certs, G, eta);
  for (let k = 0; k < K; k++) {
    const actual = -eta * rows[k].reduce((s, x, i) => s + x * grad[i], 0);
    const actualErr = eta * rows[k].reduce((s, x, i) => s + Math.abs(x) * gradErr[i], 0);
    const predicted = changes[k];
    const predictedErr = eta * G[k].reduce((s, g, j) => s + Math.abs(g) * dErr[j], 0) + EPS * eta * G[k].reduce((s, g, j) => s + Math.abs(g * d[j]), 0) * (K + n);
    const scale = eta * G[k].reduce((s, g, j) => s + Math.abs(g * d[j]), 0);
    const tol = 1e-6 * scale + 8 * actualErr + 8 * predictedErr + 1e-300;
    const details = { response: k + 1, actual, predicted, tolerance: tol, weights: d, gram: G, eta, env };
    if (!(Math.abs(actual - predicted) <= tol)) return failure(`Δ${logpName(k + 1)} of the gradient step is ${actual}, but η·(G·d)_${k + 1} = ${predicted}`, details);
    const m = moves[k];
    if ((m === 'up' && actual < -tol) || (m === 'down' && actual > tol) || (m === 'unchanged' && Math.abs(actual) > tol)) {
      return failure(`response ${k + 1} is certified to move ${m}, but the gradient step changes ${logpName(k + 1)} by ${actual}`, details);
    }
  }
  return PASS;
}
