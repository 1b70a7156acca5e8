// float64 evaluation of an expression tree. The tree is compiled once into nested closures (no
// `eval`, no `Function`): symbols are bound by name at compile time, and every operation that can leave
// the reals (division by zero, log of a negative number, overflow) raises a located fault instead of
// returning a silently wrong number.

import type { Expr } from '../expr/expr.js';
import { primitive } from '../expr/primitives.js';
import { MarginFault, type MarginError } from '../errors.js';
import { toText } from './print.js';
import { compareNumbers } from '../expr/compare.js';

export type Env = Readonly<Record<string, number>>;
export type Compiled = (env: Env) => number;

/** A value the point makes undefined: located at the point (`--at`), the expression named in the message. */
function fault(code: MarginError['code'], message: string, e: Expr): never {
  const text = toText(e);
  throw new MarginFault({ code, message: `${message} in ${text.length > 200 ? `${text.slice(0, 197)}...` : text}`, at: { slot: '--at' } });
}

export function compile(e: Expr): Compiled {
  switch (e.kind) {
    case 'num': { const v = e.value; return () => v; }
    case 'sym': {
      const name = e.name;
      return (env) => {
        // An own-property test: a symbol named `valueOf` must not find Object.prototype.valueOf.
        const v = Object.hasOwn(env, name) ? env[name] : undefined;
        if (v === undefined) throw new MarginFault({ code: 'E_POINT', message: `no value for '${name}'`, at: { symbol: name } });
        return v;
      };
    }
    case 'add': {
      const ts = e.terms.map(compile);
      return (env) => { let s = 0; for (const t of ts) s += t(env); return s; };
    }
    case 'mul': {
      const fs = e.factors.map(compile);
      return (env) => { let p = 1; for (const f of fs) p *= f(env); return p; };
    }
    case 'pow': {
      const b = compile(e.base);
      const x = compile(e.exp);
      return (env) => {
        const bv = b(env);
        const xv = x(env);
        if (bv === 0 && xv < 0) fault('E_DIV_ZERO', 'division by zero', e);
        if (bv < 0 && !Number.isInteger(xv)) fault('E_DOMAIN', `a negative number (${bv}) to a non-integer power (${xv})`, e);
        return Math.pow(bv, xv);
      };
    }
    case 'call': {
      const p = primitive(e.fn);
      const args = e.args.map(compile);
      if (args.length === 1) {
        const [a0] = args;
        return (env) => {
          const u = a0(env);
          if (p.domain && !p.domain(u)) fault('E_DOMAIN', `${p.name} is defined for ${p.domainText}, got u = ${u}`, e);
          return p.evaluate(u);
        };
      }
      return (env) => {
        const xs = args.map((a) => a(env));
        if (p.domain && !p.domain(...xs)) fault('E_DOMAIN', `${p.name} is defined for ${p.domainText}`, e);
        return p.evaluate(...xs);
      };
    }
    case 'cond': {
      const l = compile(e.test.left), r = compile(e.test.right), t = compile(e.then), f = compile(e.else);
      const op = e.test.op;
      return (env) => {
        const lv = l(env), rv = r(env);
        const holds = compareNumbers(op, lv, rv);
        return holds ? t(env) : f(env);
      };
    }
  }
}

/** Evaluate once, turning faults into values. A non-finite result is a fault too. */
export function evaluate(e: Expr, env: Env): { ok: true; value: number } | { ok: false; error: MarginError } {
  try {
    const v = compile(e)(env);
    if (!Number.isFinite(v)) return { ok: false, error: { code: 'E_NON_FINITE', message: `${toText(e)} evaluates to ${v}` } };
    return { ok: true, value: v };
  } catch (err) {
    if (err instanceof MarginFault) return { ok: false, error: err.error };
    throw err;
  }
}

/** Evaluate, returning NaN on any fault: for samplers that only count where a value exists. */
export function evaluateOrNaN(c: Compiled, env: Env): number {
  try {
    return c(env);
  } catch (err) {
    if (err instanceof MarginFault) return NaN;
    throw err;
  }
}
