// Table 1 and Table 2 as JSON: the same model every other format renders, with a schema key. Every
// expression carries `text` (mathjs syntax that parses back) beside `tex`, so a program can re-check
// the numbers; tests re-parse d_w and d_l from here and evaluate them against `marginlab eval`.

import type { Table1 } from './cases.js';
import type { ColumnId } from './columns.js';
import type { Table2 } from './model.js';
import type { RankedTable } from './ranked.js';
import { weightName } from '../../symbolic/ranked.js';

export const TABLE_SCHEMA = 'marginlab/table@1';

export function table2Json(t: Table2, columns: readonly ColumnId[]) {
  return {
    schema: TABLE_SCHEMA,
    kind: t.kind,
    columns,
    notation: { a: '∇_θ log π_w', b: '∇_θ log π_l', convention: 'ℓ = −(m(h_w(logp_w) − h_l(logp_l)) + Λ(logp_w)), eq. (8)' },
    audit: t.audit,
    rows: t.rows.map((r) => ({
      id: r.id, name: r.name, citation: r.citation, footnote: r.footnote, slots: r.slots,
      regimes: r.regimes.map((g) => ({
        index: g.index, label: g.label, dW: g.dW, dL: g.dL, ratio: g.ratio,
        conditions: { chosenUp: g.chosenUp, rejectedDown: g.rejectedDown },
        audit: { samples: g.signs.samples, dWSigns: g.signs.dW, dLSigns: g.signs.dL },
      })),
      auditFindings: r.auditFindings,
    })),
    footnotes: t.footnotes.map((f) => ({ number: f.number, loss: f.lossId, text: f.text,
      printedComparison: { compared: f.comparison.compared, differing: f.comparison.differing, witness: f.comparison.witness ?? null } })),
  };
}

export function table1Json(t: Table1) {
  return { schema: TABLE_SCHEMA, kind: t.kind, audit: t.audit, groups: t.groups };
}

/** The table of losses over K ranked responses: per loss its K, L and, per regime, d_1 … d_K as text and LaTeX. */
export function rankedJson(t: RankedTable) {
  return {
    schema: TABLE_SCHEMA,
    kind: t.kind,
    responses: t.responses,
    notation: { weights: 'd_k = −∂L/∂logp_k', step: 'Δlogp_k ≈ η·(G·d)_k, G_jk = ⟨∇logp_j, ∇logp_k⟩' },
    rows: t.rows.map((r) => ({
      id: r.id, name: r.name, citation: r.citation, responses: r.K, L: r.L,
      regimes: r.regimes.map((g) => ({ index: g.index, label: g.label, weights: Object.fromEntries(g.d.map((d, k) => [weightName(k + 1), d])) })),
    })),
  };
}
