// Rewrites that interval arithmetic needs before it can see what a reader sees. Each replaces a form
// whose natural interval extension cancels (log(1 − eᵘ) over u < 0 is log of an interval that
// reaches 0 from both factors' widths) by a primitive of the rule table that has a tight extension,
// and each keeps the value and the domain of definition exactly:
//   log(1 − eᵘ) = log(−expm1(u)) → log1mexp(u)      (both defined exactly for u < 0)
//   log(1 + eᵘ) → softplus(u),  log σ(u) → logsigmoid(u),  log eᵘ → u,  eᵘ − 1 → expm1(u)
//   logσ(x) − logσ(−x) → x,  softplus(x) − softplus(−x) → x,  σ(x) + σ(−x) → 1
// The prover applies them to a claim before branching; printed derivations are left as they are.

import { type Expr, add, call, key, mapChildren, neg, num } from '../../expr/expr.js';
import { simplify } from '../simplify.js';

const isNum = (e: Expr, v: number) => e.kind === 'num' && e.value === v;
type CallNode = Extract<Expr, { kind: 'call' }>;
// Not a type guard: a false answer says nothing about the node's kind.
const isCall = (e: Expr, fn: string): boolean => e.kind === 'call' && e.fn === fn;
const arg0 = (e: Expr): Expr => (e as CallNode).args[0];

/** −x written as (−1)·x: its x, else undefined. */
function negated(e: Expr): Expr | undefined {
  if (e.kind !== 'mul' || e.factors.length < 2 || !isNum(e.factors[0], -1)) return undefined;
  return e.factors.length === 2 ? e.factors[1] : { kind: 'mul', factors: e.factors.slice(1) };
}

/** 1 + c·eᵘ with c = ±1: its u and sign, else undefined. */
function onePlusExp(e: Expr): { u: Expr; sign: 1 | -1 } | undefined {
  if (e.kind !== 'add' || e.terms.length !== 2) return undefined;
  const [a, b] = isNum(e.terms[0], 1) ? [e.terms[0], e.terms[1]] : [e.terms[1], e.terms[0]];
  if (!isNum(a, 1)) return undefined;
  if (isCall(b, 'exp')) return { u: arg0(b), sign: 1 };
  const m = negated(b);
  if (m && isCall(m, 'exp')) return { u: arg0(m), sign: -1 };
  return undefined;
}

function rewriteNode(e: Expr): Expr {
  if (isCall(e, 'log')) {
    const x = arg0(e);
    const ope = onePlusExp(x);
    if (ope) return ope.sign === -1 ? call('log1mexp', ope.u) : call('softplus', ope.u);
    if (isCall(x, 'sigmoid')) return call('logsigmoid', arg0(x));
    if (isCall(x, 'exp')) return arg0(x);
    const m = negated(x);
    if (m && isCall(m, 'expm1')) return call('log1mexp', arg0(m));
  }
  if (e.kind === 'add') {
    // eᵘ − 1 → expm1(u)
    if (e.terms.length === 2) {
      const [a, b] = isNum(e.terms[0], -1) ? [e.terms[0], e.terms[1]] : [e.terms[1], e.terms[0]];
      if (isNum(a, -1) && isCall(b, 'exp')) return call('expm1', arg0(b));
    }
    return cancelPairs(e.terms);
  }
  return e;
}

/** f(x) − f(−x) = x for f = logsigmoid, softplus; σ(x) + σ(−x) = 1. */
function cancelPairs(terms: readonly Expr[]): Expr {
  const out = [...terms];
  const used = new Set<number>();
  const negKey = (x: Expr) => key(simplify(neg(x)));
  for (let i = 0; i < out.length; i++) {
    if (used.has(i)) continue;
    const t = out[i];
    const fn = t.kind === 'call' && (t.fn === 'logsigmoid' || t.fn === 'softplus' || t.fn === 'sigmoid') ? t : undefined;
    if (!fn) continue;
    const want = negKey(fn.args[0]);
    for (let j = 0; j < out.length; j++) {
      if (j === i || used.has(j)) continue;
      const other = out[j];
      if (fn.fn === 'sigmoid') {
        if (isCall(other, 'sigmoid') && key(arg0(other)) === want) { used.add(i); used.add(j); out.push(num(1)); break; }
      } else {
        const m = negated(other);
        if (m && isCall(m, fn.fn) && key(arg0(m)) === want) { used.add(i); used.add(j); out.push(fn.args[0]); break; }
      }
    }
  }
  if (used.size === 0) return add(...terms);
  return add(...out.filter((_, k) => !used.has(k)));
}

/** The claim with every cancelling form replaced, bottom-up, then simplified. */
export function rewriteForIntervals(e: Expr): Expr {
  const walk = (x: Expr): Expr => rewriteNode(mapChildren(x, walk));
  return simplify(walk(simplify(e)));
}
