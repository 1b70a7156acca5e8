// A canonicalising simplifier, just strong enough for gradient weights and their ratios:
//   • sums: flatten, fold numbers, collect like terms (3x + 2x → 5x), 1 − σ(u) → σ(−u);
//   • products: flatten, fold numbers, collect powers of equal bases (β·β⁻¹ → 1), pull a sum's common
//     numeric factor out (2a + 2b → 2(a + b)) so that it can cancel, and distribute a lone number over
//     a sum (−(a − b) → b − a) so that linear forms have one shape;
//   • powers: integer powers distribute over products ((βσ)⁻¹ → β⁻¹σ⁻¹), (e^u)^k → e^{ku};
//   • calls: fold numeric arguments when the result is a short binary fraction; exp∘log, log∘exp.
// Every rule preserves value wherever both sides are defined; x·x⁻¹ → 1 is used as every CAS uses it
// (generic simplification: it assumes x ≠ 0, which the evaluator reports as E_DIV_ZERO when it is not).
// The property suite checks value preservation on random expressions.

import { type Expr, type Num, add, call, cond, isNum, key, mul, num, pow, size } from '../expr/expr.js';
import { primitive } from '../expr/primitives.js';
import { guard, tick } from './budget.js';
import { compareNumbers } from '../expr/compare.js';

const ONE = num(1);
const ZERO = num(0);

export function simplify(e: Expr): Expr {
  // Every input and every result is measured against the engine's bounds (budget.ts); both are memoised,
  // so the check costs a constant per node.
  guard(e);
  tick();
  return guard(simplifyNode(e));
}

function simplifyNode(e: Expr): Expr {
  switch (e.kind) {
    case 'num': return Object.is(e.value, -0) ? ZERO : e;
    case 'sym': return e;
    case 'add': return simplifyAdd(e.terms.map(simplify));
    case 'mul': return simplifyMul(e.factors.map(simplify));
    case 'pow': return simplifyPow(simplify(e.base), simplify(e.exp));
    case 'call': return simplifyCall(e.fn, e.args.map(simplify));
    case 'cond': {
      const test = { op: e.test.op, left: simplify(e.test.left), right: simplify(e.test.right) };
      const then = simplify(e.then), other = simplify(e.else);
      if (test.left.kind === 'num' && test.right.kind === 'num') {
        const l = test.left.value, r = test.right.value;
        const holds = compareNumbers(test.op, l, r);
        return holds ? then : other;
      }
      if (key(then) === key(other)) return then;
      return cond(test, then, other);
    }
  }
}

/** Numeric coefficient and the rest of a term: 3·x·y → [3, x·y]. */
function coefficient(t: Expr): [number, Expr] {
  if (t.kind === 'num') return [t.value, ONE];
  if (t.kind === 'mul' && t.factors[0]?.kind === 'num') {
    const rest = t.factors.slice(1);
    return [t.factors[0].value, rest.length === 1 ? rest[0] : mul(...rest)];
  }
  return [1, t];
}

const byKey = (a: Expr, b: Expr): number => { const ka = key(a), kb = key(b); return ka < kb ? -1 : ka > kb ? 1 : 0; };

export function simplifyAdd(input: readonly Expr[]): Expr {
  tick();
  const flat: Expr[] = [];
  const push = (t: Expr): void => {
    if (t.kind === 'add') t.terms.forEach(push);
    else if (t.kind === 'mul' && t.factors.length === 2 && t.factors[0].kind === 'num' && t.factors[1].kind === 'add') {
      // k·(x + y) inside a sum: distribute, so like terms can meet.
      const k = t.factors[0];
      t.factors[1].terms.forEach((x) => push(simplifyMul([k, x])));
    } else flat.push(t);
  };
  input.forEach(push);

  let constant = 0;
  const groups = new Map<string, { rest: Expr; coef: number }>();
  for (const t of flat) {
    if (t.kind === 'num') { constant += t.value; continue; }
    const [c, rest] = coefficient(t);
    const k = key(rest);
    const g = groups.get(k);
    if (g) g.coef += c; else groups.set(k, { rest, coef: c });
  }
  // c − c·σ(u) → c·σ(−u): the complement form keeps precision and matches the derivative rules.
  for (const g of groups.values()) {
    if (constant !== 0 && g.coef === -constant && g.rest.kind === 'call' && g.rest.fn === 'sigmoid') {
      g.rest = simplifyCall('sigmoid', [simplifyMul([num(-1), g.rest.args[0]])]);
      g.coef = constant;
      constant = 0;
      break;
    }
  }
  const terms: Expr[] = [];
  for (const g of groups.values()) {
    if (g.coef === 0) continue;
    terms.push(g.coef === 1 ? g.rest : withCoefficient(g.coef, g.rest));
  }
  terms.sort(byKey);
  if (constant !== 0 || terms.length === 0) terms.unshift(num(constant));
  return terms.length === 1 ? terms[0] : add(...terms);
}

/** k·rest as a canonical product without re-entering the distribution rule. */
function withCoefficient(k: number, rest: Expr): Expr {
  if (rest.kind === 'mul') return mul(num(k), ...rest.factors);
  return mul(num(k), rest);
}

/** The positive number common to all coefficients of a sum (equal magnitudes, or an integer gcd). */
function content(terms: readonly Expr[]): number {
  const cs = terms.map((t) => Math.abs(coefficient(t)[0]));
  if (cs.some((c) => c === 0 || !Number.isFinite(c))) return 1;
  if (cs.every((c) => c === cs[0])) return cs[0];
  if (cs.every((c) => Number.isInteger(c))) {
    const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
    return cs.reduce(gcd);
  }
  return 1;
}

/** Non-numeric factors (with positive integer exponents) shared by every term of a sum, at their lowest power. */
function commonFactors(terms: readonly Expr[]): Expr[] {
  const powersOf = (t: Expr): Map<string, { base: Expr; e: number }> => {
    const m = new Map<string, { base: Expr; e: number }>();
    for (const f of t.kind === 'mul' ? t.factors : [t]) {
      if (f.kind === 'num') continue;
      const [base, e] = f.kind === 'pow' && f.exp.kind === 'num' ? [f.base, f.exp.value] : [f, 1];
      if (!Number.isInteger(e) || e <= 0) continue;
      m.set(key(base), { base, e });
    }
    return m;
  };
  const [first, ...others] = terms.map(powersOf);
  if (!first) return [];
  const out: Expr[] = [];
  for (const [k, { base, e }] of first) {
    let low = e;
    for (const o of others) { const x = o.get(k); if (!x) { low = 0; break; } low = Math.min(low, x.e); }
    if (low > 0) out.push(low === 1 ? base : pow(base, num(low)));
  }
  return out;
}

function divideTerms(terms: readonly Expr[], c: number): Expr {
  return simplifyAdd(terms.map((t) => { const [k, rest] = coefficient(t); return k / c === 1 ? rest : simplifyMul([num(k / c), rest]); }));
}

const hasNegativePower = (e: Expr): boolean =>
  e.kind === 'mul' ? e.factors.some(hasNegativePower) : e.kind === 'pow' && e.exp.kind === 'num' && e.exp.value < 0;

export function simplifyMul(input: readonly Expr[]): Expr {
  tick();
  let k = 1;
  const quotient = input.some(hasNegativePower);
  const groups = new Map<string, { base: Expr; exps: Expr[] }>();
  // e^u · e^v → e^(u+v): exponentials merge into one, so e^w · e^(−w) cancels (a common factor pulled
  // out of a sum comes back as e^(−w), and must meet the e^w it came from).
  const expArgs: Expr[] = [];
  const push = (f: Expr): void => {
    if (f.kind === 'mul') { f.factors.forEach(push); return; }
    if (f.kind === 'num') { k *= f.value; return; }
    if (f.kind === 'call' && f.fn === 'exp') { expArgs.push(f.args[0]); return; }
    if (f.kind === 'pow' && f.base.kind === 'call' && f.base.fn === 'exp') { push(simplifyPow(f.base, f.exp)); return; }
    const sumFactor = f.kind === 'add' ? { sum: f, n: ONE } : f.kind === 'pow' && f.base.kind === 'add' && f.exp.kind === 'num' && Number.isInteger(f.exp.value) ? { sum: f.base, n: f.exp } : undefined;
    if (sumFactor && (quotient || sumFactor.n.kind === 'num' && sumFactor.n.value !== 1)) {
      // In a quotient, βλ + β → β·(λ + 1): pull factors common to every term out of a sum so they can
      // cancel. Elsewhere sums stay linear combinations, so that like terms keep meeting.
      const common = commonFactors(sumFactor.sum.terms);
      if (common.length > 0) {
        const rest = simplifyAdd(sumFactor.sum.terms.map((t) => simplifyMul([t, ...common.map((c) => simplifyPow(c, num(-1)))])));
        common.forEach((c) => push(simplifyPow(c, sumFactor.n)));
        push(simplifyPow(rest, sumFactor.n));
        return;
      }
    }
    if (f.kind === 'pow' && f.base.kind === 'mul' && f.exp.kind === 'num' && Number.isInteger(f.exp.value)) {
      // (x·y)^n = x^n·y^n for integer n: distribute before grouping, so (βσ)⁻¹ meets β and σ.
      const n = f.exp;
      f.base.factors.forEach((g) => push(simplifyPow(g, n)));
      return;
    }
    const [base, exp] = f.kind === 'pow' ? [f.base, f.exp] : [f, ONE];
    const kb = key(base);
    const g = groups.get(kb);
    if (g) g.exps.push(exp); else groups.set(kb, { base, exps: [exp] });
  };
  input.forEach(push);
  if (k === 0) return ZERO;

  const factors: Expr[] = [];
  let again = false;
  if (expArgs.length > 0) {
    const e = expArgs.length === 1 ? expArgs[0] : simplifyAdd(expArgs);
    const merged = simplifyCall('exp', [e]);
    if (merged.kind === 'num') k *= merged.value; else factors.push(merged);
  }
  for (const g of groups.values()) {
    const exp = g.exps.length === 1 ? g.exps[0] : simplifyAdd(g.exps);
    if (isNum(exp, 0)) continue;
    let base = g.base;
    // Pull a sum's common numeric factor out of it (raised to an integer power) so it can cancel.
    if (base.kind === 'add' && exp.kind === 'num' && Number.isInteger(exp.value)) {
      const c = content(base.terms);
      if (c !== 1) {
        k *= Math.pow(c, exp.value);
        base = divideTerms(base.terms, c);
        again = again || groups.has(key(base));
      }
    }
    const f = simplifyPow(base, exp);
    if (f.kind === 'num') k *= f.value;
    else {
      if (f.kind === 'mul') again = true;
      factors.push(f);
    }
  }
  if (k === 0) return ZERO;
  // A power that turned into a product, or a sum whose content came out equal to another base:
  // one more pass merges them (it terminates: the second pass finds nothing left to pull out).
  if (again) return simplifyMul([num(k), ...factors]);
  if (factors.length === 0) return num(k);
  factors.sort(byKey);
  if (factors.length === 1 && factors[0].kind === 'add' && k !== 1) {
    // A lone number times a sum: distribute, so −(a − b) and b − a are one tree.
    return simplifyAdd(factors[0].terms.map((t) => simplifyMul([num(k), t])));
  }
  if (k === 1) return factors.length === 1 ? factors[0] : mul(...factors);
  return mul(num(k), ...factors);
}

function foldable(v: number): boolean {
  return Number.isFinite(v) && Number.isInteger(v * 1024) && Math.abs(v) < 1e15;
}

export function simplifyPow(base: Expr, exp: Expr): Expr {
  tick();
  if (isNum(exp, 0)) return ONE;
  if (isNum(exp, 1)) return base;
  if (isNum(base, 1)) return ONE;
  if (base.kind === 'num' && exp.kind === 'num') {
    const v = Math.pow(base.value, exp.value);
    if (Number.isFinite(v) && !(base.value === 0 && exp.value < 0)) return num(v);
  }
  const intExp = exp.kind === 'num' && Number.isInteger(exp.value);
  if (base.kind === 'pow' && intExp) return simplifyPow(base.base, simplifyMul([base.exp, exp]));
  if (base.kind === 'mul' && intExp) return simplifyMul(base.factors.map((f) => simplifyPow(f, exp)));
  if (base.kind === 'call' && base.fn === 'exp') return simplifyCall('exp', [simplifyMul([base.args[0], exp])]);
  return pow(base, exp);
}

export function simplifyCall(fn: string, args: readonly Expr[]): Expr {
  tick();
  if (args.every((a) => a.kind === 'num')) {
    const v = primitive(fn).evaluate(...args.map((a) => (a as Num).value));
    if (foldable(v)) return num(v);
  }
  const [u] = args;
  if (fn === 'exp' && u.kind === 'call' && u.fn === 'log') return u.args[0];
  if (fn === 'log' && u.kind === 'call' && u.fn === 'exp') return u.args[0];
  if ((fn === 'min' || fn === 'max') && key(args[0]) === key(args[1])) return args[0];
  return call(fn, ...args);
}

/**
 * A quotient, simplified, then split over a sum in the numerator when that is shorter:
 * (βσ + λ)/(βσ) → 1 + λ/(βσ), which shows at a glance that CPO's ratio exceeds 1.
 */
export function simplifyRatio(numerator: Expr, denominator: Expr): Expr {
  if (numerator.kind === 'num' && numerator.value === 0) return numerator;
  const q = simplifyMul([numerator, simplifyPow(denominator, num(-1))]);
  if (q.kind !== 'mul') return q;
  const sums = q.factors.filter((f) => f.kind === 'add');
  if (sums.length !== 1) return q;
  const others = q.factors.filter((f) => f.kind !== 'add');
  const apart = simplifyAdd((sums[0] as { terms: readonly Expr[] }).terms.map((t) => simplifyMul([t, ...others])));
  return size(apart) < size(q) ? apart : q;
}
