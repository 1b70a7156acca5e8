// Branch and bound on interval enclosures: decide `expr > 0` (or ≥ 0, < 0, ≤ 0) on a box, optionally
// only where some side conditions hold (a regime). Each box is either
//   • proved: an enclosure is defined everywhere on it and lies on the right side of 0 — the natural
//     extension, or the mean-value form f(c) + Σ ∂f/∂xᵢ(X)·(Xᵢ − cᵢ) where that is tighter;
//   • collapsed: where ∂f/∂xᵢ has one sign on the box and the extreme end of xᵢ is a closed bound, f
//     is monotone in xᵢ and the claim holds on the box exactly when it holds on that face;
//   • discarded: a side condition certainly fails on it;
//   • a witness: a float64 point in it (that meets the side conditions) where the certified enclosure
//     of the claim lies on the wrong side — never a float64 value alone, which may have underflowed;
//   • split in two along its widest side; or
//   • stuck: it cannot be split further in float64, and is counted as undecided, never dropped.
// Before any branching, candidate witnesses are tried: given points (the sampled audit's witnesses),
// the domain's corners and closed endpoints, and random draws. Unbounded sides are split
// geometrically (−∞..b at b − max(1, 2|b|)), so boxes reach any magnitude; the undecided share is
// measured after mapping each axis through x ↦ (2/π)·atan(x).

import { type Expr, add, key, mul, num, substitute, sym, symbolsOf } from '../../expr/expr.js';
import { ratCmp, ratMul, ratOf } from '../../expr/rational.js';
import { simplify } from '../simplify.js';
import { type Interval, contains, iadd, imul, interval, nextDown, nextUp, point } from '../../expr/interval.js';
import { MarginFault } from '../../errors.js';
import { compile, evaluateOrNaN } from '../evaluate.js';
import { differentiate } from '../diff.js';
import { type Box, type CompiledInterval, compileInterval } from './evaluate.js';
import { encloseAt, signOf } from './enclose.js';
import { rewriteForIntervals } from './rewrite.js';
import { type Rng, makeRng } from '../../util/prng.js';

export type SignOp = '>' | '>=' | '<' | '<=';

/** g > 0 (above) or g < 0 (below); with `strict: false`, g ≥ 0 or g ≤ 0. */
export interface SideCondition { readonly g: Expr; readonly side: 'above' | 'below'; readonly strict?: boolean }

export interface ProofResult {
  readonly status: 'proved' | 'refuted' | 'undecided';
  /** A float64 point that violates the claim (refuted only). */
  readonly witness?: Readonly<Record<string, number>>;
  readonly witnessValue?: number;
  /** The certified enclosure of the claim's expression at the witness. */
  readonly witnessEnclosure?: readonly [number, number];
  /** Where the witness came from: a given candidate, a corner or endpoint, a random probe, a box. */
  readonly witnessFrom?: 'candidate' | 'corner' | 'probe' | 'box';
  readonly boxes: number;
  /** Points tried as witnesses before branching. */
  readonly probes: number;
  /** Proved only because no point of the domain meets the side conditions (an empty regime). */
  readonly vacuous?: boolean;
  /** Undecided boxes left when the budget ran out (or that float64 cannot split), and their share of the (atan-mapped) domain. */
  readonly remaining: number;
  readonly remainingShare: number;
  /** Why an undecided result stopped: the box budget, the time limit, or boxes float64 cannot split. */
  readonly stopped?: 'budget' | 'time' | 'stuck';
  readonly seconds: number;
}

export interface ProveOptions {
  /** Boxes to examine (default 20 000). */
  readonly budget?: number;
  /** Stop after this many milliseconds (undecided, `stopped: 'time'`). */
  readonly timeLimitMs?: number;
  readonly conditions?: readonly SideCondition[];
  /** Random points tried as witnesses before branching (default 64). */
  readonly probes?: number;
  readonly seed?: number;
  /** Points to try first as witnesses (e.g. the sampled audit's). */
  readonly candidates?: readonly Readonly<Record<string, number>>[];
  /**
   * 'full' (default): rewrites, corner and endpoint candidates, the mean-value form and monotonicity.
   * 'bisect': natural extension, random probes and box centres only (the strategy before them; kept
   * for the benchmark's comparison).
   */
  readonly strategy?: 'full' | 'bisect';
}

/** A random float64 point of an interval (log-uniform magnitudes on unbounded sides). */
function drawIn(i: Interval, rng: Rng): number {
  const mag = () => Math.exp(Math.log(1e-3) + rng.next() * Math.log(1e6));
  if (i.lo === -Infinity && i.hi === Infinity) return (rng.next() < 0.5 ? -1 : 1) * mag();
  if (i.lo === -Infinity) return i.hi - mag();
  if (i.hi === Infinity) return i.lo + mag();
  return i.lo + rng.next() * (i.hi - i.lo);
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

/** Representative values of one side of the domain: its closed ends, and points inside at several scales. */
function representatives(i: Interval): number[] {
  const out: number[] = [];
  if (Number.isFinite(i.lo) && !i.loOpen) out.push(i.lo);
  if (Number.isFinite(i.hi) && !i.hiOpen) out.push(i.hi);
  if (i.lo === i.hi) return out.length ? out : [i.lo];
  const scales = [1e-6, 1e-2, 1, 30, 1e3];
  if (i.lo === -Infinity && i.hi === Infinity) out.push(0, ...scales, ...scales.map((s) => -s));
  else if (i.lo === -Infinity) out.push(...scales.map((s) => i.hi - s * Math.max(1, Math.abs(i.hi))));
  else if (i.hi === Infinity) out.push(...scales.map((s) => i.lo + s * Math.max(1, Math.abs(i.lo))));
  else out.push(i.lo + (i.hi - i.lo) * 1e-9, midpoint(i), i.hi - (i.hi - i.lo) * 1e-9);
  return out.filter((x) => contains(i, x));
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

type Cond = { side: 'above' | 'below'; strict: boolean; g: Expr; gi: CompiledInterval };

/** Side condition certainly false on the box? (Non-strict conditions keep their boundary.) */
function certainlyOutside(c: Cond, g: Interval): boolean {
  if (g.def !== 'yes') return false;
  if (c.side === 'above') return c.strict ? g.hi <= 0 : g.hi < 0 || (g.hi === 0 && g.hiOpen);
  return c.strict ? g.lo >= 0 : g.lo > 0 || (g.lo === 0 && g.loOpen);
}

/** Side condition certainly true on the box? */
function certainlyInside(c: Cond, g: Interval): boolean {
  const s = signOf(g);
  if (c.side === 'above') return s === 'positive' || (!c.strict && s === 'zero') || (!c.strict && g.def === 'yes' && g.lo >= 0);
  return s === 'negative' || (!c.strict && s === 'zero') || (!c.strict && g.def === 'yes' && g.hi <= 0);
}

/** Every free symbol must have a domain: a missing one would be read as the whole line, silently. */
function checkDomain(exprs: readonly Expr[], domain: Box): void {
  for (const e of exprs) {
    for (const name of symbolsOf(e)) {
      if (!Object.prototype.hasOwnProperty.call(domain, name)) {
        throw new MarginFault({ code: 'E_NO_DOMAIN', message: `'${name}' has no domain to prove over`, at: { symbol: name },
          hint: `give one with --domain (e.g. '0.01<=${name}<=10')` });
      }
    }
  }
}

/** x's interval cut by `x > t` (or ≥, <, ≤); undefined when nothing is left. */
function cut(i: Interval, side: 'above' | 'below', t: number, open: boolean): Interval | undefined {
  let { lo, hi, loOpen, hiOpen } = i;
  if (side === 'above') { if (t > lo || (t === lo && open)) { lo = t; loOpen = open || (t === i.lo && i.loOpen); } }
  else if (t < hi || (t === hi && open)) { hi = t; hiOpen = open || (t === i.hi && i.hiOpen); }
  if (lo < hi || (lo === hi && !loOpen && !hiOpen)) return interval(lo, hi, loOpen, hiOpen);
  return undefined;
}

/**
 * Side conditions that bound one variable (g affine in it: a·x + b) become bounds of the domain — the
 * box then meets the condition's boundary as an open or closed end, instead of bisecting towards it
 * forever. A bound −b/a that float64 cannot hold exactly is widened outward, and the condition kept.
 */
function contract(domain: Box, conds: readonly Cond[]): { domain: Box; conds: Cond[]; empty: boolean } {
  const out: Record<string, Interval> = { ...domain };
  const kept: Cond[] = [];
  for (const c of conds) {
    const vars = [...symbolsOf(c.g)].filter((n) => Object.prototype.hasOwnProperty.call(out, n));
    if (vars.length !== 1 || symbolsOf(c.g).size !== 1) { kept.push(c); continue; }
    const x = vars[0];
    let a: Expr, b: Expr;
    try { a = differentiate(c.g, x); b = simplify(substitute(c.g, { [x]: num(0) })); } catch { kept.push(c); continue; }
    if (a.kind !== 'num' || b.kind !== 'num' || a.value === 0 || key(simplify(add(mul(a, sym(x)), b))) !== key(simplify(c.g))) { kept.push(c); continue; }
    // g = a·x + b > 0 ⟺ x > −b/a (a > 0) or x < −b/a (a < 0); likewise for g < 0.
    const t = -b.value / a.value;
    const exact = Number.isFinite(t) && ratCmp(ratMul(ratOf(t), ratOf(a.value)), ratOf(-b.value)) === 0;
    const side: 'above' | 'below' = (c.side === 'above') === (a.value > 0) ? 'above' : 'below';
    const bound = exact ? t : side === 'above' ? nextDown(t) : nextUp(t);
    const next = cut(out[x], side, bound, exact && c.strict);
    if (!next) return { domain: out, conds: kept, empty: true };
    out[x] = next;
    if (!exact) kept.push(c);
  }
  return { domain: out, conds: kept, empty: false };
}

/** ∂f/∂x for each variable of the box, as interval closures; null where f has no derivative rule (a hinge). */
function gradient(e: Expr, names: readonly string[]): Map<string, CompiledInterval> | null {
  try {
    const g = new Map<string, CompiledInterval>();
    for (const n of names) if (symbolsOf(e).has(n)) g.set(n, compileInterval(differentiate(e, n)));
    return g;
  } catch {
    return null; // hinges and conditionals have no derivative: no mean-value form, no monotonicity
  }
}

export function prove(expr0: Expr, op: SignOp, domainIn: Box, opts: ProveOptions = {}): ProofResult {
  let domain = domainIn;
  const t0 = performance.now();
  const full = (opts.strategy ?? 'full') === 'full';
  const budget = opts.budget ?? 20_000;
  const deadline = opts.timeLimitMs !== undefined ? t0 + opts.timeLimitMs : Infinity;
  checkDomain([expr0, ...(opts.conditions ?? []).map((c) => c.g)], domain);
  const expr = full ? rewriteForIntervals(expr0) : expr0;
  const f = compileInterval(expr);
  const fx = compile(expr);
  let conds: Cond[] = (opts.conditions ?? []).map((c) => {
    const g = full ? rewriteForIntervals(c.g) : c.g;
    return { side: c.side, strict: c.strict ?? true, g, gi: compileInterval(g) };
  });
  if (full) {
    const k = contract(domain, conds);
    if (k.empty) return { status: 'proved', vacuous: true, boxes: 0, probes: 0, remaining: 0, remainingShare: 0, seconds: (performance.now() - t0) / 1000 };
    domain = k.domain;
    conds = k.conds;
  }
  // Only the variables the claim and its conditions use are branched on; the rest of the box is
  // irrelevant. (The 'bisect' strategy, kept for comparison, branches on the whole box as before.)
  const used = new Set<string>();
  for (const e of [expr, ...conds.map((c) => c.g)]) symbolsOf(e, used);
  const names = Object.keys(domain).filter((n) => used.has(n) || !full);
  domain = Object.fromEntries(names.map((n) => [n, domain[n]]));
  const grad = full ? gradient(expr, names) : null;
  let boxes = 0, probes = 0;
  const elapsed = () => (performance.now() - t0) / 1000;

  // A witness must be genuine: a point of the domain where the certified enclosure (not only the
  // float64 value, which may have underflowed to 0) is on the wrong side, and the side conditions
  // certainly hold.
  // It must violate the claim as given too, not only its rewritten form: simplification can extend
  // where an expression is defined (x·x⁻¹ → 1), and a claim is not refuted where it is undefined.
  const isWitness = (x: Record<string, number>): Interval | undefined => {
    if (!names.every((n) => contains(domain[n], x[n]))) return undefined;
    const v = encloseAt(expr, x);
    if (!certainlyViolates(op, v)) return undefined;
    if (expr !== expr0 && !certainlyViolates(op, encloseAt(expr0, fill(x)))) return undefined;
    const condsHold = conds.every((c) => {
      const s = signOf(encloseAt(c.g, x));
      return c.side === 'above' ? s === 'positive' || (!c.strict && s === 'zero') : s === 'negative' || (!c.strict && s === 'zero');
    });
    return condsHold ? v : undefined;
  };
  // Variables the rewritten claim no longer uses take any point of their domain.
  const fill = (x: Record<string, number>): Record<string, number> => {
    const out = { ...x };
    for (const n of Object.keys(domainIn)) if (out[n] === undefined) out[n] = inside(domainIn[n]);
    return out;
  };
  const refuted = (x: Record<string, number>, v: Interval, from: ProofResult['witnessFrom'], remaining: number): ProofResult =>
    ({ status: 'refuted', witness: x, witnessValue: evaluateOrNaN(fx, x), witnessEnclosure: [v.lo, v.hi], witnessFrom: from, boxes, probes, remaining, remainingShare: 0, seconds: elapsed() });

  // A claim its natural extension proves on the whole domain needs no candidates.
  if (conds.length === 0 && holds(op, f(domain))) return { status: 'proved', vacuous: false, boxes: 1, probes: 0, remaining: 0, remainingShare: 0, seconds: elapsed() };
  // Candidates first: given points, then corners and endpoints, then random draws.
  const rng = makeRng(opts.seed ?? 1);
  const tries: { x: Record<string, number>; from: ProofResult['witnessFrom'] }[] = [];
  for (const c of opts.candidates ?? []) {
    if (names.every((n) => typeof c[n] === 'number')) tries.push({ x: Object.fromEntries(names.map((n) => [n, c[n]])), from: 'candidate' });
  }
  if (full) {
    const reps = names.map((n) => representatives(domain[n]));
    // Every corner of the closed ends (all of them up to 2^8), then mixed representatives at random.
    const ends = reps.map((r, k) => { const i = domain[names[k]]; const e = [i.lo, i.hi].filter((v, j) => Number.isFinite(v) && !(j === 0 ? i.loOpen : i.hiOpen)); return e.length ? e : [r[0]]; });
    const cornerCount = ends.reduce((p, e) => p * e.length, 1);
    if (cornerCount <= 256) {
      for (let k = 0; k < cornerCount; k++) {
        let rest = k;
        const x: Record<string, number> = {};
        names.forEach((n, j) => { x[n] = ends[j][rest % ends[j].length]; rest = Math.floor(rest / ends[j].length); });
        tries.push({ x, from: 'corner' });
      }
    }
    for (let k = 0; k < 192; k++) tries.push({ x: Object.fromEntries(names.map((n, j) => [n, reps[j][rng.int(0, reps[j].length - 1)]])), from: 'corner' });
  }
  for (let k = 0; k < (opts.probes ?? 64); k++) tries.push({ x: Object.fromEntries(names.map((n) => [n, drawIn(domain[n], rng)])), from: 'probe' });
  for (const t of tries) {
    probes++;
    const v = isWitness(t.x);
    if (v) return refuted(t.x, v, t.from, 1);
    if (performance.now() > deadline) break;
  }

  /** The mean-value form on a finite box: f(c) + Σ ∂f/∂xᵢ(X)·(Xᵢ − cᵢ). */
  const meanValue = (box: Box): Interval | undefined => {
    if (!grad || !names.every((n) => Number.isFinite(box[n].lo) && Number.isFinite(box[n].hi))) return undefined;
    const c: Record<string, Interval> = {};
    for (const n of names) c[n] = point(midpoint(box[n]));
    let acc = f(c);
    for (const [n, gi] of grad) {
      const d = gi(box);
      if (d.def !== 'yes') return undefined;
      // Xᵢ − cᵢ with outward rounding: hi − m rounded to nearest can swallow a tiny hi (5e-324 − (−1.5) = 1.5).
      acc = iadd(acc, imul(d, iadd(box[n], point(-c[n].lo))));
    }
    return acc;
  };

  /** The face of the box where f is extreme in every variable it is monotone in (closed ends only). */
  const collapse = (box: Box): Box | undefined => {
    if (!grad) return undefined;
    const minimise = op === '>' || op === '>=';
    let face: Record<string, Interval> | undefined;
    for (const [n, gi] of grad) {
      const i = box[n];
      if (i.lo === i.hi) continue;
      const s = signOf(gi(box));
      const d = gi(box);
      const nonneg = s === 'positive' || s === 'zero' || (d.def === 'yes' && d.lo >= 0);
      const nonpos = s === 'negative' || s === 'zero' || (d.def === 'yes' && d.hi <= 0);
      if (!nonneg && !nonpos) continue;
      const atLo = nonneg === minimise; // increasing and minimising, or decreasing and maximising
      const [end, open] = atLo ? [i.lo, i.loOpen] : [i.hi, i.hiOpen];
      if (!Number.isFinite(end) || open) continue;
      face ??= { ...box };
      face[n] = point(end);
    }
    return face;
  };

  // Each box carries the share of the domain it stands for (a face stands for the box it came from).
  type Item = { box: Box; free: boolean; share: number };
  const boxShare = (b: Box) => names.reduce((p, n) => p * Math.max(measure(b[n]), 0), 1);
  const queue: Item[] = [{ box: domain, free: false, share: 1 }];
  let relevant = 0, stuck = 0, stuckShare = 0;
  let stopped: ProofResult['stopped'];
  while (queue.length > 0) {
    if (boxes >= budget) { stopped = 'budget'; break; }
    if (performance.now() > deadline) { stopped = 'time'; break; }
    const { box, free: freeOfConditions, share } = queue.shift()!;
    boxes++;
    // A box whose conditions hold everywhere on it needs no further condition checks ("free").
    let free = freeOfConditions;
    if (!free) {
      const gs = conds.map((c) => c.gi(box));
      if (conds.some((c, k) => certainlyOutside(c, gs[k]))) continue;
      free = conds.every((c, k) => certainlyInside(c, gs[k]));
    }
    relevant++;
    let value = f(box);
    if (holds(op, value)) continue;
    if (full && value.def === 'yes') {
      const mv = meanValue(box);
      if (mv && holds(op, mv)) continue;
    }
    // Try the box's centre as a witness.
    const x: Record<string, number> = {};
    for (const n of names) x[n] = inside(box[n]);
    const w = isWitness(x);
    if (w) return refuted(x, w, 'box', queue.length);
    // Monotone in some variables: the claim holds on the box iff it holds on that face. Only where the
    // box lies wholly in the regime, so that the face needs no side conditions of its own.
    if (full && free) {
      const face = collapse(box);
      if (face) {
        value = f(face);
        if (holds(op, value)) continue;
        const fxp: Record<string, number> = {};
        for (const n of names) fxp[n] = inside(face[n]);
        const fw = isWitness(fxp);
        if (fw) return refuted(fxp, fw, 'box', queue.length);
        queue.push({ box: face, free: true, share });
        continue;
      }
    }
    // Split the widest side (in the atan-mapped measure; infinite sides first).
    let best = names[0], bestW = -1;
    for (const n of names) {
      const i = box[n];
      if (i.lo === i.hi) continue;
      const wdt = !Number.isFinite(i.lo) || !Number.isFinite(i.hi) ? 10 + measure(i) : measure(i);
      if (wdt > bestW) { bestW = wdt; best = n; }
    }
    const i = best !== undefined ? box[best] : undefined;
    const m = i ? midpoint(i) : NaN;
    if (bestW <= 0 || !i || !(m > i.lo && m < i.hi)) {
      // Neither proved nor refuted, and float64 cannot split it: undecided, never dropped.
      stuck++;
      stuckShare += share;
      continue;
    }
    const lower = { ...box, [best]: interval(i.lo, m, i.loOpen, false) }, upper = { ...box, [best]: interval(m, i.hi, false, i.hiOpen) };
    const whole = boxShare(box), part = whole > 0 ? boxShare(lower) / whole : 0.5;
    queue.push({ box: lower, free, share: share * part }, { box: upper, free, share: share * (1 - part) });
  }
  if (queue.length === 0 && stuck === 0) return { status: 'proved', vacuous: relevant === 0, boxes, probes, remaining: 0, remainingShare: 0, seconds: elapsed() };
  const left = queue.reduce((s, b) => s + b.share, 0) + stuckShare;
  return { status: 'undecided', boxes, probes, remaining: queue.length + stuck, remainingShare: Math.min(1, left), stopped: stopped ?? 'stuck', seconds: elapsed() };
}

/** Why an undecided proof stopped, as its reports say it. */
export const stoppedText: Record<NonNullable<ProofResult['stopped']>, string> = {
  budget: 'the box budget ran out', time: 'the time budget ran out (--budget)', stuck: 'boxes float64 cannot split further remain',
};
