// Interval arithmetic over the extended reals, sound under float64:
//   • every bound is rounded outward unless the operation was exact (TwoSum / Dekker's TwoProduct tell);
//   • each bound carries whether it is attained (closed) or only approached (open), so that σ over an
//     unbounded domain is (0, 1), not [0, 1], and "β·σ(x) > 0" can be proved on the whole real line;
//   • `def` says whether the expression is defined on all of the box ('yes'), on part of it ('maybe'),
//     or nowhere ('no'). A proof needs 'yes'.
// Transcendental functions (Math.exp, Math.log, …) are not correctly rounded in JavaScript; their
// results are widened by TRANSCENDENTAL_ULPS units in the last place, far above the error of V8's
// implementations (≤ 1 ulp, fdlibm ports).

export type Defined = 'yes' | 'maybe' | 'no';

export interface Interval {
  readonly lo: number;
  readonly hi: number;
  readonly loOpen: boolean;
  readonly hiOpen: boolean;
  readonly def: Defined;
}

export const TRANSCENDENTAL_ULPS = 4;

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** The next float64 above x (toward +∞). */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  f64[0] = x;
  i64[0] += x > 0 ? 1n : -1n;
  return f64[0];
}

/** The next float64 below x (toward −∞). */
export const nextDown = (x: number): number => -nextUp(-x);

const down = (x: number, n = 1): number => { let y = x; for (let i = 0; i < n; i++) y = nextDown(y); return y; };
const up = (x: number, n = 1): number => { let y = x; for (let i = 0; i < n; i++) y = nextUp(y); return y; };

export const interval = (lo: number, hi: number, loOpen = false, hiOpen = false, def: Defined = 'yes'): Interval => ({ lo, hi, loOpen, hiOpen, def });
export const point = (x: number): Interval => interval(x, x);
export const ENTIRE: Interval = interval(-Infinity, Infinity, true, true);
export const EMPTY_UNDEFINED: Interval = interval(NaN, NaN, true, true, 'no');

export const joinDef = (...ds: Defined[]): Defined => (ds.includes('no') ? 'no' : ds.includes('maybe') ? 'maybe' : 'yes');

/** Does the interval contain x (respecting open ends)? */
export function contains(i: Interval, x: number): boolean {
  if (i.def === 'no') return false;
  const aboveLo = i.loOpen ? x > i.lo : x >= i.lo;
  const belowHi = i.hiOpen ? x < i.hi : x <= i.hi;
  return aboveLo && belowHi;
}

/** Error-free transformation: a + b = s + e exactly (Knuth's TwoSum). */
function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, (a - (s - bb)) + (b - bb)];
}

const SPLITTER = 134217729; // 2^27 + 1
function split(a: number): [number, number] {
  const c = SPLITTER * a;
  const hi = c - (c - a);
  return [hi, a - hi];
}

/** Error-free transformation: a·b = p + e exactly (Dekker), valid away from overflow/underflow. */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  if (!Number.isFinite(p) || Math.abs(p) < 1e-290 || Math.abs(a) > 1e290 || Math.abs(b) > 1e290) return [p, NaN];
  const [ah, al] = split(a), [bh, bl] = split(b);
  return [p, al * bl - (((p - ah * bh) - al * bh) - ah * bl)];
}

/**
 * Round a computed sum/product bound outward only when the operation was inexact. A lower bound that
 * overflowed to +∞ (or an upper one to −∞) is no bound of a finite value: the largest finite float is.
 */
function lower(v: number, err: number): number {
  if (v === Infinity) return Number.MAX_VALUE;
  if (!Number.isFinite(v)) return v;
  if (Number.isNaN(err)) return nextDown(v);
  return err < 0 ? nextDown(v) : v;
}
function upper(v: number, err: number): number {
  if (v === -Infinity) return -Number.MAX_VALUE;
  if (!Number.isFinite(v)) return v;
  if (Number.isNaN(err)) return nextUp(v);
  return err > 0 ? nextUp(v) : v;
}

export function iadd(a: Interval, b: Interval): Interval {
  const [lo, el] = twoSum(a.lo, b.lo);
  const [hi, eh] = twoSum(a.hi, b.hi);
  const loV = a.lo === -Infinity || b.lo === -Infinity ? -Infinity : lower(lo, el);
  const hiV = a.hi === Infinity || b.hi === Infinity ? Infinity : upper(hi, eh);
  return interval(loV, hiV, a.loOpen || b.loOpen || loV !== lo, a.hiOpen || b.hiOpen || hiV !== hi, joinDef(a.def, b.def));
}

export const ineg = (a: Interval): Interval => interval(-a.hi, -a.lo, a.hiOpen, a.loOpen, a.def);

/** x·y with 0·∞ = 0 (a bound of ±∞ is a limit, and 0 is attained exactly). */
const mulBound = (x: number, y: number): number => (x === 0 || y === 0 ? 0 : x * y);

export function imul(a: Interval, b: Interval): Interval {
  // The four corner products, without allocating: the extreme values, and for each extreme the
  // rounding error (to round outward only when inexact) and whether every candidate reaching it is open.
  let minV = Infinity, maxV = -Infinity, loErr = Infinity, hiErr = -Infinity, minOpen = true, maxOpen = true;
  for (let k = 0; k < 4; k++) {
    const x = k < 2 ? a.lo : a.hi, xo = k < 2 ? a.loOpen : a.hiOpen;
    const y = (k & 1) === 0 ? b.lo : b.hi, yo = (k & 1) === 0 ? b.loOpen : b.hiOpen;
    const v = mulBound(x, y);
    if (Number.isNaN(v)) return interval(NaN, NaN, true, true, joinDef(a.def, b.def));
    // A product of two nonzero finite numbers that underflows to 0 keeps the sign of the true product.
    const underflow = v === 0 && x !== 0 && y !== 0 && Number.isFinite(x) && Number.isFinite(y);
    const err = underflow ? Math.sign(x) * Math.sign(y) : v === 0 || !Number.isFinite(v) ? 0 : twoProduct(x, y)[1];
    // A product bound is attained when both factors' bounds are, or when a closed factor is exactly 0.
    // (An underflowed product is never 0 itself, so a 0 bound it gives is not attained.)
    const open = underflow || ((xo || yo) && !(x === 0 && !xo) && !(y === 0 && !yo));
    if (v < minV) { minV = v; loErr = err; minOpen = open; } else if (v === minV) { loErr = Math.min(loErr, err); minOpen = minOpen && open; }
    if (v > maxV) { maxV = v; hiErr = err; maxOpen = open; } else if (v === maxV) { hiErr = Math.max(hiErr, err); maxOpen = maxOpen && open; }
  }
  const lo = lower(minV, loErr), hi = upper(maxV, hiErr);
  return interval(lo, hi, minOpen || lo !== minV, maxOpen || hi !== maxV, joinDef(a.def, b.def));
}

/** 1/x; a box that straddles 0 gives the entire line and 'maybe' defined. */
export function irecip(a: Interval): Interval {
  const straddles = a.lo < 0 && a.hi > 0;
  const touchesZero = (a.lo === 0 && !a.loOpen) || (a.hi === 0 && !a.hiOpen);
  if (straddles) return interval(-Infinity, Infinity, true, true, joinDef(a.def, 'maybe'));
  if (a.lo === 0 && a.hi === 0) return { ...EMPTY_UNDEFINED };
  const def = touchesZero ? joinDef(a.def, 'maybe') : a.def;
  // On one side of 0, 1/x is decreasing.
  // 1/x is correctly rounded; widen only when r·x ≠ 1 exactly.
  const exactRecip = (x: number) => { const r = 1 / x; const [p, e] = twoProduct(r, x); return p === 1 && e === 0; };
  const lo = a.hi === 0 ? -Infinity : a.hi === Infinity || a.hi === -Infinity ? 0 : exactRecip(a.hi) ? 1 / a.hi : down(1 / a.hi);
  const hi = a.lo === 0 ? Infinity : a.lo === -Infinity || a.lo === Infinity ? 0 : exactRecip(a.lo) ? 1 / a.lo : up(1 / a.lo);
  return interval(lo, hi, a.hiOpen || a.hi === 0 || Math.abs(a.hi) === Infinity || lo !== 1 / a.hi, a.loOpen || a.lo === 0 || Math.abs(a.lo) === Infinity || hi !== 1 / a.lo, def);
}

/** x^n for an integer n. */
export function ipowInt(a: Interval, n: number): Interval {
  if (n === 0) return point(1);
  if (n < 0) return irecip(ipowInt(a, -n));
  let r = a;
  for (let i = 1; i < n; i++) r = imul(r, a);
  if (n % 2 === 0) {
    // Even powers are ≥ 0; repeated multiplication loses that when the base straddles 0.
    if (a.lo <= 0 && a.hi >= 0) {
      const m = Math.max(-a.lo, a.hi);
      const mOpen = -a.lo === m ? (a.hi === m ? a.loOpen && a.hiOpen : a.loOpen) : a.hiOpen;
      const hi = Math.pow(m, n);
      return interval(0, Number.isFinite(hi) ? up(hi, 2) : Infinity, false, mOpen && Number.isFinite(hi) ? true : mOpen, a.def);
    }
    return interval(Math.max(0, r.lo), r.hi, r.loOpen, r.hiOpen, r.def);
  }
  return r;
}

export const hull = (a: Interval, b: Interval): Interval => {
  if (a.def === 'no') return { ...b, def: joinDef(b.def, 'maybe') };
  if (b.def === 'no') return { ...a, def: joinDef(a.def, 'maybe') };
  const lo = Math.min(a.lo, b.lo), hi = Math.max(a.hi, b.hi);
  const loOpen = (a.lo === lo ? a.loOpen : true) && (b.lo === lo ? b.loOpen : true);
  const hiOpen = (a.hi === hi ? a.hiOpen : true) && (b.hi === hi ? b.hiOpen : true);
  return interval(lo, hi, loOpen, hiOpen, joinDef(a.def, b.def));
};

/**
 * A monotone function's image. `f` is evaluated at finite bounds and widened by a few ulps; the limits
 * at ±∞ and at the domain's edges are given, and the result is clamped to the function's range, whose
 * open ends stay open (σ never reaches 0 or 1).
 */
export interface MonotoneRule {
  readonly increasing: boolean;
  /** The domain [lo, hi] and whether its ends are excluded. */
  readonly domain: readonly [number, number, boolean, boolean];
  /** The range [lo, hi] and whether its ends are excluded. */
  readonly range: readonly [number, number, boolean, boolean];
  /** Limits at the domain's ends (±∞ or the open edges). */
  readonly atLo: number;
  readonly atHi: number;
  /** Where the function is exactly 0 (expm1, log1p, tanh, sqrt at 0; log at 1), if anywhere. */
  readonly root?: number;
}

export function imonotone(a: Interval, rule: MonotoneRule, f: (x: number) => number): Interval {
  const [dLo, dHi, dLoOpen, dHiOpen] = rule.domain;
  if (a.def === 'no') return { ...EMPTY_UNDEFINED };
  // Intersect with the domain.
  const outsideLo = a.lo < dLo || (a.lo === dLo && dLoOpen && !a.loOpen);
  const outsideHi = a.hi > dHi || (a.hi === dHi && dHiOpen && !a.hiOpen);
  const emptyHit = a.hi < dLo || a.lo > dHi || (a.hi === dLo && (dLoOpen || a.hiOpen)) || (a.lo === dHi && (dHiOpen || a.loOpen));
  if (emptyHit) return { ...EMPTY_UNDEFINED };
  const def = outsideLo || outsideHi ? joinDef(a.def, 'maybe') : a.def;
  const xlo = outsideLo ? dLo : a.lo, xloOpen = outsideLo ? dLoOpen : a.loOpen;
  const xhi = outsideHi ? dHi : a.hi, xhiOpen = outsideHi ? dHiOpen : a.hiOpen;
  // Limits at infinite or excluded ends are exact by definition; elsewhere f is evaluated and widened.
  const at = (x: number): { v: number; exact: boolean } => {
    if (x === -Infinity || (x === dLo && dLoOpen)) return { v: rule.atLo, exact: true };
    if (x === Infinity || (x === dHi && dHiOpen)) return { v: rule.atHi, exact: true };
    return { v: f(x), exact: false };
  };
  const A = at(xlo), B = at(xhi);
  const [vLo, vLoOpen, vLoExact, vHi, vHiOpen, vHiExact] = rule.increasing
    ? [A.v, xloOpen, A.exact, B.v, xhiOpen, B.exact]
    : [B.v, xhiOpen, B.exact, A.v, xloOpen, A.exact];
  // Widening never crosses 0 on the side of a nonzero result: V8's Math functions (fdlibm ports) return
  // correctly signed nonzero results. A computed 0 may be an underflow, so its true sign comes from the
  // rule instead: the function's root (exact there) or the sign of its range.
  const trueSign = (x: number): number => {
    if (rule.root !== undefined) return Math.sign(x - rule.root) * (rule.increasing ? 1 : -1);
    return rule.range[0] >= 0 ? 1 : rule.range[1] <= 0 ? -1 : NaN;
  };
  const widenDown = (v: number, x: number) => (v > 0 ? Math.max(0, down(v, TRANSCENDENTAL_ULPS)) : v < 0 ? down(v, TRANSCENDENTAL_ULPS) : trueSign(x) >= 0 ? 0 : nextDown(0));
  const widenUp = (v: number, x: number) => (v < 0 ? Math.min(0, up(v, TRANSCENDENTAL_ULPS)) : v > 0 ? up(v, TRANSCENDENTAL_ULPS) : trueSign(x) <= 0 ? 0 : nextUp(0));
  const [xOfLo, xOfHi] = rule.increasing ? [xlo, xhi] : [xhi, xlo];
  // f at a finite point that overflows (exp(1e5) = ∞ in float64) is a finite value beyond the largest float:
  // lower() and upper() bound it by ±MAX_VALUE, as they do an overflowed sum or product.
  let lo = vLoExact ? vLo : !Number.isFinite(vLo) ? lower(vLo, 0) : widenDown(vLo, xOfLo);
  let hi = vHiExact ? vHi : !Number.isFinite(vHi) ? upper(vHi, 0) : widenUp(vHi, xOfHi);
  let loOpen = vLoOpen || lo !== vLo, hiOpen = vHiOpen || hi !== vHi;
  const [rLo, rHi, rLoOpen, rHiOpen] = rule.range;
  if (lo <= rLo) { lo = rLo; loOpen = rLoOpen || (loOpen && lo === vLo); }
  if (hi >= rHi) { hi = rHi; hiOpen = rHiOpen || (hiOpen && hi === vHi); }
  // A limit approached at an excluded or infinite end is not attained.
  if (Math.abs(xlo) === Infinity) { if (rule.increasing) loOpen = true; else hiOpen = true; }
  if (Math.abs(xhi) === Infinity) { if (rule.increasing) hiOpen = true; else loOpen = true; }
  return interval(lo, hi, loOpen, hiOpen, def);
}
