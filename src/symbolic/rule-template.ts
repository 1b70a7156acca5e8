// The rule table's formulas (derivatives, hinge boundaries and branches) are text in their primitive's
// placeholder params; each is parsed once, on first use, and the same tree is shared from then on.

import type { Expr } from '../expr/expr.js';
import { PRIMITIVES } from '../expr/primitives.js';
import { parseExpression } from '../loss/parse.js';

const cache = new Map<string, Expr>();

/** The tree of one formula of primitive `fn`'s rule-table entry. A formula that does not parse is a bug. */
export function ruleTemplate(fn: string, formula: string): Expr {
  const k = `${fn}\u0000${formula}`;
  const hit = cache.get(k);
  if (hit) return hit;
  const r = parseExpression(formula, { slot: `rule:${fn}`, symbols: new Set(PRIMITIVES.get(fn)?.params ?? []) });
  if (!r.ok) throw new Error(`internal: bad rule for ${fn} (${formula}): ${r.errors[0].message}`);
  cache.set(k, r.value);
  return r.value;
}
