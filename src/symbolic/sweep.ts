// A sweep: d_w, d_l, d_w/d_l (and L; and, given the Gram statistics of a gradient pair, the predicted
// Δlogp_w, Δlogp_l and Table 1's case) over one or two variables of the point, every value from
// evaluateAt — so each is certified by an interval enclosure, and where evaluateAt refuses
// (E_ILL_CONDITIONED, E_ON_BOUNDARY, …) the sample is a gap with the refusal's code, never a number.
// A case is given only where classifyCertified certifies the signs it rests on. Regime boundaries are
// located between samples: by bisection on one axis, as the edges between cells of different regimes
// on two; the edges of Table 1's case-1 region likewise. Pure: no I/O, no randomness.

import { type ErrorCode, type MarginError, type Result, didYouMean, fail, ok } from '../errors.js';
import { CONTEXT_NAMES, LOGP_L, LOGP_W } from '../loss/symbols.js';
import type { Gram } from './conditions.js';
import { symbolsRead } from './derive.js';

export { symbolsRead } from './derive.js';
import { type CompiledDerivation, type Point, type Quantity, completePoint, evaluateAt, regimeAt } from './point.js';
import { classifyCertified } from './step.js';

export const SWEEP_QUANTITIES = ['dW', 'dL', 'ratio', 'L', 'dLogpW', 'dLogpL', 'case'] as const;
export type SweepQuantity = (typeof SWEEP_QUANTITIES)[number];
/** Quantities that need the Gram statistics of a gradient pair. */
export const STEP_QUANTITIES: ReadonlySet<SweepQuantity> = new Set(['dLogpW', 'dLogpL', 'case']);
export const QUANTITY_TEXT: Readonly<Record<SweepQuantity, string>> = {
  dW: 'd_w', dL: 'd_l', ratio: 'd_w/d_l', L: 'L', dLogpW: 'Δlogp_w', dLogpL: 'Δlogp_l', case: "Table 1's case",
};

export interface SweepAxis {
  readonly name: string;
  readonly lo: number;
  readonly hi: number;
  /** Samples log-spaced (lo and hi of one sign) rather than evenly. */
  readonly log: boolean;
  /** Number of samples along the axis. */
  readonly n: number;
}

export interface SweepRequest {
  readonly axes: readonly SweepAxis[];
  readonly of: readonly SweepQuantity[];
  /** Values held fixed (the rest take completePoint's documented defaults). */
  readonly at: Readonly<Record<string, number>>;
  readonly gram?: Gram;
  readonly eta?: number;
}

export interface SweepGap { readonly code: ErrorCode; readonly message: string }

/** The words for a quantity: QUANTITY_TEXT's, or a ranked loss's d_k and Δlogp_k (dLogp_k) by name. */
export const quantityText = (q: string): string => (QUANTITY_TEXT as Readonly<Record<string, string>>)[q] ?? q.replace(/^dLogp_/, 'Δlogp_');

/** A sample's quantities are named by Q: SweepQuantity for two responses, d_1 … d_K, L, dLogp_k for K ranked responses (ranked-sweep.ts). */
export interface SweepSample<Q extends string = SweepQuantity> {
  /** The sample's value on each axis. */
  readonly at: readonly number[];
  /** The regime index, or null where the point could not be placed in one. */
  readonly regime: number | null;
  /** Each quantity's certified value; null where it is a gap or undefined (d_w/d_l where d_l = 0). */
  readonly values: Readonly<Partial<Record<Q, number | null>>>;
  /** Why a quantity is a gap: the code and message of evaluateAt's (or classifyCertified's) refusal. */
  readonly gaps: Readonly<Partial<Record<Q, SweepGap>>>;
  /** Table 1's case of the step, certified (given a Gram; null where not certified or no Gram). */
  readonly caseId: number | null;
}

/** A regime boundary on a one-axis sweep, located by bisection to float64's resolution or 60 halvings. */
export interface BoundaryPoint { readonly at: number; readonly from: number; readonly to: number }

/** An edge between two cells of a two-axis sweep: from (x1, y1) to (x2, y2). */
export interface Edge { readonly x1: number; readonly y1: number; readonly x2: number; readonly y2: number }

export interface Sweep<Q extends string = SweepQuantity> {
  readonly loss: { readonly id: string; readonly name: string };
  readonly axes: readonly SweepAxis[];
  readonly of: readonly Q[];
  readonly gram: Gram | null;
  /** A loss over K ranked responses: the K×K Gram matrix of the step (Δlogp_k = η·(G·d)_k), or null. */
  readonly gramMatrix?: readonly (readonly number[])[] | null;
  readonly eta: number;
  /** The values held fixed, as given, and the documented defaults the points took. */
  readonly fixed: Readonly<Record<string, number>>;
  readonly defaults: readonly { name: string; value: number; rule: string }[];
  readonly regimes: readonly string[];
  readonly samples: readonly SweepSample<Q>[];
  /** Samples where at least one quantity is a gap (`byCode`: samples per refusal code), and gaps in all. */
  readonly refused: { readonly samples: number; readonly values: number; readonly byCode: Readonly<Partial<Record<ErrorCode, number>>> };
  /** Where d_w/d_l is undefined (d_l = 0): a gap that is no refusal. */
  readonly ratioUndefined: number;
  /** One axis: where the regime changes. */
  readonly boundaries: readonly BoundaryPoint[];
  /** Two axes: edges between cells of different regimes, and around the case-1 region (given a Gram). */
  readonly regimeEdges: readonly Edge[];
  readonly case1Edges: readonly Edge[];
}

const MAX_SAMPLES: Readonly<Record<number, number>> = { 1: 5001, 2: 201 };
export const DEFAULT_SAMPLES: Readonly<Record<number, number>> = { 1: 201, 2: 41 };

/** `logp_w=-40:-1`, `beta=0.01:1:log`, `len_l=1:100:50:log` — name=lo:hi[:n][:log]. */
export function parseAxis(text: string, dims = 1): Result<SweepAxis> {
  const m = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*([^:]+):([^:]+)((?::[^:]+){0,2})\s*$/.exec(text);
  const usage = (message: string): Result<SweepAxis> => fail({ code: 'E_USAGE', message, at: { slot: '--over' }, hint: 'write name=lo:hi[:n][:log], e.g. logp_w=-40:-1 or beta=0.01:1:log' });
  if (!m) return usage(`expected name=lo:hi, got '${text}'`);
  const lo = Number(m[2]), hi = Number(m[3]);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return usage(`'${m[1]}' needs finite numbers for lo:hi, got '${m[2]}:${m[3]}'`);
  let n = DEFAULT_SAMPLES[dims], log = false;
  for (const part of m[4].split(':').filter(Boolean)) {
    if (part === 'log') log = true;
    else if (/^\d+$/.test(part)) n = Number(part);
    else return usage(`'${part}' is neither a sample count nor 'log'`);
  }
  return ok({ name: m[1], lo, hi, log, n });
}

/** Domain of each kind of variable, as the guide documents it (response k's logp_k, c_ref_k, len_k as the two-response ones). */
export function domainError(a: SweepAxis): string | null {
  const neg = a.name === LOGP_W || a.name === LOGP_L || a.name === 'c_ref_w' || a.name === 'c_ref_l' || /^(logp|c_ref)_\d+$/.test(a.name);
  if (neg && (a.lo >= 0 || a.hi >= 0)) return `${a.name} is a log-probability: it must stay below 0, but the range is ${a.lo}:${a.hi}`;
  if ((a.name === 'len_w' || a.name === 'len_l' || /^len_\d+$/.test(a.name)) && Math.min(a.lo, a.hi) < 1) return `${a.name} is a length in tokens: it must be at least 1, but the range is ${a.lo}:${a.hi}`;
  if (a.name === 'z_ref' && Math.min(a.lo, a.hi) < 0) return `z_ref must be at least 0, but the range is ${a.lo}:${a.hi}`;
  return null;
}

function validate(c: CompiledDerivation, r: SweepRequest): MarginError[] {
  const errors: MarginError[] = [];
  const params = Object.keys(c.derivation.spec.source.params);
  const known = new Set([LOGP_W, LOGP_L, ...CONTEXT_NAMES, ...params].filter((x) => x !== 'c_ref'));
  if (r.axes.length < 1 || r.axes.length > 2) errors.push({ code: 'E_USAGE', message: `a sweep has one or two variables, got ${r.axes.length}`, at: { slot: '--over' } });
  r.axes.forEach((a, i) => {
    if (!known.has(a.name)) {
      const guess = didYouMean(a.name, known);
      errors.push({ code: 'E_POINT', message: `'${a.name}' is not a variable of this loss's point`, at: { slot: '--over', symbol: a.name },
        hint: guess ? `did you mean '${guess}'?` : `variables: ${[...known].join(', ')}` });
      return;
    }
    if (r.axes.findIndex((b) => b.name === a.name) !== i) errors.push({ code: 'E_USAGE', message: `'${a.name}' is swept twice`, at: { slot: '--over', symbol: a.name } });
    if (!(a.lo < a.hi)) errors.push({ code: 'E_USAGE', message: `'${a.name}': lo must be below hi, got ${a.lo}:${a.hi}`, at: { slot: '--over', symbol: a.name } });
    if (a.log && !(a.lo * a.hi > 0)) errors.push({ code: 'E_USAGE', message: `'${a.name}': a log-spaced range must not include 0, got ${a.lo}:${a.hi}`, at: { slot: '--over', symbol: a.name } });
    const max = MAX_SAMPLES[r.axes.length] ?? 201;
    if (!Number.isInteger(a.n) || a.n < 2 || a.n > max) errors.push({ code: 'E_USAGE', message: `'${a.name}': between 2 and ${max} samples, got ${a.n}`, at: { slot: '--over', symbol: a.name } });
    const dom = domainError(a);
    if (dom) errors.push({ code: 'E_POINT', message: dom, at: { slot: '--over', symbol: a.name } });
    if (a.name in r.at) errors.push({ code: 'E_USAGE', message: `'${a.name}' is both swept and fixed with --at`, at: { slot: '--at', symbol: a.name } });
  });
  const swept = new Set(r.axes.map((a) => a.name));
  const reads = symbolsRead(c.derivation);
  for (const [logp, ref] of [[LOGP_W, 'c_ref_w'], [LOGP_L, 'c_ref_l']] as const) {
    if (!swept.has(logp) && r.at[logp] === undefined) {
      errors.push({ code: 'E_POINT', message: `the sweep needs a value for ${logp}`, at: { slot: '--at', symbol: logp }, hint: `give it with --at ${logp}=-12, or sweep it with --over ${logp}=-40:-1` });
    }
    // The documented default c_ref = logp would move the reference with the swept policy.
    if (swept.has(logp) && reads.has(ref) && !swept.has(ref) && r.at[ref] === undefined) {
      errors.push({ code: 'E_POINT', message: `sweeping ${logp} moves the policy; this loss reads its reference ${ref}, which has to be held somewhere`, at: { slot: '--at', symbol: ref },
        hint: `give it with --at ${ref}=-12 (the default ${ref} = ${logp} would move the reference with the policy)` });
    }
  }
  const { gram } = r;
  const needsGram = r.of.filter((q) => STEP_QUANTITIES.has(q));
  if (needsGram.length && !gram) {
    errors.push({ code: 'E_USAGE', message: `${needsGram.map((q) => QUANTITY_TEXT[q]).join(', ')} need a gradient pair's Gram statistics`, at: { slot: '--of' },
      hint: 'give --inner, --norm-w2 and --norm-l2' });
  }
  if (!r.of.length) errors.push({ code: 'E_USAGE', message: 'nothing to sweep: --of names no quantity', at: { slot: '--of' } });
  return errors;
}

/** The sample positions of an axis: even, or log-spaced in |x|. */
export function axisValues(a: SweepAxis): number[] {
  return Array.from({ length: a.n }, (_, i) => {
    const t = i / (a.n - 1);
    if (i === 0) return a.lo;
    if (i === a.n - 1) return a.hi;
    if (!a.log) return a.lo + (a.hi - a.lo) * t;
    const s = Math.sign(a.lo);
    return s * Math.exp(Math.log(Math.abs(a.lo)) + (Math.log(Math.abs(a.hi)) - Math.log(Math.abs(a.lo))) * t);
  });
}

const POINT_QUANTITIES: Readonly<Partial<Record<SweepQuantity, Quantity>>> = { dW: 'dW', dL: 'dL', ratio: 'ratio', L: 'L' };

/** The quantities of one sample: one evaluateAt for all; on a refusal, one per quantity, so one bad value gaps only itself. */
function sampleAt(c: CompiledDerivation, p: Point, r: SweepRequest, at: number[]): SweepSample {
  const pointQs = r.of.map((q) => POINT_QUANTITIES[q]).filter((q): q is Quantity => q !== undefined);
  const stepQs = r.of.filter((q) => STEP_QUANTITIES.has(q));
  // Given a Gram, the step is classified whether or not its quantities are drawn (the case-1 region is);
  // it needs the weights.
  const need = [...new Set<Quantity>([...pointQs, ...(r.gram ? ['dW', 'dL'] as const : [])])];
  const values: Partial<Record<SweepQuantity, number | null>> = {};
  const gaps: Partial<Record<SweepQuantity, SweepGap>> = {};
  const gap = (q: SweepQuantity, e: MarginError) => { values[q] = null; gaps[q] = { code: e.code, message: e.message }; };
  let regime: number | null = null;
  const all = evaluateAt(c, p, need);
  if (all.ok) {
    regime = all.value.regime.index;
    for (const q of pointQs) values[q as SweepQuantity] = q === 'ratio' ? all.value.ratio : all.value[q];
  } else {
    for (const q of pointQs) {
      const one = evaluateAt(c, p, [q]);
      if (one.ok) { regime = one.value.regime.index; values[q as SweepQuantity] = q === 'ratio' ? one.value.ratio : one.value[q]; } else gap(q as SweepQuantity, one.errors[0]);
    }
  }
  let caseId: number | null = null;
  if (r.gram) {
    const w = all.ok ? all : evaluateAt(c, p, ['dW', 'dL']);
    const k = w.ok ? classifyCertified(w.value, r.gram, r.eta ?? 1) : w;
    if (k.ok) caseId = k.value.caseId;
    for (const q of stepQs) {
      if (!k.ok) gap(q, k.errors[0]);
      else values[q] = q === 'case' ? k.value.caseId : q === 'dLogpW' ? k.value.dLogpW : k.value.dLogpL;
    }
    if (w.ok) regime = w.value.regime.index;
  }
  return { at, regime, values, gaps, caseId };
}

/** The regime index at a point, or null where regimeAt refuses (on a boundary, or undecidable). */
function regimeIndex(c: CompiledDerivation, d: CompiledDerivation['derivation'], given: Record<string, number>): number | null {
  const p = completePoint(d, given);
  if (!p.ok) return null;
  try { return regimeAt(c, p.value.values); } catch { return null; }
}

/** Bisect between two samples of different regimes, in the axis's own spacing; `regimeOf(x)`: the regime with the axis at x (null on the boundary). */
export function bisect(a: SweepAxis, x0: number, x1: number, r0: number, regimeOf: (x: number) => number | null): number {
  const mid = (u: number, v: number) => (a.log ? Math.sign(u) * Math.sqrt(u * v) : (u + v) / 2);
  let lo = x0, hi = x1;
  for (let k = 0; k < 60; k++) {
    const m = mid(lo, hi);
    if (m === lo || m === hi) break;
    const rm = regimeOf(m);
    if (rm === null) return m; // on the boundary itself
    if (rm === r0) lo = m; else hi = m;
  }
  return mid(lo, hi);
}

/** Cell edges of a two-axis grid: the midpoints between samples (geometric on a log axis), and the ends. */
export function cellEdges(a: SweepAxis, xs: readonly number[]): number[] {
  const mid = (u: number, v: number) => (a.log ? Math.sign(u) * Math.sqrt(u * v) : (u + v) / 2);
  const inner = xs.slice(1).map((x, i) => mid(xs[i], x));
  const first = a.log ? xs[0] * (xs[0] / inner[0]) : xs[0] - (inner[0] - xs[0]);
  const last = a.log ? xs[xs.length - 1] * (xs[xs.length - 1] / inner[inner.length - 1]) : xs[xs.length - 1] + (xs[xs.length - 1] - inner[inner.length - 1]);
  return [first, ...inner, last];
}

/** Edges between neighbouring cells whose keys differ (both known). */
function edgesBetween(xs: readonly number[], ys: readonly number[], ax: SweepAxis, ay: SweepAxis, key: (i: number, j: number) => number | null): Edge[] {
  const ex = cellEdges(ax, xs), ey = cellEdges(ay, ys);
  const out: Edge[] = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = 0; j < ys.length; j++) {
      const k = key(i, j);
      if (k === null) continue;
      const right = i + 1 < xs.length ? key(i + 1, j) : null;
      const up = j + 1 < ys.length ? key(i, j + 1) : null;
      if (right !== null && right !== k) out.push({ x1: ex[i + 1], y1: ey[j], x2: ex[i + 1], y2: ey[j + 1] });
      if (up !== null && up !== k) out.push({ x1: ex[i], y1: ey[j + 1], x2: ex[i + 1], y2: ey[j + 1] });
    }
  }
  return out;
}

export function sweep(c: CompiledDerivation, r: SweepRequest): Result<Sweep> {
  const errors = validate(c, r);
  if (errors.length) return fail(...errors);
  const d = c.derivation;
  const reads = symbolsRead(d);
  const grids = r.axes.map(axisValues);
  const samples: SweepSample[] = [];
  let defaults: Point['defaults'] = [];
  const coords = r.axes.length === 1 ? grids[0].map((x) => [x]) : grids[0].flatMap((x) => grids[1].map((y) => [x, y]));
  for (const at of coords) {
    const given: Record<string, number> = { ...r.at };
    r.axes.forEach((a, i) => { given[a.name] = at[i]; });
    const p = completePoint(d, given);
    if (!p.ok) return p;
    if (!defaults.length) defaults = p.value.defaults;
    samples.push(sampleAt(c, p.value, r, at));
  }
  const byCode: Partial<Record<ErrorCode, number>> = {};
  let refusedSamples = 0, refusedValues = 0, ratioUndefined = 0;
  for (const s of samples) {
    const gs = Object.values(s.gaps);
    if (gs.length) refusedSamples++;
    refusedValues += gs.length;
    for (const code of new Set(gs.map((g) => g.code))) byCode[code] = (byCode[code] ?? 0) + 1;
    if (r.of.includes('ratio') && s.values.ratio === null && !s.gaps.ratio) ratioUndefined++;
  }
  const boundaries: BoundaryPoint[] = [];
  let regimeEdges: Edge[] = [], case1Edges: Edge[] = [];
  if (r.axes.length === 1) {
    const a = r.axes[0];
    // Regimes of every sample (even one whose values are refused), so a boundary is found between any two.
    const reg = grids[0].map((x, i) => samples[i].regime ?? regimeIndex(c, d, { ...r.at, [a.name]: x }));
    let last = -1;
    reg.forEach((k, i) => {
      if (k === null) return;
      if (last >= 0 && reg[last] !== k) boundaries.push({ at: bisect(a, grids[0][last], grids[0][i], reg[last]!, (x) => regimeIndex(c, d, { ...r.at, [a.name]: x })), from: reg[last]!, to: k });
      last = i;
    });
  } else {
    const [xs, ys] = grids;
    const at = (i: number, j: number) => samples[i * ys.length + j];
    const reg = (i: number, j: number) => at(i, j).regime ?? regimeIndex(c, d, { ...r.at, [r.axes[0].name]: xs[i], [r.axes[1].name]: ys[j] });
    regimeEdges = edgesBetween(xs, ys, r.axes[0], r.axes[1], reg);
    if (r.gram) case1Edges = edgesBetween(xs, ys, r.axes[0], r.axes[1], (i, j) => { const k = at(i, j).caseId; return k === null ? null : Number(k === 1); });
  }
  return ok({
    loss: { id: d.spec.source.id, name: d.spec.source.name }, axes: r.axes, of: r.of, gram: r.gram ?? null, eta: r.eta ?? 1,
    fixed: { ...r.at }, defaults: defaults.filter((x) => !r.axes.some((a) => a.name === x.name) && reads.has(x.name)), regimes: d.regimes.map((x) => x.label),
    samples, refused: { samples: refusedSamples, values: refusedValues, byCode }, ratioUndefined, boundaries, regimeEdges, case1Edges,
  });
}

/** `--of dW,dL,ratio`: the quantities to sweep, each a known one (with a did-you-mean). */
export function parseQuantities(list: string): Result<SweepQuantity[]> {
  const names = list.split(',').map((x) => x.trim()).filter(Boolean);
  const errors: MarginError[] = [];
  for (const n of names) {
    if ((SWEEP_QUANTITIES as readonly string[]).includes(n)) continue;
    const guess = didYouMean(n, SWEEP_QUANTITIES);
    errors.push({ code: 'E_USAGE', message: `unknown quantity '${n}'`, at: { slot: '--of', symbol: n }, hint: guess ? `did you mean '${guess}'?` : `quantities: ${SWEEP_QUANTITIES.join(', ')}` });
  }
  if (!names.length) errors.push({ code: 'E_USAGE', message: '--of names no quantity', at: { slot: '--of' }, hint: `quantities: ${SWEEP_QUANTITIES.join(', ')}` });
  return errors.length ? fail(...errors) : ok([...new Set(names)] as SweepQuantity[]);
}

/** What a sweep draws when --of is not given: the weights and their ratio, and, given a Gram, the step. */
export const defaultQuantities = (withGram: boolean): SweepQuantity[] => (withGram ? ['dW', 'dL', 'ratio', 'dLogpW', 'dLogpL', 'case'] : ['dW', 'dL', 'ratio']);
