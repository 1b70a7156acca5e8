// From diagnosis to fix (issue 9). With a = ∇logp_w, b = ∇logp_l and d_w, d_l > 0, one step has
//   Δlogp_w ≥ 0  ⟺  d_w‖a‖² ≥ d_l⟨a,b⟩  ⟺  r ≥ ⟨a,b⟩/‖a‖²          (r = d_w/d_l, eq. 9)
//   Δlogp_l ≤ 0  ⟺  d_w⟨a,b⟩ ≤ d_l‖b‖²  ⟺  r ≤ ‖b‖²/⟨a,b⟩  if ⟨a,b⟩ > 0 (eq. 10; no bound if ⟨a,b⟩ ≤ 0)
// so case 1 (chosen ↑, rejected ↓) holds exactly when r lies in the admissible interval
//   [⟨a,b⟩/‖a‖², ‖b‖²/⟨a,b⟩],
// which Cauchy–Schwarz (⟨a,b⟩² ≤ ‖a‖²‖b‖²) keeps non-empty.
//
// The signs matter. Dividing by d_l < 0 flips both inequalities: case 1 then needs
//   ‖b‖²/⟨a,b⟩ ≤ r ≤ ⟨a,b⟩/‖a‖²  (⟨a,b⟩ > 0),
// which Cauchy–Schwarz makes empty unless the gradients are parallel; with ⟨a,b⟩ < 0 it needs
// r ≤ ‖b‖²/⟨a,b⟩ < 0 (a positive d_w large enough), and with ⟨a,b⟩ = 0 nothing works. So when both
// weights are negative no ratio gives case 1 — a knob must change a sign. In the (d_w, d_l) plane the
// weights that give case 1 form a cone; this module finds, for each named knob, the smallest change
// that moves the weights into it, or shows that none can.

import { type Expr, sym, substitute } from '../expr/expr.js';
import { type Interval, interval as ivl, point as pointIv } from '../expr/interval.js';
import { compileInterval } from './interval/evaluate.js';
import { signOf } from './interval/enclose.js';
import { expandCref } from './interval/direction.js';
import { MarginFault } from '../errors.js';
import { type CaseId, type Gram, firstOrderChange } from './conditions.js';
import { differentiate } from './diff.js';
import { type CompiledDerivation, type Point, evaluateAt, regimeAt } from './point.js';
import { simplify } from './simplify.js';
import { classifyCertified } from './step.js';
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

/** The admissible set of r = d_w/d_l given the sign of d_l (an interval, possibly empty). */
export interface AdmissibleSet {
  readonly given: 'dL > 0' | 'dL < 0' | 'dL = 0';
  readonly lo: number;
  readonly hi: number;
  readonly empty: boolean;
  /** Why the set is what it is, in words (the flip and Cauchy–Schwarz where they decide). */
  readonly reason: string;
}

/** Case 1 as a set of ratios, with the sign of d_l taken into account (eq. 9 and 10 divided by d_l). */
export function admissibleFor(g: Gram, signDL: number): AdmissibleSet {
  const A = g.normW2, B = g.normL2, C = g.innerWL;
  if (signDL > 0) {
    const a = admissible(g);
    return { given: 'dL > 0', lo: C > 0 ? a.lo : C / A, hi: a.hi, empty: false, reason: C > 0 ? '⟨a,b⟩/‖a‖² ≤ d_w/d_l ≤ ‖b‖²/⟨a,b⟩ (non-empty by Cauchy–Schwarz)' : 'd_w/d_l ≥ ⟨a,b⟩/‖a‖²; with ⟨a,b⟩ ≤ 0 the rejected side falls for every such ratio' };
  }
  if (signDL < 0) {
    if (C > 0) {
      const lo = B / C, hi = C / A;
      const parallel = C * C >= A * B * (1 - 1e-12);
      return { given: 'dL < 0', lo, hi, empty: !parallel,
        reason: 'with d_l < 0 both inequalities flip: ‖b‖²/⟨a,b⟩ ≤ d_w/d_l ≤ ⟨a,b⟩/‖a‖², which Cauchy–Schwarz makes empty unless the gradients are parallel' };
    }
    if (C < 0) return { given: 'dL < 0', lo: -Infinity, hi: B / C, empty: false, reason: 'with d_l < 0 and ⟨a,b⟩ < 0: d_w/d_l ≤ ‖b‖²/⟨a,b⟩ < 0, a positive d_w large enough' };
    return { given: 'dL < 0', lo: NaN, hi: NaN, empty: true, reason: 'with d_l < 0 and ⟨a,b⟩ = 0 the rejected response rises (Δlogp_l = −d_l‖b‖² > 0) whatever d_w is' };
  }
  return { given: 'dL = 0', lo: NaN, hi: NaN, empty: C > 0, reason: C > 0 ? 'with d_l = 0, Δlogp_l = d_w⟨a,b⟩ and Δlogp_w = d_w‖a‖²: both move with d_w, so case 1 needs d_w = 0' : 'with d_l = 0 and ⟨a,b⟩ ≤ 0, any d_w ≥ 0 gives case 1' };
}

/** Does the step with these weights land in case 1 (Δlogp_w ≥ 0 ≥ Δlogp_l)? */
export function inCase1(w: { dW: number; dL: number }, g: Gram): boolean {
  const ch = firstOrderChange(w, g);
  return ch.dLogpW >= 0 && ch.dLogpL <= 0;
}

/** The values x of d_w (d_l fixed) that give case 1: an interval [lo, hi], or undefined when none. */
export function chosenWeightsInCase1(dL: number, g: Gram): { lo: number; hi: number } | undefined {
  const A = g.normW2, B = g.normL2, C = g.innerWL;
  // Δlogp_w ≥ 0 ⟺ x·A ≥ d_l·C;  Δlogp_l ≤ 0 ⟺ x·C ≤ d_l·B.
  let lo = (dL * C) / A, hi = Infinity;
  if (C > 0) hi = (dL * B) / C;
  else if (C < 0) lo = Math.max(lo, (dL * B) / C);
  else if (dL < 0) return undefined;
  if (lo > hi) return Math.abs(lo - hi) <= 1e-12 * Math.max(Math.abs(lo), Math.abs(hi)) ? { lo: hi, hi } : undefined;
  return { lo, hi };
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
  /** 'ok': a value exists; 'already': the step is case 1 at the current value; 'impossible': no value works (proved, or searched — the reason says which). */
  readonly status: 'already' | 'ok' | 'impossible';
  readonly current: number;
  readonly value?: number;
  readonly dW?: number;
  readonly dL?: number;
  readonly ratio?: number;
  readonly dLogpW?: number;
  readonly dLogpL?: number;
  /** Why no value can work, when impossible; how the value was found otherwise. */
  readonly reason: string;
  /** Whether 'impossible' rests on a proof (closed form or symbolic independence) or on a bounded search. */
  readonly proved?: boolean;
}

export interface RemedyReport {
  /** The interval for positive weights (the paper's setting), for reference. */
  readonly interval: Admissible;
  /** The admissible set for this point's sign of d_l. */
  readonly admissible: AdmissibleSet;
  readonly ratio: number | null;
  readonly dW: number;
  readonly dL: number;
  /** Table 1's case of the step as it is (certified). */
  readonly caseId: CaseId | 0;
  readonly position: Position;
  readonly regime: string;
  readonly knobs: readonly KnobResult[];
}

const KNOB_SYMBOL = 'knob__';

/** The knob value nearest to `from` (a log-spaced scan both ways, then bisection to the edge) where `ok` holds. */
export function nearest(ok: (k: number) => boolean, from: number, range: readonly [number, number]): number | undefined {
  if (ok(from)) return from;
  const steps: number[] = [];
  for (let e = -6; e <= 6; e += 0.25) steps.push(10 ** e);
  const candidates: number[] = [];
  for (const dir of [1, -1]) {
    let prev = from;
    for (const s of steps) {
      const k = from + dir * s * Math.max(1, Math.abs(from));
      if (k < range[0] || k > range[1]) break;
      if (ok(k)) {
        let lo = prev, hi = k;
        for (let it = 0; it < 80; it++) { const mid = (lo + hi) / 2; if (ok(mid)) hi = mid; else lo = mid; }
        candidates.push(hi);
        break;
      }
      prev = k;
    }
  }
  if (candidates.length === 0) return undefined;
  return candidates.reduce((best, k) => (Math.abs(k - from) < Math.abs(best - from) ? k : best));
}

const fmt = (x: number) => (Number.isFinite(x) ? String(+x.toPrecision(6)) : x > 0 ? '∞' : '−∞');

export function remedy(c: CompiledDerivation, point: Point, g: Gram, knobs: readonly Knob[]): RemedyReport {
  const d = c.derivation;
  const env = point.values;
  admissible(g); // refuses a Gram matrix no vectors have
  const ev = evaluateAt(c, point, ['dW', 'dL']);
  if (!ev.ok) throw new MarginFault(ev.errors[0]);
  const e = ev.value;
  const i = regimeAt(c, env);
  const { dW, dL } = e;
  const step = classifyCertified(e, g);
  if (!step.ok) throw new MarginFault(step.errors[0]);
  const caseId = step.value.caseId;
  const ratio = dL !== 0 ? dW / dL : null;
  const interval = admissible(g);
  const set = admissibleFor(g, Math.sign(dL));
  const position: Position = caseId === 1 ? 'inside' : ratio === null || set.empty ? 'undefined' : ratio < set.lo ? 'below' : 'above';
  const here = (w: { dW: number; dL: number }, value: number, reason: string, current: number, label: string): KnobResult => {
    const ch = firstOrderChange(w, g);
    return { knob: label, status: 'ok', current, value, dW: w.dW, dL: w.dL, ratio: w.dL !== 0 ? w.dW / w.dL : undefined, dLogpW: ch.dLogpW, dLogpL: ch.dLogpL, reason };
  };
  const results: KnobResult[] = knobs.map((knob): KnobResult => {
    if (knob.kind === 'nll') {
      // Λ′ gains λ (or λ/|y_w|): d_w ← d_w + λ·s with λ ≥ 0, d_l unchanged. Closed form, no search.
      const label = knob.normalised ? 'NLL weight λ (Λ += λa/|y_w|)' : 'NLL weight λ (Λ += λa)';
      const s = knob.normalised ? 1 / env.len_w : 1;
      if (caseId === 1) return { knob: label, status: 'already', current: 0, reason: 'the step is already case 1' };
      const X = chosenWeightsInCase1(dL, g);
      if (!X || X.hi < dW) {
        return { knob: label, status: 'impossible', current: 0, proved: true,
          reason: !X ? `with d_l = ${fmt(dL)} no value of d_w gives case 1 (${set.reason}); an NLL term only raises d_w — the sign of d_l must change`
            : `case 1 needs d_w ≤ ${fmt(X.hi)}, below the current ${fmt(dW)}; an NLL term only raises d_w` };
      }
      const lambda = Math.max(0, (X.lo - dW) / s);
      return here({ dW: dW + lambda * s, dL }, lambda, 'closed form: the smallest λ ≥ 0 with d_w + λ·s in the chosen-weight interval of case 1', 0, label);
    }
    if (knob.kind === 'weights') {
      // λ_w/λ_l = ρ > 0 scales d_w: case 1 needs ρ·d_w in the interval; ρ cannot change a sign.
      const label = 'weight ratio λ_w/λ_l';
      if (caseId === 1) return { knob: label, status: 'already', current: 1, reason: 'the step is already case 1' };
      const X = chosenWeightsInCase1(dL, g);
      let rho: number | undefined;
      if (X && dW !== 0) {
        const [a, b] = dW > 0 ? [X.lo / dW, X.hi / dW] : [X.hi / dW, X.lo / dW];
        const lo = Math.max(a, 0), hi = b;
        if (lo <= hi && hi > 0) rho = Math.min(Math.max(1, lo > 0 ? lo : Number.MIN_VALUE), hi);
      }
      if (rho === undefined) {
        return { knob: label, status: 'impossible', current: 1, proved: true,
          reason: !X ? `with d_l = ${fmt(dL)} no value of d_w gives case 1 (${set.reason}); a positive weight ratio cannot change a sign`
            : dW === 0 ? 'd_w = 0 here: scaling it changes nothing' : `a positive multiple of d_w = ${fmt(dW)} cannot reach the case-1 interval [${fmt(X.lo)}, ${fmt(X.hi)}] of d_w` };
      }
      return here({ dW: rho * dW, dL }, rho, 'closed form: the ratio nearest 1 with ρ·d_w in the chosen-weight interval of case 1', 1, label);
    }
    // A declared param: the weights at a new value, in whatever regime that value puts the point in.
    const name = knob.name;
    const current = env[name];
    if (caseId === 1) return { knob: name, status: 'already', current, reason: 'the step is already case 1' };
    const r = d.regimes[i];
    const range0 = d.spec.source.params[name]?.range;
    // Proof that no value helps: the ratio does not depend on the knob, and over the knob's whole
    // range the point stays in this regime and d_l keeps its sign (interval enclosures) — then the
    // weights only scale, and the case cannot change.
    if (r.ratio && range0 && toText(simplify(differentiate(substitute(r.ratio, { [name]: sym(KNOB_SYMBOL) }), KNOB_SYMBOL))) === '0') {
      const box: Record<string, Interval> = {};
      for (const [k, v] of Object.entries(env)) box[k] = pointIv(v);
      box[name] = ivl(range0[0], range0[1]);
      const sameSign = (e: Expr, want?: 'positive' | 'negative') => { const sg = signOf(compileInterval(expandCref(e))(box)); return (sg === 'positive' || sg === 'negative') && (!want || sg === want); };
      const staysInRegime = r.constraints.every((k) => sameSign(k.g, k.side === 'above' ? 'positive' : 'negative'));
      if (staysInRegime && sameSign(r.dL)) {
        return { knob: name, status: 'impossible', current, proved: true,
          reason: `d_w/d_l = ${toText(r.ratio)} does not depend on ${name} (∂/∂${name} simplifies to 0), and for every ${name} in [${range0[0]}, ${range0[1]}] the point stays in this regime and d_l keeps its sign (interval enclosure): ${name} only scales the weights, so the case cannot change` };
      }
    }
    // The step at a new value, certified: the regime, the weights and the signs of Δ all from enclosures.
    const stepAt = (k: number) => {
      const ev = evaluateAt(c, { ...point, values: { ...env, [name]: k } }, ['dW', 'dL']);
      if (!ev.ok) return undefined;
      const st = classifyCertified(ev.value, g);
      return st.ok ? { w: { dW: ev.value.dW, dL: ev.value.dL }, caseId: st.value.caseId } : undefined;
    };
    const declared = range0;
    const range: readonly [number, number] = declared ?? [current > 0 ? 0 : -Infinity, Infinity];
    const ok = (k: number) => stepAt(k)?.caseId === 1;
    const edge = nearest(ok, current, range);
    if (edge === undefined) {
      return { knob: name, status: 'impossible', current, proved: false,
        reason: `no value of ${name}${declared ? ` in its declared range [${declared[0]}, ${declared[1]}]` : ''} within six orders of magnitude of ${fmt(current)} gives case 1 (searched; not a proof)` };
    }
    // The edge itself is where a weight or a Δ crosses 0; step a tenth of the change past it, so the
    // remedy is not a knife-edge (kept at the edge when that leaves case 1 or the range).
    const past = edge + 0.1 * (edge - current);
    const value = past >= range[0] && past <= range[1] && ok(past) ? past : edge;
    return here(stepAt(value)!.w, value, `nearest edge of case 1 (${name} = ${fmt(edge)}) found by a log-spaced scan from the current value and bisection, then a tenth of the change further in`, current, name);
  });
  return { interval, admissible: set, ratio, dW, dL, caseId, position, regime: d.regimes[i].label, knobs: results };
}
