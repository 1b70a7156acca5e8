// Branch and bound on interval enclosures: decide `expr > 0` (or ≥ 0, < 0, ≤ 0) on a box, optionally
// only where some side conditions hold (a regime). Each box is either
//   • proved: the enclosure is defined everywhere and lies on the right side of 0;
//   • discarded: a side condition certainly fails on it;
//   • a witness: a float64 point in it (that meets the side conditions) violates the claim;
//   • split in two along its widest side.
// Unbounded sides are split geometrically (−∞..b at b − max(1, 2|b|)), so boxes reach any magnitude;
// the undecided share is measured after mapping each axis through x ↦ (2/π)·atan(x).

import type { Expr } from '../../expr/expr.js';
import { type Interval, contains, interval } from '../../expr/interval.js';
import { compile, evaluateOrNaN } from '../evaluate.js';
import { type Box, compileInterval } from './evaluate.js';
import { type Rng, makeRng } from '../../util/prng.js';

/** A random float64 point of an interval (log-uniform magnitudes on unbounded sides). */
function drawIn(i: Interval, rng: Rng): number {
  const mag = () => Math.exp(Math.log(1e-3) + rng.next() * Math.log(1e6));
  if (i.lo === -Infinity && i.hi === Infinity) return (rng.next() < 0.5 ? -1 : 1) * mag();
  if (i.lo === -Infinity) return i.hi - mag();
  if (i.hi === Infinity) return i.lo + mag();
  return i.lo + rng.next() * (i.hi - i.lo);
}

export type SignOp = '>' | '>=' | '<' | '<=';

/** g > 0 (above) or g < 0 (below); with `strict: false`, g ≥ 0 or g ≤ 0. */
export interface SideCondition { readonly g: Expr; readonly side: 'above' | 'below'; readonly strict?: boolean }

export interface ProofResult {
  readonly status: 'proved' | 'refuted' | 'undecided';
  /** A float64 point that violates the claim (refuted only). */
  readonly witness?: Readonly<Record<string, number>>;
  readonly witnessValue?: number;
  readonly boxes: number;
  /** Random points tried as witnesses before branching. */
  readonly probes: number;
  /** Proved only because no point of the domain meets the side conditions (an empty regime). */
  readonly vacuous?: boolean;
  /** Undecided boxes left when the budget ran out, and their share of the (atan-mapped) domain. */
  readonly remaining: number;
  readonly remainingShare: number;
  readonly seconds: number;
}

const squash = (x: number) => (2 / Math.PI) * Math.atan(x);
const measure = (i: Interval) => squash(i.hi) - squash(i.lo);

function midpoint(i: Interval): number {
  if (i.lo === -Infinity && i.hi === Infinity) return 0;
  if (i.lo === -Infinity) return i.hi - Math.max(1, 2 * Math.abs(i.hi));
  if (i.hi === Infinity) return i.lo + Math.max(1, 2 * Math.abs(i.lo));
  return i.lo + (i.hi - i.lo) / 2;
}

/** A finite point inside the interval (its midpoint, pulled in from infinite or open ends). */
function inside(i: Interval): number {
  const m = midpoint(i);
  if (m > i.lo && m < i.hi) return m;
  return i.lo === i.hi ? i.lo : m;
}

function holds(op: SignOp, i: Interval): boolean {
  if (i.def !== 'yes') return false;
  switch (op) {
    case '>': return i.lo > 0 || (i.lo === 0 && i.loOpen);
    case '>=': return i.lo >= 0;
    case '<': return i.hi < 0 || (i.hi === 0 && i.hiOpen);
    case '<=': return i.hi <= 0;
  }
}

/** Certainly violates the claim (the enclosure lies on the wrong side of 0)? */
function certainlyViolates(op: SignOp, i: Interval): boolean {
  if (i.def !== 'yes') return false;
  switch (op) {
    case '>': return i.hi <= 0;
    case '>=': return i.hi < 0 || (i.hi === 0 && i.hiOpen);
    case '<': return i.lo >= 0;
    case '<=': return i.lo > 0 || (i.lo === 0 && i.loOpen);
  }
}

/** Side condition certainly false on the box? (Non-strict conditions keep their boundary.) */
function certainlyOutside(c: { side: 'above' | 'below'; strict: boolean }, g: Interval): boolean {
  if (g.def !== 'yes') return false;
  if (c.side === 'above') return c.strict ? g.hi <= 0 : g.hi < 0 || (g.hi === 0 && g.hiOpen);
  return c.strict ? g.lo >= 0 : g.lo > 0 || (g.lo === 0 && g.loOpen);
}

export function prove(expr: Expr, op: SignOp, domain: Box, opts: { budget?: number; conditions?: readonly SideCondition[]; probes?: number; seed?: number } = {}): ProofResult {
  const t0 = performance.now();
  const budget = opts.budget ?? 20_000;
  const f = compileInterval(expr);
  const fx = compile(expr);
  const conds = (opts.conditions ?? []).map((c) => ({ side: c.side, strict: c.strict ?? true, gi: compileInterval(c.g), gx: compile(c.g) }));
  const names = Object.keys(domain);
  const total = names.reduce((p, n) => p * Math.max(measure(domain[n]), 0), 1) || 1;
  const queue: Box[] = [domain];
  let boxes = 0;
  // A witness must be genuine: at that exact point the enclosure (not only the float64 value, which
  // may have underflowed to 0) is on the wrong side, and the side conditions certainly hold.
  const pointBox = (x: Record<string, number>): Box => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, interval(v, v)]));
  const isWitness = (x: Record<string, number>): boolean => {
    const pb = pointBox(x);
    if (!certainlyViolates(op, f(pb))) return false;
    return conds.every((c) => {
      const g = c.gi(pb);
      if (g.def !== 'yes') return false;
      return c.side === 'above' ? (c.strict ? g.lo > 0 || (g.lo === 0 && g.loOpen) : g.lo >= 0) : (c.strict ? g.hi < 0 || (g.hi === 0 && g.hiOpen) : g.hi <= 0);
    });
  };
  // A few random points first: a refutation is often found without any branching.
  const rng = makeRng(opts.seed ?? 1);
  let probes = 0;
  for (let k = 0; k < (opts.probes ?? 64); k++) {
    probes++;
    const x: Record<string, number> = {};
    for (const n of names) x[n] = drawIn(domain[n], rng);
    if (!names.every((n) => contains(domain[n], x[n]))) continue;
    if (isWitness(x)) {
      return { status: 'refuted', witness: x, witnessValue: evaluateOrNaN(fx, x), boxes, probes, remaining: 1, remainingShare: 0, seconds: (performance.now() - t0) / 1000 };
    }
  }
  let relevant = 0;
  while (queue.length > 0 && boxes < budget) {
    const box = queue.shift()!;
    boxes++;
    if (conds.some((c) => certainlyOutside(c, c.gi(box)))) continue;
    relevant++;
    const value = f(box);
    if (holds(op, value)) continue;
    // Try the box's centre as a witness.
    const x: Record<string, number> = {};
    for (const n of names) x[n] = inside(box[n]);
    if (isWitness(x)) {
      return { status: 'refuted', witness: x, witnessValue: evaluateOrNaN(fx, x), boxes, probes, remaining: queue.length, remainingShare: 0, seconds: (performance.now() - t0) / 1000 };
    }
    // Split the widest side (in the atan-mapped measure; infinite sides first).
    let best = names[0], bestW = -1;
    for (const n of names) {
      const i = box[n];
      if (i.lo === i.hi) continue;
      const w = !Number.isFinite(i.lo) || !Number.isFinite(i.hi) ? 10 + measure(i) : measure(i);
      if (w > bestW) { bestW = w; best = n; }
    }
    if (bestW <= 0) continue; // a point box that is neither proved nor a witness (undefined there)
    const i = box[best];
    const m = midpoint(i);
    if (!(m > i.lo && m < i.hi)) continue; // cannot split further in float64
    queue.push({ ...box, [best]: interval(i.lo, m, i.loOpen, false) }, { ...box, [best]: interval(m, i.hi, false, i.hiOpen) });
  }
  if (queue.length === 0) return { status: 'proved', vacuous: relevant === 0, boxes, probes, remaining: 0, remainingShare: 0, seconds: (performance.now() - t0) / 1000 };
  const left = queue.reduce((s, b) => s + names.reduce((p, n) => p * Math.max(measure(b[n]), 0), 1), 0);
  return { status: 'undecided', boxes, probes, remaining: queue.length, remainingShare: left / total, seconds: (performance.now() - t0) / 1000 };
}
