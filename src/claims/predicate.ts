// Predicates in claims files: `lhs op rhs`, joined by `and`. Each side is a loss-language expression;
// comparisons are only allowed at the top, so the parser's allow-list stays the same.

import type { CmpOp, Expr } from '../expr/expr.js';
import { type MarginError, type Result, ok } from '../errors.js';
import { parseExpression } from '../loss/parse.js';

/** The four comparisons, as the expression language has them. */
export type Op = CmpOp;
export interface Comparison { readonly left: Expr; readonly op: Op; readonly right: Expr; readonly text: string }

export function parsePredicate(text: string, symbols: ReadonlySet<string>, slot: string): Result<Comparison[]> {
  const parts = text.split(/\s+and\s+/);
  const out: Comparison[] = [];
  const errors: MarginError[] = [];
  let offset = 0;
  for (const part of parts) {
    const m = /^(.*?)(<=|>=|<|>)(.*)$/.exec(part);
    if (!m || /[<>]/.test(m[3])) {
      errors.push({ code: 'E_SYNTAX', message: `expected one comparison 'lhs op rhs' (op one of < <= > >=), got '${part.trim()}'`, at: { slot, column: offset + 1 } });
    } else {
      const l = parseExpression(m[1], { slot, symbols });
      const r = parseExpression(m[3], { slot, symbols });
      const shift = (e: MarginError, by: number): MarginError => ({ ...e, at: { ...e.at, column: e.at?.column !== undefined ? e.at.column + by : undefined } });
      if (!l.ok) errors.push(...l.errors.map((e) => shift(e, offset)));
      if (!r.ok) errors.push(...r.errors.map((e) => shift(e, offset + m[1].length + m[2].length)));
      if (l.ok && r.ok) out.push({ left: l.value, op: m[2] as Op, right: r.value, text: part.trim() });
    }
    offset += part.length + 5;
  }
  return errors.length ? { ok: false, errors } : ok(out);
}
