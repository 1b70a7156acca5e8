// The expression tree every layer works on. It is deliberately small: sums, products and powers carry
// all of arithmetic (a - b is a + (-1)·b, a / b is a·b^(-1)), so simplification only has to know three
// shapes. Primitives (sigmoid, log, min, …) are `call` nodes whose behaviour lives in the rule table
// (primitives.ts); `cond` is the ternary `test ? then : else`.

export type Expr = Num | Sym | Add | Mul | Pow | Call | Cond;

export interface Num { readonly kind: 'num'; readonly value: number }
export interface Sym { readonly kind: 'sym'; readonly name: string }
export interface Add { readonly kind: 'add'; readonly terms: readonly Expr[] }
export interface Mul { readonly kind: 'mul'; readonly factors: readonly Expr[] }
export interface Pow { readonly kind: 'pow'; readonly base: Expr; readonly exp: Expr }
export interface Call { readonly kind: 'call'; readonly fn: string; readonly args: readonly Expr[] }
export interface Cond { readonly kind: 'cond'; readonly test: Test; readonly then: Expr; readonly else: Expr }

export type CmpOp = '<' | '<=' | '>' | '>=';
export interface Test { readonly op: CmpOp; readonly left: Expr; readonly right: Expr }

export const num = (value: number): Num => ({ kind: 'num', value });
export const sym = (name: string): Sym => ({ kind: 'sym', name });
export const add = (...terms: Expr[]): Add => ({ kind: 'add', terms });
export const mul = (...factors: Expr[]): Mul => ({ kind: 'mul', factors });
export const pow = (base: Expr, exp: Expr): Pow => ({ kind: 'pow', base, exp });
export const call = (fn: string, ...args: Expr[]): Call => ({ kind: 'call', fn, args });
export const cond = (test: Test, then: Expr, otherwise: Expr): Cond => ({ kind: 'cond', test, then, else: otherwise });
export const neg = (e: Expr): Mul => mul(num(-1), e);
export const sub = (a: Expr, b: Expr): Add => add(a, neg(b));
export const div = (a: Expr, b: Expr): Mul => mul(a, pow(b, num(-1)));

export const ZERO = num(0);
export const ONE = num(1);

export const isNum = (e: Expr, v?: number): boolean => e.kind === 'num' && (v === undefined || e.value === v);

/** A canonical string for structural equality and ordering; two trees with the same key are equal.
 * Memoised per node: the simplifier sorts by key, and recomputing it per comparison made the work grow
 * with the square of a tree's size. */
export function key(e: Expr): string {
  const known = keys.get(e);
  if (known !== undefined) return known;
  let k: string;
  switch (e.kind) {
    case 'num': return numKey(e.value);
    case 'sym': return e.name;
    case 'add': k = `+(${e.terms.map(key).join(',')})`; break;
    case 'mul': k = `*(${e.factors.map(key).join(',')})`; break;
    case 'pow': k = `^(${key(e.base)},${key(e.exp)})`; break;
    case 'call': k = `${e.fn}(${e.args.map(key).join(',')})`; break;
    case 'cond': k = `?(${key(e.test.left)}${e.test.op}${key(e.test.right)},${key(e.then)},${key(e.else)})`; break;
  }
  keys.set(e, k);
  return k;
}

const keys = new WeakMap<Expr, string>();

function numKey(v: number): string {
  return Object.is(v, -0) ? '0' : String(v);
}

/** Every symbol name that occurs in e. */
export function symbolsOf(e: Expr, into: Set<string> = new Set()): Set<string> {
  switch (e.kind) {
    case 'num': break;
    case 'sym': into.add(e.name); break;
    case 'add': e.terms.forEach((t) => symbolsOf(t, into)); break;
    case 'mul': e.factors.forEach((f) => symbolsOf(f, into)); break;
    case 'pow': symbolsOf(e.base, into); symbolsOf(e.exp, into); break;
    case 'call': e.args.forEach((a) => symbolsOf(a, into)); break;
    case 'cond':
      symbolsOf(e.test.left, into); symbolsOf(e.test.right, into);
      symbolsOf(e.then, into); symbolsOf(e.else, into);
      break;
  }
  return into;
}

export const dependsOn = (e: Expr, name: string): boolean => symbolsOf(e).has(name);

/** Replace symbols by expressions, all at once (no re-substitution inside the replacements). */
export function substitute(e: Expr, bindings: Readonly<Record<string, Expr>>): Expr {
  switch (e.kind) {
    case 'num': return e;
    case 'sym': return Object.prototype.hasOwnProperty.call(bindings, e.name) ? bindings[e.name] : e;
    case 'add': return add(...e.terms.map((t) => substitute(t, bindings)));
    case 'mul': return mul(...e.factors.map((f) => substitute(f, bindings)));
    case 'pow': return pow(substitute(e.base, bindings), substitute(e.exp, bindings));
    case 'call': return call(e.fn, ...e.args.map((a) => substitute(a, bindings)));
    case 'cond':
      return cond(
        { op: e.test.op, left: substitute(e.test.left, bindings), right: substitute(e.test.right, bindings) },
        substitute(e.then, bindings),
        substitute(e.else, bindings),
      );
  }
}

/** Map over the direct children of a node, keeping its shape. */
export function mapChildren(e: Expr, f: (c: Expr) => Expr): Expr {
  switch (e.kind) {
    case 'num': case 'sym': return e;
    case 'add': return add(...e.terms.map(f));
    case 'mul': return mul(...e.factors.map(f));
    case 'pow': return pow(f(e.base), f(e.exp));
    case 'call': return call(e.fn, ...e.args.map(f));
    case 'cond': return cond({ op: e.test.op, left: f(e.test.left), right: f(e.test.right) }, f(e.then), f(e.else));
  }
}

/** The direct children of a node, in a fixed order. */
export function children(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'num': case 'sym': return [];
    case 'add': return e.terms;
    case 'mul': return e.factors;
    case 'pow': return [e.base, e.exp];
    case 'call': return e.args;
    case 'cond': return [e.test.left, e.test.right, e.then, e.else];
  }
}

/** Nodes and depth of a tree, counted as a tree (a subtree shared twice counts twice). */
export interface Extent { readonly size: number; readonly depth: number }

const extents = new WeakMap<Expr, Extent>();

/**
 * Size and depth of e, memoised per node and computed without recursion, so that it is cheap to call after
 * every rule application and safe on a tree of any depth. Trees built by substitution share subtrees, so
 * the size can be exponential in the memory used; it is counted as a float, never by walking the copies.
 */
export function extent(e: Expr): Extent {
  const known = extents.get(e);
  if (known) return known;
  const stack: Array<{ e: Expr; visited: boolean }> = [{ e, visited: false }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (extents.has(top.e)) { stack.pop(); continue; }
    const cs = children(top.e);
    if (!top.visited) {
      top.visited = true;
      for (const c of cs) if (!extents.has(c)) stack.push({ e: c, visited: false });
      continue;
    }
    let size = 1, depth = 0;
    for (const c of cs) { const x = extents.get(c)!; size += x.size; depth = Math.max(depth, x.depth); }
    extents.set(top.e, { size, depth: depth + 1 });
    stack.pop();
  }
  return extents.get(e)!;
}

/** Number of nodes; used to shrink and to bound work. */
export const size = (e: Expr): number => extent(e).size;
