// From diagnosis to fix (issue 9). With a = ∇logp_w, b = ∇logp_l and d_w, d_l > 0, one step has
//   Δlogp_w ≥ 0  ⟺  d_w‖a‖² ≥ d_l⟨a,b⟩  ⟺  r ≥ ⟨a,b⟩/‖a‖²          (r = d_w/d_l, eq. 9)
//   Δlogp_l ≤ 0  ⟺  d_w⟨a,b⟩ ≤ d_l‖b‖²  ⟺  r ≤ ‖b‖²/⟨a,b⟩  if ⟨a,b⟩ > 0 (eq. 10; no bound if ⟨a,b⟩ ≤ 0)
// so case 1 (chosen ↑, rejected ↓) holds exactly when r lies in the admissible interval
//   [⟨a,b⟩/‖a‖², ‖b‖²/⟨a,b⟩],
// which Cauchy–Schwarz (⟨a,b⟩² ≤ ‖a‖²‖b‖²) keeps non-empty. A reweighting that lands every step in
// case 1 always exists; this module finds the smallest change of a named knob that gets there.

import { type Expr, add, dependsOn, mul, num, substitute, sym } from '../expr/expr.js';
import type { Gram } from './conditions.js';
import { firstOrderChange } from './conditions.js';
import type { Derivation } from './derive.js';
import { differentiate } from './diff.js';
import { compile, evaluateOrNaN } from './evaluate.js';
import { type CompiledDerivation, type Point, regimeAt } from './point.js';
import { simplify } from './simplify.js';
import { toText } from './print.js';

export interface Admissible {
  /** Lower end ⟨a,b⟩/‖a‖²; 0 when ⟨a,b⟩ ≤ 0, where any positive ratio works. */
  readonly lo: number;
  /** Upper end ‖b‖²/⟨a,b⟩, or +∞ when ⟨a,b⟩ ≤ 0. */
  readonly hi: number;
  /** Their geometric mean (inside whenever ⟨a,b⟩ > 0): the most robust target. */
  readonly target: number;
}

/** The admissible interval of d_w/d_l (for d_w, d_l > 0). */
export function admissible(g: Gram): Admissible {
  if (!(g.normW2 > 0) || !(g.normL2 > 0)) throw new RangeError('the squared norms must be positive');
  if (g.innerWL * g.innerWL > g.normW2 * g.normL2 * (1 + 1e-12)) throw new RangeError('⟨a,b⟩² > ‖a‖²‖b‖²: no vectors have this Gram matrix');
  if (g.innerWL <= 0) return { lo: 0, hi: Infinity, target: 1 };
  const lo = g.innerWL / g.normW2, hi = g.normL2 / g.innerWL;
  return { lo, hi: Math.max(hi, lo), target: Math.sqrt(lo * Math.max(hi, lo)) };
}

export type Position = 'inside' | 'below' | 'above' | 'undefined';

export const positionOf = (r: number | null, a: Admissible): Position =>
  r === null || !Number.isFinite(r) ? 'undefined' : r < a.lo ? 'below' : r > a.hi ? 'above' : 'inside';

/** A knob: a declared param, an added NLL weight λ (Λ += λa or λa/|y_w|), or a chosen/rejected weight pair. */
export type Knob =
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'nll'; readonly normalised: boolean }
  | { readonly kind: 'weights' };

export interface KnobResult {
  readonly knob: string;
  /** 'ok': a value exists; 'already': the ratio is inside at the current value; 'impossible': proved no value works. */
  readonly status: 'already' | 'ok' | 'impossible';
  readonly current: number;
  readonly value?: number;
  readonly ratio?: number;
  readonly dLogpW?: number;
  readonly dLogpL?: number;
  /** Why no value can work, when impossible; how the value was found otherwise. */
  readonly reason: string;
  /** d_w/d_l as a function of the knob, in this regime (mathjs text). */
  readonly ratioAsFunction?: string;
}

export interface RemedyReport {
  readonly interval: Admissible;
  readonly ratio: number | null;
  readonly dW: number;
  readonly dL: number;
  readonly position: Position;
  readonly regime: string;
  readonly knobs: readonly KnobResult[];
}

const KNOB_SYMBOL = 'knob__';

/** d_w/d_l of the regime as an expression of one knob symbol (other symbols stay symbolic). */
function ratioWithKnob(d: Derivation, i: number, knob: Knob): { ratio: Expr; current: number | null } | null {
  const r = d.regimes[i];
  if (knob.kind === 'param') {
    if (!r.ratio) return null;
    return { ratio: substitute(r.ratio, { [knob.name]: sym(KNOB_SYMBOL) }), current: null };
  }
  if (knob.kind === 'nll') {
    // Λ′ gains λ (or λ/|y_w|): d_w ← d_w + λ·s, d_l unchanged.
    const s = knob.normalised ? mul(num(1), { kind: 'pow', base: sym('len_w'), exp: num(-1) }) : num(1);
    return { ratio: simplify(mul(add(r.dW, mul(sym(KNOB_SYMBOL), s)), { kind: 'pow', base: r.dL, exp: num(-1) })), current: 0 };
  }
  // A chosen/rejected weight pair scales d_w by λ_w and d_l by λ_l: only ρ = λ_w/λ_l matters.
  if (!r.ratio) return null;
  return { ratio: simplify(mul(sym(KNOB_SYMBOL), r.ratio)), current: 1 };
}

/** The knob value nearest to `from` (searching both ways on a log-spaced grid, then bisecting) whose ratio is inside. */
function nearestInside(f: (k: number) => number, from: number, a: Admissible, positiveOnly: boolean): number | undefined {
  const inside = (k: number) => { const v = f(k); return Number.isFinite(v) && v >= a.lo && v <= a.hi; };
  if (inside(from)) return from;
  const steps: number[] = [];
  for (let e = -6; e <= 6; e += 0.25) steps.push(10 ** e);
  const candidates: number[] = [];
  for (const dir of [1, -1]) {
    let prev = from;
    for (const s of steps) {
      const k = from + dir * s * Math.max(1, Math.abs(from));
      if (positiveOnly && k <= 0) break;
      if (inside(k)) {
        // Bisect between the last outside value and this inside one for the nearest edge.
        let lo = prev, hi = k;
        for (let it = 0; it < 80; it++) { const mid = (lo + hi) / 2; if (inside(mid)) hi = mid; else lo = mid; }
        candidates.push(hi);
        break;
      }
      prev = k;
    }
  }
  if (candidates.length === 0) return undefined;
  return candidates.reduce((best, k) => (Math.abs(k - from) < Math.abs(best - from) ? k : best));
}

export function remedy(c: CompiledDerivation, point: Point, g: Gram, knobs: readonly Knob[]): RemedyReport {
  const d = c.derivation;
  const env = point.values;
  const i = regimeAt(c, env);
  const dW = c.regimes[i].dW(env), dL = c.regimes[i].dL(env);
  const ratio = dL !== 0 ? dW / dL : null;
  const a = admissible(g);
  const position = positionOf(ratio, a);
  const results: KnobResult[] = knobs.map((knob) => {
    const label = knob.kind === 'param' ? knob.name : knob.kind === 'nll' ? (knob.normalised ? 'NLL weight λ (Λ += λa/|y_w|)' : 'NLL weight λ (Λ += λa)') : 'weight ratio λ_w/λ_l';
    const w = ratioWithKnob(d, i, knob);
    if (!w) return { knob: label, status: 'impossible', current: NaN, reason: 'd_l = 0 in this regime: there is no ratio to move' };
    const current = knob.kind === 'param' ? env[knob.name] : (w.current as number);
    // Proof that no value can help: the ratio does not depend on the knob at all (its derivative simplifies to 0).
    if (!dependsOn(simplify(w.ratio), KNOB_SYMBOL) || toText(differentiate(w.ratio, KNOB_SYMBOL)) === '0') {
      return { knob: label, status: position === 'inside' ? 'already' : 'impossible', current,
        reason: `d_w/d_l = ${toText(simplify(substitute(w.ratio, { [KNOB_SYMBOL]: sym(label) })))} does not depend on ${label} (∂/∂${label} simplifies to 0)`,
        ratioAsFunction: toText(w.ratio).replaceAll(KNOB_SYMBOL, 'k') };
    }
    const f = compile(w.ratio);
    const at = (k: number) => evaluateOrNaN(f, { ...env, [KNOB_SYMBOL]: k });
    const positiveOnly = knob.kind !== 'param' || (d.spec.source.params[knob.name]?.range?.[0] ?? 1e-3) > 0;
    const fromValue = knob.kind === 'nll' ? 0 : current;
    const value = nearestInside(at, fromValue, a, positiveOnly);
    if (value === undefined) {
      return { knob: label, status: 'impossible', current, reason: `no value of ${label} within six orders of magnitude of ${fromValue} puts d_w/d_l in [${a.lo}, ${a.hi}] (searched; not a proof)`,
        ratioAsFunction: toText(w.ratio).replaceAll(KNOB_SYMBOL, 'k') };
    }
    const newRatio = at(value);
    // With the knob set, the first-order changes use the new weights (d_l fixed except for params).
    const newDL = knob.kind === 'param' ? evaluateOrNaN(compile(substitute(d.regimes[i].dL, { [knob.name]: num(value) })), env) : dL;
    const ch = firstOrderChange({ dW: newRatio * newDL, dL: newDL }, g);
    return { knob: label, status: value === fromValue ? 'already' : 'ok', current: fromValue, value, ratio: newRatio, dLogpW: ch.dLogpW, dLogpL: ch.dLogpL,
      reason: 'nearest value found by a log-spaced scan from the current value, refined by bisection to the interval\'s edge',
      ratioAsFunction: toText(w.ratio).replaceAll(KNOB_SYMBOL, 'k') };
  });
  return { interval: a, ratio, dW, dL, position, regime: d.regimes[i].label, knobs: results };
}
