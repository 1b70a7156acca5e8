// `remedy` for a loss over K ranked responses: at a point with a K×K Gram matrix, the cone of weight directions d
// for which one step lifts response 1 and lowers every other ((G d)_1 > 0 > (G d)_k, k > 1; ranked-cone.ts, decided
// exactly with a certificate), whether the loss's own d lies in it (the signs of η(G·d)_k certified by interval
// arithmetic, gram.ts), and for each param knob whether some value in its range puts d there — as the
// two-response remedy does (remedy.ts): proved impossible when the cone is empty (no d at all), else found by the
// same log-spaced scan and bisection, every candidate's signs certified, or reported as searched, not proved.

import { MarginFault } from '../errors.js';
import { type Matrix, rankedStep } from './gram.js';
import { type ConeVerdict, conePattern, decideCone } from './ranked-cone.js';
import { type CompiledRanked, evaluateRanked } from './ranked.js';
import type { Point } from './point.js';
import { nearest } from './remedy.js';

export interface RankedKnobResult {
  readonly knob: string;
  /** 'already': d is in the cone at the current value; 'ok': a value puts it there; 'impossible': none does. */
  readonly status: 'already' | 'ok' | 'impossible';
  readonly current: number;
  readonly value?: number;
  /** d_1 … d_K and η(G·d)_k (η = 1) at the value found. */
  readonly d?: readonly number[];
  readonly changes?: readonly number[];
  readonly reason: string;
  /** Whether 'impossible' rests on a proof (the cone is empty) or on a bounded search. */
  readonly proved?: boolean;
}

export interface RankedRemedyReport {
  readonly K: number;
  readonly regime: string;
  readonly d: readonly number[];
  /** The step's certified sign pattern, response 1 first ('+', '-', '0', '?'), and η(G·d)_k with η = 1. */
  readonly pattern: string;
  readonly changes: readonly number[];
  /** The pattern asked for: + then K − 1 times −. */
  readonly target: string;
  readonly cone: ConeVerdict;
  /** Whether the loss's d is in the cone: 'inside', 'outside' (certified), or 'undecided' where float64 cannot tell. */
  readonly position: 'inside' | 'outside' | 'undecided';
  readonly knobs: readonly RankedKnobResult[];
}

const fmt = (x: number) => String(+x.toPrecision(6));

export function rankedRemedy(c: CompiledRanked, point: Point, G: Matrix, knobs: readonly string[]): RankedRemedyReport {
  const K = c.derivation.K;
  const target = conePattern(K);
  const at = (values: Point['values']) => {
    const e = evaluateRanked(c, { ...point, values });
    return e.ok ? { e: e.value, step: rankedStep(e.value.certified, G) } : undefined;
  };
  const e0 = evaluateRanked(c, point);
  if (!e0.ok) throw new MarginFault(e0.errors[0]);
  const step = rankedStep(e0.value.certified, G);
  const cone = decideCone(G);
  // An empty cone holds no d, certified: the loss's is outside it even where float64 cannot sign G·d.
  const position = step.pattern === target ? 'inside' : cone.status === 'empty' || !step.moves.includes('undecided') ? 'outside' : 'undecided';
  const spec = c.derivation.spec.source;
  const results = knobs.map((name): RankedKnobResult => {
    const current = point.values[name];
    if (position === 'inside') return { knob: name, status: 'already', current, reason: `the step is already ${target}` };
    if (cone.status === 'empty') {
      return { knob: name, status: 'impossible', current, proved: true, reason: `no weights at all give ${target} with this Gram matrix (the cone is empty, certified), so no value of ${name} can` };
    }
    const declared = spec.params[name]?.range;
    const range: readonly [number, number] = declared ?? [current > 0 ? 0 : -Infinity, Infinity];
    const ok = (k: number) => at({ ...point.values, [name]: k })?.step.pattern === target;
    const edge = nearest(ok, current, range);
    if (edge === undefined) {
      return { knob: name, status: 'impossible', current, proved: false,
        reason: `no value of ${name}${declared ? ` in its declared range [${declared[0]}, ${declared[1]}]` : ''} within six orders of magnitude of ${fmt(current)} gives ${target} (searched; not a proof)` };
    }
    // A tenth of the change past the edge, so the remedy is not a knife-edge (kept at the edge otherwise).
    const past = edge + 0.1 * (edge - current);
    const value = past >= range[0] && past <= range[1] && ok(past) ? past : edge;
    const r = at({ ...point.values, [name]: value })!;
    return { knob: name, status: 'ok', current, value, d: r.e.d, changes: r.step.changes,
      reason: `nearest edge (${name} = ${fmt(edge)}) found by a log-spaced scan from the current value and bisection, then a tenth of the change further in; the signs of G·d there certified by interval arithmetic` };
  });
  return { K, regime: e0.value.regime.label, d: e0.value.d, pattern: step.pattern, changes: step.changes, target, cone, position, knobs: results };
}
