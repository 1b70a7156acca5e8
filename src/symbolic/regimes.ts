// Hinges split a loss into regimes. Each hinge (min, max, relu, abs, `test ? x : y`) has a boundary
// g = 0 from the rule table; a regime fixes, for every hinge, which side of its boundary the point is
// on, and replaces the hinge by that side's smooth expression. Innermost hinges are resolved first, so
// every boundary is itself smooth.

import { type Expr, type Cond, type Call, key, mapChildren, substitute, sub } from '../expr/expr.js';
import { PRIMITIVES } from '../expr/primitives.js';
import { parseExpression } from '../loss/parse.js';
import { simplify } from './simplify.js';

/** One side of one hinge: g > 0 (`above`) or g < 0 (`below`). */
export interface Constraint {
  /** The boundary function, in the slot's own variable (a) before placement. */
  readonly g: Expr;
  readonly side: 'above' | 'below';
  /** The hinge as written, e.g. min(0, a - delta), and the slot it sits in. */
  readonly hinge: string;
  readonly slot: string;
}

type Hinged = Call | Cond;

const isHinge = (e: Expr): e is Hinged => (e.kind === 'call' && !!PRIMITIVES.get(e.fn)?.hinge) || e.kind === 'cond';

/** The first hinge (depth-first, children before parents) whose arguments contain no hinge. */
export function innermostHinge(e: Expr): Hinged | undefined {
  let found: Hinged | undefined;
  const visit = (x: Expr): void => {
    if (found) return;
    mapChildren(x, (c) => { visit(c); return c; });
    if (!found && isHinge(x)) found = x;
  };
  visit(e);
  return found;
}

export const hasHinge = (e: Expr): boolean => innermostHinge(e) !== undefined;

const hingeTemplateCache = new Map<string, { g: Expr; above: Expr; below: Expr }>();

function hingeTemplates(fn: string): { g: Expr; above: Expr; below: Expr } {
  const cached = hingeTemplateCache.get(fn);
  if (cached) return cached;
  const p = PRIMITIVES.get(fn)!;
  const parse = (t: string): Expr => {
    const r = parseExpression(t, { slot: `rule:${fn}`, symbols: new Set(p.params) });
    if (!r.ok) throw new Error(`internal: bad hinge rule for ${fn}`);
    return r.value;
  };
  const t = { g: parse(p.hinge!.boundary), above: parse(p.hinge!.above), below: parse(p.hinge!.below) };
  hingeTemplateCache.set(fn, t);
  return t;
}

/** Boundary and the two branch values of a hinge node. */
export function hingeParts(h: Hinged): { g: Expr; above: Expr; below: Expr } {
  if (h.kind === 'cond') {
    const g = simplify(sub(h.test.left, h.test.right));
    const greater = h.test.op === '>' || h.test.op === '>=';
    return { g, above: greater ? h.then : h.else, below: greater ? h.else : h.then };
  }
  const t = hingeTemplates(h.fn);
  const bind: Record<string, Expr> = {};
  PRIMITIVES.get(h.fn)!.params.forEach((u, i) => { bind[u] = h.args[i]; });
  return { g: simplify(substitute(t.g, bind)), above: substitute(t.above, bind), below: substitute(t.below, bind) };
}

/** Replace every occurrence of the node with key k by r. */
export function replaceNode(e: Expr, k: string, r: Expr): Expr {
  if (key(e) === k) return r;
  return mapChildren(e, (c) => replaceNode(c, k, r));
}
