// Printed derivations keep a spec's `where:` names where they shorten the result: a subtree that is one of the
// definitions (as written out, or as it stands once a slot's argument is bound — `a` becomes the margin u in m,
// logp_w in h_w and Λ_w, logp_l in h_l and Λ_l) is printed as the name, and the name's meaning is printed beside
// it. "Is" means an identity of trees: the subtree's difference from the definition simplifies to 0 (the
// simplifier's rewrites are value-preserving, which the property suite checks), its sum to 0 for −name. Only the
// printing changes; what is differentiated and evaluated is the tree written out.

import { type Expr, add, children, key, mapChildren, mul, neg, size, substitute, sub, sym, symbolsOf } from '../expr/expr.js';
import { ARG, resultSymbols } from '../loss/symbols.js';
import { rankedSymbols } from '../loss/ranked.js';
import type { LossSpec } from '../loss/types.js';
import { expandWhere } from '../loss/where.js';
import { toText } from './print.js';
import { simplify } from './simplify.js';

/** One definition in the form it may take in a printed expression. */
export interface WhereName { readonly name: string; readonly expr: Expr }

/** Below this many nodes a definition is not worth a name (a name saves nothing on `beta*a`). */
const MIN_NODES = 3;

/** Products over sums multiplied out (β(x − c) → βx − βc): the simplifier keeps a factor outside a sum, so a
 * difference of a factored and a multiplied-out form of one definition is 0 only once both are multiplied out. */
function distribute(e: Expr): Expr {
  const c = children(e).length ? mapChildren(e, distribute) : e;
  if (c.kind !== 'mul') return c;
  const i = c.factors.findIndex((f) => f.kind === 'add');
  if (i < 0) return c;
  const sum = c.factors[i] as Extract<Expr, { kind: 'add' }>;
  const rest = c.factors.filter((_, j) => j !== i);
  return add(...sum.terms.map((t) => distribute(mul(...rest, t))));
}

/** An identity of trees: d simplifies to 0 once multiplied out. */
const isZero = (d: Expr) => { const z = simplify(distribute(d)); return z.kind === 'num' && z.value === 0; };
const sameSymbols = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((s) => b.has(s));

/** Each definition with `a` bound to each of the given arguments (the forms a derived expression can hold it in), deduplicated. */
export function whereForms(defs: Readonly<Record<string, Expr>>, bindings: readonly Expr[]): WhereName[] {
  const out = new Map<string, WhereName>();
  for (const [name, e] of Object.entries(defs)) {
    if (size(e) < MIN_NODES) continue;
    const forms = symbolsOf(e).has(ARG) ? bindings.map((b) => simplify(substitute(e, { [ARG]: b }))) : [simplify(e)];
    for (const f of [e, ...forms]) out.set(`${name}|${key(f)}`, { name, expr: f });
  }
  return [...out.values()];
}

/** `e` with every subtree that is one of the definitions printed as its name (−name for its negation); the names used. */
export function withWhereNames(e: Expr, names: readonly WhereName[]): { expr: Expr; used: WhereName[] } {
  const used = new Map<string, WhereName>();
  // One meaning per name in one printed expression: the first form a name is used in is the only one it stands for.
  const formOf = new Map<string, string>();
  const info = names.map((n) => ({ ...n, symbols: symbolsOf(n.expr), key: key(n.expr) }));
  const match = (t: Expr): Expr | undefined => {
    if (size(t) < MIN_NODES) return undefined;
    const ts = symbolsOf(t);
    for (const n of info) {
      if (!sameSymbols(ts, n.symbols) || (formOf.has(n.name) && formOf.get(n.name) !== n.key)) continue;
      if (key(t) === n.key || isZero(sub(t, n.expr))) { used.set(n.name, n); formOf.set(n.name, n.key); return sym(n.name); }
      if (isZero(add(t, n.expr))) { used.set(n.name, n); formOf.set(n.name, n.key); return neg(sym(n.name)); }
    }
    return undefined;
  };
  const visit = (t: Expr): Expr => {
    const whole = match(t);
    if (whole) return whole;
    // A product may hold a definition among other factors (β(logp_w − c_ref − logp_l)/τ holds ρ): the factors in
    // the definition's symbols, together, against each definition; the rest kept.
    if (t.kind === 'mul') {
      const inner = t.factors.filter((f) => info.some((n) => [...symbolsOf(f)].every((x) => n.symbols.has(x))));
      if (inner.length >= 2 && inner.length < t.factors.length) {
        const m = match(mul(...inner));
        if (m) return mul(m, ...t.factors.filter((f) => !inner.includes(f)).map(visit));
      }
    }
    return children(t).length ? mapChildren(t, visit) : t;
  };
  const expr = visit(e);
  return { expr, used: [...used.values()] };
}

/** The spec's where definitions written out (each in the slots' symbols), or none. */
export function whereDefinitions(spec: LossSpec): Record<string, Expr> {
  const defs = spec.source.where;
  if (!defs || !Object.keys(defs).length) return {};
  const symbols = spec.ranked ? rankedSymbols(spec.ranked.K, spec.source.params) : new Set([ARG, ...resultSymbols(Object.keys(spec.source.params))]);
  const r = expandWhere(defs, symbols, new Set());
  return r.ok ? r.value : {};
}

/**
 * The printed text of e with the where names that shorten it, and what they stand for (`rho = …`), or e's text
 * alone where no name makes it shorter.
 */
export function namedText(e: Expr, names: readonly WhereName[]): { text: string; where: string | null } {
  const plain = toText(e);
  if (!names.length) return { text: plain, where: null };
  const { expr, used } = withWhereNames(e, names);
  if (!used.length) return { text: plain, where: null };
  const text = toText(expr), where = used.map((n) => `${n.name} = ${toText(n.expr)}`).join(', ');
  return text.length + where.length < plain.length ? { text, where } : { text: plain, where: null };
}

/** namedText as one line: the text, then `(where rho = …)` when names were used. */
export function namedLine(e: Expr, names: readonly WhereName[]): string {
  const t = namedText(e, names);
  return t.where ? `${t.text}    (where ${t.where})` : t.text;
}
