// The content of a table of losses over K ranked responses, independent of the output format: per loss its K
// and, per regime, the derived weights d_1 … d_K (d_k = −∂L/∂logp_k, symbolic/ranked.ts). Table 2's columns
// (m, h_w, h_l, conditions (9)/(10)) belong to a chosen and a rejected response and have no counterpart here;
// each response's condition is (G·d)_k ≥ 0 for the Gram matrix G of the step (derive prints it). Every renderer
// (LaTeX, HTML, Markdown, JSON) reads this and nothing else.

import { MarginFault } from '../../errors.js';
import type { Citation, LossSpec } from '../../loss/types.js';
import { deriveRanked, weightName } from '../../symbolic/ranked.js';
import { toTex } from '../../symbolic/print.js';
import { type Rendered, texNames } from '../notation.js';
import { cell, tidyTex } from './display.js';
import type { TableOptions } from './model.js';

export interface RankedRegimeRow {
  readonly index: number;
  readonly label: Rendered;
  /** d_1 … d_K (index 0 is d_1). */
  readonly d: readonly Rendered[];
}

export interface RankedRow {
  readonly id: string;
  readonly name: string;
  readonly citation: Citation | null;
  readonly K: number;
  readonly L: Rendered;
  readonly regimes: readonly RankedRegimeRow[];
}

export interface RankedTable {
  readonly kind: 'ranked';
  /** The largest K of the rows: the table has columns d_1 … d_responses, blank past a row's own K. */
  readonly responses: number;
  readonly rows: readonly RankedRow[];
}

/** What the weights are, in LaTeX, for every format's legend. */
export const RANKED_LEGEND_TEX = 'd_k = -\\partial\\ell/\\partial\\log\\pi_k';
/**
 * The table's note, what the weights mean for a step, with its formulas set by the format (`math`) and commands
 * named by it (`code`).
 */
export const rankedNote = (math: (tex: string) => string, code: (s: string) => string): string =>
  `Response 1 is the most preferred, in rank order. With ${math('G_{jk} = \\langle \\nabla_\\theta\\log\\pi_j, \\nabla_\\theta\\log\\pi_k \\rangle')}, `
  + `one step of size ${math('\\eta')} moves ${math('\\Delta\\log\\pi_k \\approx \\eta\\,(G d)_k')}: response ${math('k')} rises iff ${math('\\sum_j G_{kj} d_j \\ge 0')} `
  + `(${code('marginlab derive')} prints these conditions; ${code('marginlab classify')} decides them for a given ${math('G')}).`;

/** The weights' column heads, d_1 … d_K. */
export const weightHeads = (K: number): { id: string; tex: string }[] => Array.from({ length: K }, (_, i) => ({ id: weightName(i + 1), tex: `d_{${i + 1}}` }));

export function buildRankedTable(specs: readonly LossSpec[], o: TableOptions = {}): RankedTable {
  const rows = specs.map((spec): RankedRow => {
    const r = deriveRanked(spec);
    if (!r.ok) throw new MarginFault(r.errors[0]);
    o.onLoss?.(spec.source.id);
    const d = r.value, names = texNames(spec), s = spec.source;
    return {
      id: s.id, name: s.name, citation: s.citation ?? null, K: d.K, L: cell(d.L, names),
      regimes: d.regimes.map((g) => ({
        index: g.index,
        label: g.constraints.length === 0 ? { text: 'everywhere', tex: '\\text{everywhere}' }
          : { text: g.label, tex: g.constraints.map((c) => `${tidyTex(toTex(c.g, names))} ${c.side === 'above' ? '>' : '<'} 0`).join(',\\ ') },
        d: g.d.map((e) => cell(e, names)),
      })),
    };
  });
  return { kind: 'ranked', responses: Math.max(0, ...rows.map((r) => r.K)), rows };
}
