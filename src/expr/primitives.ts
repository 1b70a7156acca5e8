import { type Interval, type MonotoneRule, imonotone, interval, joinDef, point } from './interval.js';

// The rule table: one entry per primitive, holding everything marginlab knows about it — its partial
// derivatives (as tiny expressions in the placeholders u, v), its LaTeX, its float64 evaluation and its
// domain. Adding a primitive is adding one entry here; the parser, differentiator, evaluator, printers
// and the property suite all read this table.
//
// Each entry also carries its interval extension (interval.ts): a new primitive cannot ship without
// one, so the prover (src/symbolic/interval) covers every function of the language.
//
// A hinge (min, max, relu, abs) has no derivative entry: it is not differentiable at its kink, so the
// symbolic engine splits the loss into regimes along `hinge.boundary = 0` and differentiates each
// branch separately — the kink becomes a regime boundary, never a silent choice of subgradient.

export interface Hinge {
  /** g(u, v): the regime boundary is g = 0. */
  readonly boundary: string;
  /** The primitive's value where g > 0. */
  readonly above: string;
  /** The primitive's value where g < 0. */
  readonly below: string;
}

export interface Primitive {
  readonly name: string;
  readonly params: readonly string[];
  /** ∂f/∂(each param), in the params; absent for hinges. */
  readonly derivative?: readonly string[];
  readonly hinge?: Hinge;
  /** LaTeX, given the LaTeX of the arguments. */
  readonly tex: (args: readonly string[]) => string;
  /** float64 value; NaN outside the domain. */
  readonly evaluate: (...x: number[]) => number;
  /** Sound enclosure of the image of a box (see interval.ts). */
  readonly interval: (...x: Interval[]) => Interval;
  /** Where the primitive is defined, for error messages; null when everywhere. */
  readonly domain: ((...x: number[]) => boolean) | null;
  readonly domainText: string;
  readonly note: string;
}

const R = -Infinity, S = Infinity;
/** A monotone function's interval extension from its domain, range and limits. */
function mono(f: (x: number) => number, increasing: boolean, domain: MonotoneRule['domain'], range: MonotoneRule['range'], atLo: number, atHi: number, root?: number) {
  const rule: MonotoneRule = { increasing, domain, range, atLo, atHi, root };
  return (a: Interval): Interval => imonotone(a, rule, f);
}
const ALL: MonotoneRule['domain'] = [R, S, true, true];

function iminmax(which: 'min' | 'max') {
  return (a: Interval, b: Interval): Interval => {
    const pick = (x: number, xo: boolean, y: number, yo: boolean): [number, boolean] =>
      (which === 'min' ? x < y : x > y) ? [x, xo] : (which === 'min' ? y < x : y > x) ? [y, yo] : [x, xo && yo];
    const [lo, loOpen] = pick(a.lo, a.loOpen, b.lo, b.loOpen);
    const [hi, hiOpen] = pick(a.hi, a.hiOpen, b.hi, b.hiOpen);
    return interval(lo, hi, loOpen, hiOpen, joinDef(a.def, b.def));
  };
}

function iabs(a: Interval): Interval {
  if (a.lo >= 0) return a;
  if (a.hi <= 0) return interval(-a.hi, -a.lo, a.hiOpen, a.loOpen, a.def);
  const m = Math.max(-a.lo, a.hi);
  const mOpen = -a.lo > a.hi ? a.loOpen : a.hi > -a.lo ? a.hiOpen : a.loOpen && a.hiOpen;
  return interval(0, m, false, mOpen, a.def);
}

/** σ(x), stable for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + e^x), stable for large |x|. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** log σ(x) = −softplus(−x). */
export const logSigmoid = (x: number): number => -softplus(-x);

/** log(1 − e^x) for x < 0, using the two-branch form of Mächler (2012) to keep full precision. */
export function log1mexp(x: number): number {
  if (x > 0) return NaN;
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

const table: readonly Primitive[] = [
  // d/du e^u = e^u; overflows past u ≈ 709 in float64
  { name: 'exp', params: ['u'], derivative: ['exp(u)'], tex: ([u]) => `e^{${u}}`,
    evaluate: Math.exp, interval: mono(Math.exp, true, ALL, [0, S, true, true], 0, S), domain: null, domainText: 'all u', note: 'overflows to +∞ for u > 709.78' },
  // d/du log u = 1/u; defined for u > 0
  { name: 'log', params: ['u'], derivative: ['1/u'], tex: ([u]) => `\\log\\left(${u}\\right)`,
    evaluate: Math.log, interval: mono(Math.log, true, [0, S, true, true], [R, S, true, true], R, S, 1), domain: (u) => u > 0, domainText: 'u > 0', note: 'pole at 0' },
  // d/du log(1+u) = 1/(1+u); defined for u > −1
  { name: 'log1p', params: ['u'], derivative: ['1/(1+u)'], tex: ([u]) => `\\log\\left(1 + ${u}\\right)`,
    evaluate: Math.log1p, interval: mono(Math.log1p, true, [-1, S, true, true], [R, S, true, true], R, S, 0), domain: (u) => u > -1, domainText: 'u > -1', note: 'pole at −1' },
  // d/du (e^u − 1) = e^u
  { name: 'expm1', params: ['u'], derivative: ['exp(u)'], tex: ([u]) => `\\left(e^{${u}} - 1\\right)`,
    evaluate: Math.expm1, interval: mono(Math.expm1, true, ALL, [-1, S, true, true], -1, S, 0), domain: null, domainText: 'all u', note: 'exact near 0' },
  // d/du √u = 1/(2√u); the derivative blows up at 0
  { name: 'sqrt', params: ['u'], derivative: ['1/(2*sqrt(u))'], tex: ([u]) => `\\sqrt{${u}}`,
    evaluate: Math.sqrt, interval: mono(Math.sqrt, true, [0, S, false, true], [0, S, false, true], 0, S, 0), domain: (u) => u >= 0, domainText: 'u >= 0', note: 'derivative infinite at 0' },
  // d/du σ(u) = σ(u)σ(−u) (= σ(u)(1 − σ(u)), written so that it stays accurate in both tails)
  { name: 'sigmoid', params: ['u'], derivative: ['sigmoid(u)*sigmoid(-u)'], tex: ([u]) => `\\sigma\\left(${u}\\right)`,
    evaluate: sigmoid, interval: mono(sigmoid, true, ALL, [0, 1, true, true], 0, 1), domain: null, domainText: 'all u', note: 'smooth everywhere' },
  // d/du log σ(u) = σ(−u); smooth everywhere
  { name: 'logsigmoid', params: ['u'], derivative: ['sigmoid(-u)'], tex: ([u]) => `\\log\\sigma\\left(${u}\\right)`,
    evaluate: logSigmoid, interval: mono(logSigmoid, true, ALL, [R, 0, true, true], R, 0), domain: null, domainText: 'all u', note: 'smooth everywhere' },
  // d/du log(1 + e^u) = σ(u)
  { name: 'softplus', params: ['u'], derivative: ['sigmoid(u)'], tex: ([u]) => `\\operatorname{softplus}\\left(${u}\\right)`,
    evaluate: softplus, interval: mono(softplus, true, ALL, [0, S, true, true], 0, S), domain: null, domainText: 'all u', note: 'smooth everywhere' },
  // d/du log(1 − e^u) = −e^u/(1 − e^u) = −1/(e^{−u} − 1); defined for u < 0, pole at 0
  { name: 'log1mexp', params: ['u'], derivative: ['-1/expm1(-u)'], tex: ([u]) => `\\log\\left(1 - e^{${u}}\\right)`,
    evaluate: log1mexp, interval: mono(log1mexp, false, [R, 0, true, true], [R, 0, true, true], 0, R), domain: (u) => u < 0, domainText: 'u < 0', note: '−∞ at u = 0, undefined for u > 0' },
  // d/du tanh u = 1 − tanh² u
  { name: 'tanh', params: ['u'], derivative: ['1 - tanh(u)^2'], tex: ([u]) => `\\tanh\\left(${u}\\right)`,
    evaluate: Math.tanh, interval: mono(Math.tanh, true, ALL, [-1, 1, true, true], -1, 1, 0), domain: null, domainText: 'all u', note: 'smooth everywhere' },
  // min(u, v): kink on u = v; below it (u − v < 0) the value is u
  { name: 'min', params: ['u', 'v'], hinge: { boundary: 'u - v', above: 'v', below: 'u' },
    tex: ([u, v]) => `\\min\\left(${u}, ${v}\\right)`, evaluate: Math.min, interval: iminmax('min'), domain: null, domainText: 'all u, v',
    note: 'piecewise: regime boundary u = v' },
  // max(u, v): kink on u = v; above it the value is u
  { name: 'max', params: ['u', 'v'], hinge: { boundary: 'u - v', above: 'u', below: 'v' },
    tex: ([u, v]) => `\\max\\left(${u}, ${v}\\right)`, evaluate: Math.max, interval: iminmax('max'), domain: null, domainText: 'all u, v',
    note: 'piecewise: regime boundary u = v' },
  // relu(u) = max(u, 0): kink at 0
  { name: 'relu', params: ['u'], hinge: { boundary: 'u', above: 'u', below: '0' },
    tex: ([u]) => `\\operatorname{relu}\\left(${u}\\right)`, evaluate: (u) => Math.max(u, 0), interval: (a) => iminmax('max')(a, point(0)), domain: null,
    domainText: 'all u', note: 'piecewise: regime boundary u = 0' },
  // |u|: kink at 0
  { name: 'abs', params: ['u'], hinge: { boundary: 'u', above: 'u', below: '-u' },
    tex: ([u]) => `\\left|${u}\\right|`, evaluate: Math.abs, interval: iabs, domain: null, domainText: 'all u',
    note: 'piecewise: regime boundary u = 0' },
];

export const PRIMITIVES: ReadonlyMap<string, Primitive> = new Map(table.map((p) => [p.name, p]));

export function primitive(name: string): Primitive {
  const p = PRIMITIVES.get(name);
  if (!p) throw new Error(`internal: no primitive '${name}'`);
  return p;
}
