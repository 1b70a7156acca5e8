// Hinges split a loss into regimes. Each hinge (min, max, relu, abs, `test ? x : y`) has a boundary
// g = 0 from the rule table; a regime fixes, for every hinge, which side of its boundary the point is
// on, and replaces the hinge by that side's smooth expression. Innermost hinges are resolved first, so
// every boundary is itself smooth.

import { type Expr, type Cond, type Call, key, mapChildren, substitute, sub } from '../expr/expr.js';
import { PRIMITIVES } from '../expr/primitives.js';
import { ruleTemplate } from './rule-template.js';
import { simplify } from './simplify.js';

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

function hingeTemplates(fn: string): { g: Expr; above: Expr; below: Expr } {
  const h = PRIMITIVES.get(fn)!.hinge!;
  return { g: ruleTemplate(fn, h.boundary), above: ruleTemplate(fn, h.above), below: ruleTemplate(fn, h.below) };
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
