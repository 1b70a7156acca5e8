// `where:` local definitions of a spec file (`where: {rho: a - beta*c_ref}`): names a loss's slots may use,
// each an expression in the same symbols as the slots (and in the names defined before or after it).
// They are expanded here, before anything is differentiated, so the engine only ever sees the slots
// written out; a name that refers to itself (directly or through others) is a cycle, refused with the
// path it takes.

import { type Expr, extent, substitute, symbolsOf } from '../expr/expr.js';
import { type MarginError, type Result, ok, shownName } from '../errors.js';
import { parseExpression, resultVariableHints } from './parse.js';

const IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * The largest a definition may grow once written out, in tree nodes: the engine's own bound on any
 * expression it builds (symbolic/budget.ts). Definitions that double each other (`x2: x1*x1`, `x3: x2*x2`, …)
 * share their subtrees in memory but not in a walk; this stops them before a walk meets them.
 */
export const MAX_EXPANDED_NODES = 20_000;

const slotOf = (name: string) => `where.${shownName(name)}`;

/**
 * Parse and expand the definitions: each name → its expression with every other name replaced by its own
 * expansion. `symbols` are the symbols a slot may name; `taken` the names a definition may not reuse
 * (params, known symbols, functions).
 */
export function expandWhere(defs: Readonly<Record<string, string>>, symbols: ReadonlySet<string>, taken: ReadonlySet<string>): Result<Record<string, Expr>> {
  const names = Object.keys(defs);
  const errors: MarginError[] = [];
  for (const name of names) {
    if (!IDENT.test(name)) errors.push({ code: 'E_SPEC', message: `'${shownName(name)}' is not a valid name for a where definition`, at: { slot: slotOf(name) }, hint: 'letters, digits and _, starting with a letter' });
    else if (taken.has(name) || symbols.has(name)) {
      errors.push({ code: 'E_SPEC', message: `'${name}' is already a symbol, function or parameter and cannot be defined in where`, at: { slot: slotOf(name), symbol: name }, hint: 'choose another name' });
    }
  }
  if (errors.length) return { ok: false, errors };
  const all = new Set([...symbols, ...names]);
  const trees = new Map<string, Expr>();
  for (const name of names) {
    const r = parseExpression(String(defs[name]), { slot: slotOf(name), symbols: all, symbolHints: resultVariableHints('where') });
    if (r.ok) trees.set(name, r.value); else errors.push(...r.errors);
  }
  if (errors.length) return { ok: false, errors };
  const uses = (name: string) => [...symbolsOf(trees.get(name)!)].filter((s) => trees.has(s));
  // Depth-first, in the order written: a name met again while still open closes a cycle.
  const expanded = new Map<string, Expr>();
  const open: string[] = [];
  const visit = (name: string): MarginError | undefined => {
    if (expanded.has(name)) return undefined;
    const at = open.indexOf(name);
    if (at >= 0) {
      const path = [...open.slice(at), name];
      return { code: 'E_CYCLE', message: `the where definitions refer to themselves: ${path.join(' → ')}`, at: { slot: slotOf(path[0]), symbol: path[0] },
        hint: 'a definition may use the others, but none may come back to itself' };
    }
    open.push(name);
    for (const dep of uses(name)) { const e = visit(dep); if (e) return e; }
    open.pop();
    const bindings = Object.fromEntries(uses(name).map((d) => [d, expanded.get(d)!]));
    const e = substitute(trees.get(name)!, bindings);
    if (extent(e).size > MAX_EXPANDED_NODES) {
      return { code: 'E_TOO_COMPLEX', message: `'${name}' written out has ${extent(e).size} nodes; the limit is ${MAX_EXPANDED_NODES}`, at: { slot: slotOf(name), symbol: name },
        hint: 'definitions that use each other several times multiply; write the loss in fewer nested definitions' };
    }
    expanded.set(name, e);
    return undefined;
  };
  for (const name of names) {
    const e = visit(name);
    if (e) return { ok: false, errors: [e] };
  }
  return ok(Object.fromEntries(expanded));
}

/** A slot's tree with the definitions written in; refused like a definition when it grows past the bound. */
export function applyWhere(tree: Expr, slot: string, defs: Readonly<Record<string, Expr>>): Result<Expr> {
  const e = substitute(tree, defs);
  const n = extent(e).size;
  if (n > MAX_EXPANDED_NODES) {
    return { ok: false, errors: [{ code: 'E_TOO_COMPLEX', message: `${slot} written out with its where definitions has ${n} nodes; the limit is ${MAX_EXPANDED_NODES}`, at: { slot } }] };
  }
  return ok(e);
}
