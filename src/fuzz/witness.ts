// After fast-check has shrunk a counterexample, make it one a person can use. fast-check shrinks towards
// the edge of the failing region, so a finding comes out at gradient norms of 1e-10 with a change of
// −4e-23, or with b = 1.0000000000280·a where the margin barely moves. Here the witness is tidied while
// the law still fails on it, one step at a time, each step kept only if it does:
//  1. the point's values to their documented defaults (params, c_ref = logp, lengths 1, z_ref 0);
//  2. each value of the point to the fewest significant digits that still fail (either neighbour);
//  3. the gradients to a unit-scale pair a = (1, 0), b = ρ(c, √(1 − c²)): first from a grid of plain
//     ratios ρ = ‖b‖/‖a‖ and cosines c (b = 1.2a, b ⟂ a, …) — moving the params to their defaults, or
//     the log-probabilities to plain values, where only that point has a plain pair — then the shrunk
//     pair's own ρ and c rounded to the fewest digits, then its exact shape at unit scale; a law that
//     fails only at extreme scales keeps its pair ("where the law allows");
//  4. steps 1 and 2 again, since a plainer pair may let the point be plainer too.
// Nothing is accepted that passes the law: the tidied witness is a counterexample of the same law.

import type { CompiledDerivation } from '../symbolic/point.js';
import { LOGP_L, LOGP_W } from '../loss/symbols.js';
import type { DomainPoint, GradientPair, GramKind } from './arbitraries.js';

export interface Law {
  readonly check: (c: CompiledDerivation, env: DomainPoint, g: GradientPair) => { status: string };
  readonly needsGram: boolean;
}

export interface TidyWitness {
  readonly point: DomainPoint;
  readonly gram?: GradientPair;
  /** What was changed, in words ("gradients at unit scale: ‖a‖ = 1, b = 1.2·a"), in order. */
  readonly steps: readonly string[];
}

/** Plain ratios ‖b‖/‖a‖ and cosines, plainest first. */
const RATIOS = [1, 2, 0.5, 3, 0.25, 10, 0.1, 1.5, 1.2, 1.1, 0.9, 0.8, 1.25, 0.75, 1.05, 0.95, 1.01, 0.99];
const COSINES = [1, 0, -1, 0.5, -0.5, 0.9, -0.9, 0.8, -0.8, 0.99, -0.99];
/** Plain log-probabilities, for a witness whose shrunk point has no plain pair. */
const PLAIN_LOGPS = [-1, -2, -0.5, -5, -10, -0.1, -20, -50];

const digits = (v: number) => (Number.isInteger(v) ? String(Math.abs(v)).length : String(Math.abs(v)).replace(/^0\.|\./, '').replace(/^0+/, '').length);

const GRID = RATIOS.flatMap((rho, i) => COSINES.map((cos, j) => ({ rho, cos, rank: digits(rho) + digits(cos), order: i * COSINES.length + j })))
  .sort((x, y) => x.rank - y.rank || x.order - y.order);

function kindOf(cos: number): GramKind {
  return cos === 1 ? 'parallel' : cos === -1 ? 'anti-parallel' : cos === 0 ? 'orthogonal' : 'random';
}

/** The unit-scale pair a = (1, 0), b = ρ(c, √(1 − c²)), exact where c is ±1 or 0. */
export function unitPair(rho: number, cos: number): GradientPair {
  const sin = cos === 1 || cos === -1 ? 0 : cos === 0 ? 1 : Math.sqrt(1 - cos * cos);
  const b = [rho * cos, rho * sin];
  return { kind: kindOf(cos), a: [1, 0], b, innerWL: b[0], normW2: 1, normL2: b[0] * b[0] + b[1] * b[1] };
}

const round = (v: number, d: number) => Number(v.toPrecision(d));

/** The two values of d significant digits either side of v, v's rounding first. */
export function neighbours(v: number, d: number): number[] {
  if (v === 0 || !Number.isFinite(v)) return [v];
  const step = 10 ** (Math.floor(Math.log10(Math.abs(v))) - d + 1);
  const lo = Number((Math.floor(v / step) * step).toPrecision(d)), hi = Number((Math.ceil(v / step) * step).toPrecision(d));
  if (lo === hi) return [lo];
  return round(v, d) === lo ? [lo, hi] : [hi, lo];
}
const plain = (v: number) => String(v);

/** The same point with one value changed (c_ref follows c_ref_w and c_ref_l). */
function withValue(p: DomainPoint, name: string, v: number): DomainPoint {
  const q = { ...p, [name]: v };
  if ('c_ref' in p) q.c_ref = q.c_ref_w - q.c_ref_l;
  return q;
}

function describePair(rho: number, cos: number): string {
  if (cos === 1) return rho === 1 ? 'b = a' : `b = ${plain(rho)}·a`;
  if (cos === -1) return rho === 1 ? 'b = −a' : `b = −${plain(rho)}·a`;
  return `‖b‖ = ${plain(rho)}, cos∠(a, b) = ${plain(cos)}`;
}

export interface TidyOptions {
  /** The pair a law without gradients is checked with. */
  readonly noGram: GradientPair;
  /** The params' declared defaults. */
  readonly defaults: Readonly<Record<string, number>>;
  /** Closed ranges a value must stay in (the params' declared ranges); a rounded value outside is refused. */
  readonly ranges: Readonly<Record<string, readonly [number, number]>>;
}

export function tidyWitness(law: Law, c: CompiledDerivation, point: DomainPoint, gram: GradientPair | undefined, o: TidyOptions): TidyWitness {
  const steps: string[] = [];
  let p = { ...point };
  let g = gram;
  const inRange = (q: DomainPoint) => Object.entries(o.ranges).every(([k, [lo, hi]]) => !(k in q) || (q[k] >= lo && q[k] <= hi));
  const fails = (q: DomainPoint, h: GradientPair | undefined) => {
    if (!inRange(q)) return false;
    // A candidate on which the check throws is not the same failure: it is refused, not taken.
    try { return law.check(c, q, h ?? o.noGram).status === 'fail'; } catch { return false; }
  };

  // 1. documented defaults, one value at a time
  const defaultOf = (name: string): number | undefined => ({ ...o.defaults, c_ref_w: p[LOGP_W], c_ref_l: p[LOGP_L], len_w: 1, len_l: 1, z_ref: 0 } as Record<string, number>)[name];
  const toDefaults = () => {
    const changed: string[] = [];
    for (const name of Object.keys(p)) {
      const v = defaultOf(name);
      if (v === undefined || p[name] === v) continue;
      const q = withValue(p, name, v);
      if (fails(q, g)) { p = q; changed.push(`${name} = ${plain(v)}`); }
    }
    if (changed.length) steps.push(`defaults: ${changed.join(', ')}`);
  };

  // 2. fewest significant digits (a value at its default is plain already)
  const roundPoint = () => {
    const rounded: string[] = [];
    for (const name of Object.keys(p)) {
      if (name === 'c_ref' || p[name] === defaultOf(name)) continue;
      let done = false;
      for (let d = 1; d < 17 && !done; d++) {
        // Both neighbours at d digits, the nearer first: fast-check leaves a value at the edge of the
        // failing region (IPO's logp_l = −6.000000000000001, where d_w = 0), and the neighbour on the
        // far side (−7) is a witness well inside it.
        for (const v of neighbours(p[name], d)) {
          if (v === p[name]) { done = true; break; }
          const q = withValue(p, name, v);
          if (fails(q, g)) { p = q; rounded.push(`${name} = ${plain(v)}`); done = true; break; }
        }
      }
    }
    if (rounded.length) steps.push(`rounded: ${rounded.join(', ')}`);
  };
  toDefaults();
  roundPoint();

  // 3. a unit-scale pair of the same law's failure. Where no plain pair fails at the point but one does
  // with its params at their defaults, the defaults are taken first (a param shrunk to the end of its
  // range can leave d_w/d_l within 1e-6 of 1, so that only b ≈ a shrinks the margin).
  if (law.needsGram && g) {
    const plainPair = (q: DomainPoint) => GRID.some((x) => fails(q, unitPair(x.rho, x.cos)));
    const reset = Object.keys(o.defaults).filter((k) => k in p && p[k] !== o.defaults[k]);
    if (reset.length && !plainPair(p)) {
      const q = reset.reduce((acc, k) => withValue(acc, k, o.defaults[k]), p);
      if (plainPair(q)) { p = q; steps.push(`defaults: ${reset.map((k) => `${k} = ${plain(o.defaults[k])}`).join(', ')}`); }
    }
    // Still none: plain log-probabilities where one does (KTO at its defaults fails only near b = a when
    // logp_w = −0.05, logp_l = −1; elsewhere d_w/d_l is further from 1). A reference that sat at the
    // policy (c_ref = logp, the start of training) stays there.
    if (!plainPair(p)) {
      const moved = PLAIN_LOGPS.flatMap((w) => PLAIN_LOGPS.map((l) => {
        let q = withValue(withValue(p, LOGP_W, w), LOGP_L, l);
        if (p.c_ref_w === p[LOGP_W]) q = withValue(q, 'c_ref_w', w);
        if (p.c_ref_l === p[LOGP_L]) q = withValue(q, 'c_ref_l', l);
        return q;
      })).find(plainPair);
      if (moved) { p = moved; steps.push(`plain log-probabilities: logp_w = ${plain(p[LOGP_W])}, logp_l = ${plain(p[LOGP_L])}`); }
    }
    const rho = Math.sqrt(g.normL2 / g.normW2), cos = Math.max(-1, Math.min(1, g.innerWL / Math.sqrt(g.normW2 * g.normL2)));
    const candidates = [
      ...GRID,
      ...Array.from({ length: 16 }, (_, k) => ({ rho: round(rho, k + 1), cos: round(cos, k + 1) })),
      { rho, cos },
    ];
    const hit = candidates.find((x) => x.rho > 0 && Number.isFinite(x.rho) && fails(p, unitPair(x.rho, x.cos)));
    if (hit) {
      g = unitPair(hit.rho, hit.cos);
      steps.push(`gradients at unit scale: ‖a‖ = 1, ${describePair(hit.rho, hit.cos)}`);
      toDefaults();
      roundPoint();
    }
  }
  return { point: p, gram: g, steps };
}
