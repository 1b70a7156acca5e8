// float64 evaluation with a running error bound: the tolerance every law and the proof-soundness property
// use, so that a loss like CPO with λ = 70 (terms of 10³ summing to 10⁰) is judged by the float's own error,
// not by a fixed epsilon.

import type { Expr } from '../expr/expr.js';
import { holdsForSign } from '../expr/compare.js';
import { primitive } from '../expr/primitives.js';
import { MarginFault } from '../errors.js';
import type { Env } from './evaluate.js';
import { toText } from './print.js';

const EPS = Number.EPSILON;

/** A value and a bound on its absolute rounding error (Infinity where a branch is ambiguous). */
export interface Bounded { readonly value: number; readonly error: number }

function secant(f: (x: number) => number, x: number, e: number, v: number): number {
  if (e === 0) return 0;
  const d = Math.max(Math.abs(f(x + e) - v), Math.abs(f(x - e) - v));
  return Number.isNaN(d) ? Infinity : d;
}

/**
 * Evaluate like `compile` (same faults: domain, division by zero, missing symbol) and carry a
 * first-order bound on the accumulated rounding error: sums add EPS·Σ|terms|, products propagate
 * relative errors, and a primitive maps its argument's error interval through itself.
 */
export function evaluateBounded(e: Expr, env: Env): Bounded {
  switch (e.kind) {
    case 'num': return { value: e.value, error: 0 };
    case 'sym': {
      const v = env[e.name];
      if (v === undefined) throw new MarginFault({ code: 'E_POINT', message: `no value for '${e.name}'`, at: { symbol: e.name } });
      return { value: v, error: 0 };
    }
    case 'add': {
      let value = 0, error = 0, abs = 0;
      for (const t of e.terms) { const b = evaluateBounded(t, env); value += b.value; error += b.error; abs += Math.abs(b.value); }
      return { value, error: error + EPS * abs * e.terms.length };
    }
    case 'mul': {
      const bs = e.factors.map((f) => evaluateBounded(f, env));
      let value = 1;
      for (const b of bs) value *= b.value;
      let error = 0;
      bs.forEach((b, i) => {
        if (b.error === 0) return;
        let rest = 1;
        bs.forEach((c, j) => { if (j !== i) rest *= Math.abs(c.value) + c.error; });
        error += b.error * rest;
      });
      return { value, error: error + EPS * Math.abs(value) * bs.length };
    }
    case 'pow': {
      const b = evaluateBounded(e.base, env), x = evaluateBounded(e.exp, env);
      if (b.value === 0 && x.value < 0) throw new MarginFault({ code: 'E_DIV_ZERO', message: `division by zero in ${toText(e)}` });
      if (b.value < 0 && !Number.isInteger(x.value)) throw new MarginFault({ code: 'E_DOMAIN', message: `negative base to a non-integer power in ${toText(e)}` });
      const value = Math.pow(b.value, x.value);
      const error = secant((t) => Math.pow(t, x.value), b.value, b.error, value)
        + (x.error === 0 ? 0 : secant((t) => Math.pow(b.value, t), x.value, x.error, value));
      return { value, error: error + 2 * EPS * Math.abs(value) };
    }
    case 'call': {
      const p = primitive(e.fn);
      const bs = e.args.map((a) => evaluateBounded(a, env));
      const xs = bs.map((b) => b.value);
      if (p.domain && !p.domain(...xs)) throw new MarginFault({ code: 'E_DOMAIN', message: `${p.name} is defined for ${p.domainText} in ${toText(e)}` });
      const value = p.evaluate(...xs);
      let error = 0;
      bs.forEach((b, i) => {
        error += secant((t) => p.evaluate(...xs.map((x, j) => (j === i ? t : x))), b.value, b.error, value);
      });
      return { value, error: error + 4 * EPS * Math.abs(value) };
    }
    case 'cond': {
      const l = evaluateBounded(e.test.left, env), r = evaluateBounded(e.test.right, env);
      const gap = l.value - r.value;
      const op = e.test.op;
      const holds = holdsForSign(op, gap);
      const b = evaluateBounded(holds ? e.then : e.else, env);
      const ambiguous = Math.abs(gap) <= 2 * (l.error + r.error) + EPS * (Math.abs(l.value) + Math.abs(r.value));
      return ambiguous ? { value: b.value, error: Infinity } : b;
    }
  }
}

/** evaluateBounded, with faults and non-finite values turned into undefined. */
export function tryBounded(e: Expr, env: Env): Bounded | undefined {
  try {
    const b = evaluateBounded(e, env);
    return Number.isFinite(b.value) && !Number.isNaN(b.error) ? b : undefined;
  } catch (err) {
    if (err instanceof MarginFault) return undefined;
    throw err;
  }
}

/** At least one significant digit: the error bound is finite and below half the value (or both are 0). */
export const wellConditioned = (b: Bounded): boolean =>
  Number.isFinite(b.error) && (b.error < 0.5 * Math.abs(b.value) || (b.value === 0 && b.error === 0));

/** Two bounded values agree when they differ by no more than their bounds allow (with a safety factor). */
export function agree(a: Bounded, b: Bounded, relative = 1e-12): boolean {
  return Math.abs(a.value - b.value) <= 8 * (a.error + b.error) + relative * Math.max(Math.abs(a.value), Math.abs(b.value)) + 1e-300;
}
