// Exact rational arithmetic on BigInt, for the parts of an expression that float64 would round.
// Every float64 is a dyadic rational, so sums, products and integer powers of the inputs of a point
// can be computed exactly; only the transcendental calls need an interval. This is what lets
// `1 + β(c_ref_w − c_ref_l) + β·logp_l − β·logp_w` come out as exactly 1 at β = 1e12, where float64
// cancels it to 0 or −2.

import { type Interval, interval, nextDown, nextUp } from './interval.js';

/** n/d with d > 0 (not necessarily reduced). */
export interface Rat { readonly n: bigint; readonly d: bigint }

/** Beyond this many bits in a numerator or denominator the caller falls back to intervals. */
export const MAX_BITS = 1 << 14;

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The float64 x as an exact rational (x finite). */
export function ratOf(x: number): Rat {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  if (x === 0) return { n: 0n, d: 1n };
  f64[0] = x;
  const bits = u64[0];
  const negative = bits >> 63n === 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  let m = exp === 0 ? frac : frac | (1n << 52n);
  let e = (exp === 0 ? 1 : exp) - 1075;
  // Strip trailing zero bits so that integers stay integers (d = 1).
  while (m !== 0n && (m & 1n) === 0n && e < 0) { m >>= 1n; e++; }
  const n = negative ? -m : m;
  return e >= 0 ? { n: n << BigInt(e), d: 1n } : { n, d: 1n << BigInt(-e) };
}

const abs = (x: bigint) => (x < 0n ? -x : x);
function gcd(a: bigint, b: bigint): bigint {
  a = abs(a); b = abs(b);
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
export const bitLength = (x: bigint): number => (x === 0n ? 0 : abs(x).toString(2).length);

function reduce(n: bigint, d: bigint): Rat {
  if (d < 0n) { n = -n; d = -d; }
  if (n === 0n) return { n: 0n, d: 1n };
  if (d === 1n) return { n, d };
  const g = gcd(n, d);
  return g === 1n ? { n, d } : { n: n / g, d: d / g };
}

export const ratAdd = (a: Rat, b: Rat): Rat => (a.d === b.d ? reduce(a.n + b.n, a.d) : reduce(a.n * b.d + b.n * a.d, a.d * b.d));
export const ratMul = (a: Rat, b: Rat): Rat => reduce(a.n * b.n, a.d * b.d);
export const ratNeg = (a: Rat): Rat => ({ n: -a.n, d: a.d });
/** 1/a; undefined for a = 0. */
export const ratInv = (a: Rat): Rat | undefined => (a.n === 0n ? undefined : reduce(a.d, a.n));
export const ratSign = (a: Rat): -1 | 0 | 1 => (a.n > 0n ? 1 : a.n < 0n ? -1 : 0);
export const ratCmp = (a: Rat, b: Rat): -1 | 0 | 1 => ratSign(ratAdd(a, ratNeg(b)));
export const ratBits = (a: Rat): number => Math.max(bitLength(a.n), bitLength(a.d));
export const ratIsInteger = (a: Rat): boolean => a.d === 1n;

/** a^k for an integer k, or undefined when the result would exceed MAX_BITS (or 0^negative). */
export function ratPow(a: Rat, k: number): Rat | undefined {
  if (!Number.isInteger(k)) return undefined;
  if (k < 0) { const inv = ratInv(a); return inv === undefined ? undefined : ratPow(inv, -k); }
  if (ratBits(a) * k > MAX_BITS) return undefined;
  return reduce(a.n ** BigInt(k), a.d ** BigInt(k));
}

/** 2^k as a float64 for any integer k (0 or ∞ past the range). */
function pow2(k: number): number {
  let x = 1;
  while (k > 1000) { x *= 2 ** 1000; k -= 1000; }
  while (k < -1000) { x *= 2 ** -1000; k += 1000; }
  return x * 2 ** k;
}

/** A float64 near a/d (within a few ulps); the caller brackets it exactly. */
function approx(a: Rat): number {
  if (a.n === 0n) return 0;
  const n = abs(a.n);
  const shift = 64 - (bitLength(n) - bitLength(a.d));
  const q = shift >= 0 ? (n << BigInt(shift)) / a.d : n / (a.d << BigInt(-shift));
  // Number(q) has 53 of q's ~64 bits; scale in two steps so that no intermediate overflows.
  const half = Math.trunc(shift / 2);
  const x = (Number(q) * pow2(-half)) * pow2(-(shift - half));
  return a.n < 0n ? -x : x;
}

/**
 * The tightest float64 interval around a: a point when a is a float64, else the two neighbouring
 * floats with open ends (a lies strictly between them). Magnitudes past float64's range give an
 * unbounded, open end.
 */
export function ratToInterval(a: Rat): Interval {
  let x = approx(a);
  if (!Number.isFinite(x)) x = x > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
  // Walk to the floats that bracket a; approx is within a few ulps, so this is a handful of steps.
  for (let i = 0; i < 64; i++) {
    const c = ratCmp(ratOf(x), a);
    if (c === 0) return interval(x, x);
    if (c < 0) {
      const up = nextUp(x);
      if (up === Infinity) return interval(x, Infinity, true, true);
      const c2 = ratCmp(ratOf(up), a);
      if (c2 === 0) return interval(up, up);
      if (c2 > 0) return interval(x, up, true, true);
      x = up;
    } else {
      const down = nextDown(x);
      if (down === -Infinity) return interval(-Infinity, x, true, true);
      x = down;
    }
  }
  throw new Error('internal: rational bracketing did not converge');
}
