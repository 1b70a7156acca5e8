// A certified value at one point: an interval that is guaranteed to contain the exact value of an
// expression at float64 inputs. Interval arithmetic on a point box first (cheap); where that loses
// digits — a sum that cancels, β = 1e12 times a difference of log-probabilities — the rational parts
// of the expression are recomputed exactly (rational.ts) and only the transcendental calls are taken
// through their interval extensions. Both are enclosures, so their intersection is one too.
//
// Every answer marginlab prints for a point (the regime, L, d_w, d_l, a case of Table 1, a witness)
// is decided from these enclosures: a sign is certain only when the enclosure excludes 0, and a value
// is printed only to the digits its enclosure supports.

import type { Expr } from '../../expr/expr.js';
import { type Interval, ENTIRE, hull, iadd, imul, interval, ipowInt, irecip, joinDef, nextDown, nextUp, point } from '../../expr/interval.js';
import { primitive } from '../../expr/primitives.js';
import { type Rat, MAX_BITS, ratAdd, ratBits, ratCmp, ratIsInteger, ratMul, ratOf, ratPow, ratSign, ratToInterval } from '../../expr/rational.js';
import { type Box, type CompiledInterval, compileInterval } from './evaluate.js';
import { holdsForSign } from '../../expr/compare.js';

export type Env = Readonly<Record<string, number>>;

type Value = { readonly q: Rat } | { readonly i: Interval };

const own = (env: Env, name: string): number | undefined => (Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined);

/**
 * c_ref is c_ref_w − c_ref_l by definition; a point carries it as a rounded float64 difference, so
 * wherever both parts are given it is taken from them exactly instead.
 */
function exactCref(env: Env): Rat | undefined {
  const w = own(env, 'c_ref_w'), l = own(env, 'c_ref_l');
  if (w === undefined || l === undefined || !Number.isFinite(w) || !Number.isFinite(l)) return undefined;
  return ratAdd(ratOf(w), { n: -ratOf(l).n, d: ratOf(l).d });
}

const asInterval = (v: Value): Interval => ('q' in v ? ratToInterval(v.q) : v.i);
const exact = (q: Rat): Value => (ratBits(q) > MAX_BITS ? { i: ratToInterval(q) } : { q });

const iexp = (a: Interval) => primitive('exp').interval(a);
const ilog = (a: Interval) => primitive('log').interval(a);

const ZERO: Rat = { n: 0n, d: 1n }, ONE: Rat = { n: 1n, d: 1n };

/** A sum or product: the exact operands combined exactly, the rest (and any rational grown too large) as intervals. */
function fold(xs: readonly Expr[], env: Env, unit: Rat, exactOp: (a: Rat, b: Rat) => Rat, ivOp: (a: Interval, b: Interval) => Interval): Value {
  let q = unit;
  let acc: Interval | undefined;
  const spill = (i: Interval) => { acc = acc ? ivOp(acc, i) : i; };
  for (const x of xs) {
    const v = value(x, env);
    if ('q' in v) q = exactOp(q, v.q); else spill(v.i);
    if (ratBits(q) > MAX_BITS) { spill(ratToInterval(q)); q = unit; }
  }
  if (!acc) return exact(q);
  return { i: ivOp(acc, ratToInterval(q)) };
}

/** The rule table's functions at the few rational points where their value is rational too. */
function exactAt(fn: string, x: Rat): Rat | undefined {
  const zero = ratSign(x) === 0, one = x.n === 1n && x.d === 1n;
  switch (fn) {
    case 'exp': return zero ? ONE : undefined;
    case 'log': return one ? ZERO : undefined;
    case 'log1p': case 'expm1': case 'tanh': case 'sqrt': return zero ? ZERO : undefined;
    case 'sigmoid': return zero ? { n: 1n, d: 2n } : undefined;
    default: return undefined;
  }
}

function value(e: Expr, env: Env): Value {
  switch (e.kind) {
    case 'num': return Number.isFinite(e.value) ? exact(ratOf(e.value)) : { i: point(e.value) };
    case 'sym': {
      const cref = e.name === 'c_ref' ? exactCref(env) : undefined;
      if (cref) return exact(cref);
      const v = own(env, e.name);
      if (v === undefined || !Number.isFinite(v)) return { i: ENTIRE };
      return exact(ratOf(v));
    }
    case 'add': return fold(e.terms, env, ZERO, ratAdd, iadd);
    case 'mul': return fold(e.factors, env, ONE, ratMul, imul);
    case 'pow': {
      const b = value(e.base, env), x = value(e.exp, env);
      if ('q' in x && ratIsInteger(x.q) && Math.abs(Number(x.q.n)) <= 4096) {
        const k = Number(x.q.n);
        if ('q' in b) {
          if (ratSign(b.q) === 0 && k < 0) return { i: interval(NaN, NaN, true, true, 'no') };
          const p = ratPow(b.q, k);
          if (p !== undefined) return exact(p);
        }
        const bi = asInterval(b);
        return { i: k === -1 ? irecip(bi) : ipowInt(bi, k) };
      }
      // f^g = exp(g·log f), defined where f > 0.
      return { i: iexp(imul(asInterval(x), ilog(asInterval(b)))) };
    }
    case 'call': {
      const args = e.args.map((a) => value(a, env));
      if (args.every((a) => 'q' in a)) {
        const qs = args.map((a) => (a as { q: Rat }).q);
        switch (e.fn) {
          case 'min': return { q: ratCmp(qs[0], qs[1]) <= 0 ? qs[0] : qs[1] };
          case 'max': return { q: ratCmp(qs[0], qs[1]) >= 0 ? qs[0] : qs[1] };
          case 'relu': return { q: ratSign(qs[0]) > 0 ? qs[0] : { n: 0n, d: 1n } };
          case 'abs': return { q: ratSign(qs[0]) < 0 ? { n: -qs[0].n, d: qs[0].d } : qs[0] };
          default: {
            const v = exactAt(e.fn, qs[0]);
            if (v) return { q: v };
          }
        }
      }
      return { i: primitive(e.fn).interval(...args.map(asInterval)) };
    }
    case 'cond': {
      const l = value(e.test.left, env), r = value(e.test.right, env);
      const op = e.test.op;
      if ('q' in l && 'q' in r) {
        return value(holdsForSign(op, ratCmp(l.q, r.q)) ? e.then : e.else, env);
      }
      const d = iadd(asInterval(l), imul(point(-1), asInterval(r)));
      const s = signOf(d);
      if (s === 'positive' || s === 'negative' || s === 'zero') {
        return value(holdsForSign(op, s === 'positive' ? 1 : s === 'negative' ? -1 : 0) ? e.then : e.else, env);
      }
      const h = hull(asInterval(value(e.then, env)), asInterval(value(e.else, env)));
      return { i: interval(h.lo, h.hi, h.loOpen, h.hiOpen, joinDef(h.def, d.def === 'yes' ? 'yes' : 'maybe')) };
    }
  }
}

/** w − l: the float64 difference, or its two neighbours where it was rounded (TwoSum tells). */
function differenceInterval(w: number, l: number): Interval {
  const d = w - l;
  if (!Number.isFinite(d)) return ENTIRE;
  const bb = d - w;
  const err = (w - (d - bb)) + (-l - bb);
  return err === 0 ? point(d) : err > 0 ? interval(d, nextUp(d), true, true) : interval(nextDown(d), d, true, true);
}

/** The sign an enclosure certifies: 'unknown' when it straddles 0, 'undefined' when the expression may not be defined. */
export type CertainSign = 'positive' | 'negative' | 'zero' | 'unknown' | 'undefined';

export function signOf(i: Interval): CertainSign {
  if (i.def !== 'yes' || Number.isNaN(i.lo) || Number.isNaN(i.hi)) return 'undefined';
  if (i.lo > 0 || (i.lo === 0 && i.loOpen)) return 'positive';
  if (i.hi < 0 || (i.hi === 0 && i.hiOpen)) return 'negative';
  if (i.lo === 0 && i.hi === 0) return 'zero';
  return 'unknown';
}

function intersect(a: Interval, b: Interval): Interval {
  if (a.def !== 'yes') return b;
  if (b.def !== 'yes') return a;
  const [lo, loOpen] = a.lo > b.lo ? [a.lo, a.loOpen] : b.lo > a.lo ? [b.lo, b.loOpen] : [a.lo, a.loOpen || b.loOpen];
  const [hi, hiOpen] = a.hi < b.hi ? [a.hi, a.hiOpen] : b.hi < a.hi ? [b.hi, b.hiOpen] : [a.hi, a.hiOpen || b.hiOpen];
  return interval(lo, hi, loOpen, hiOpen, 'yes');
}

/** Tight enough that the exact pass cannot do much better: ~40 bits of relative width, sign certain. */
function tight(i: Interval): boolean {
  if (i.def !== 'yes') return false;
  if (i.lo === i.hi) return true;
  const s = signOf(i);
  if (s !== 'positive' && s !== 'negative') return false;
  return i.hi - i.lo <= 2 ** -40 * Math.min(Math.abs(i.lo), Math.abs(i.hi));
}

const compiled = new WeakMap<Expr, CompiledInterval>();

/** The interval pass alone: an enclosure, often a loose one. */
function fastEnclosure(e: Expr, env: Env): Interval {
  let f = compiled.get(e);
  if (!f) { f = compileInterval(e); compiled.set(e, f); }
  const box: Record<string, Interval> = {};
  for (const k of Object.keys(env)) box[k] = Number.isFinite(env[k]) ? point(env[k]) : ENTIRE;
  const w = own(env, 'c_ref_w'), l = own(env, 'c_ref_l');
  if (w !== undefined && l !== undefined && Number.isFinite(w) && Number.isFinite(l)) box.c_ref = differenceInterval(w, l);
  return f(box as Box);
}

/** An interval certain to contain the exact value of e at the float64 point env. */
export function encloseAt(e: Expr, env: Env): Interval {
  const fast = fastEnclosure(e, env);
  if (tight(fast)) return fast;
  return intersect(fast, asInterval(value(e, env)));
}

/**
 * The sign of e at env, certified: signOf(encloseAt(e, env)), without the exact pass when the interval
 * pass already excludes 0 — both are enclosures of the same value, so their intersection has that sign
 * too. (The direction audit asks for signs only, at every sample where float64 gave ≤ 0.)
 */
export function signAt(e: Expr, env: Env): CertainSign {
  const fast = fastEnclosure(e, env);
  const s = signOf(fast);
  if (s === 'positive' || s === 'negative' || tight(fast)) return s;
  return signOf(intersect(fast, asInterval(value(e, env))));
}

/** A value and the digits its enclosure supports. */
export interface Certified {
  readonly value: number;
  readonly lo: number;
  readonly hi: number;
  /** Significant decimal digits the enclosure guarantees (17 when exact); < 1 means none. */
  readonly digits: number;
}

export function certified(i: Interval): Certified | undefined {
  if (signOf(i) === 'undefined' || !Number.isFinite(i.lo) || !Number.isFinite(i.hi)) return undefined;
  if (i.lo === i.hi) return { value: i.lo, lo: i.lo, hi: i.hi, digits: 17 };
  const mid = i.lo + (i.hi - i.lo) / 2;
  const s = signOf(i);
  const digits = s === 'unknown' ? 0 : Math.min(17, Math.floor(Math.log10(Math.abs(mid) / (i.hi - i.lo))));
  return { value: mid, lo: i.lo, hi: i.hi, digits };
}
