// The columns a Table 2 may show, in the paper's order, with their headers. `--columns` picks from
// these ids; an unknown id is an error with a did-you-mean, never a silently empty column.

import { type Result, didYouMean, fail, ok } from '../../errors.js';

export const COLUMNS = [
  { id: 'loss', text: 'loss', tex: '\\text{Loss}' },
  { id: 'm', text: 'm(a)', tex: 'm(a)' },
  { id: 'h_w', text: 'h_w(a)', tex: 'h_w(a)' },
  { id: 'h_l', text: 'h_l(a)', tex: 'h_l(a)' },
  { id: 'Lambda', text: 'Lambda(a)', tex: '\\Lambda(a)' },
  { id: 'regime', text: 'regime', tex: '\\text{regime}' },
  { id: 'dW', text: 'd_w', tex: 'd_w' },
  { id: 'dL', text: 'd_l', tex: 'd_l' },
  { id: 'ratio', text: 'd_w/d_l', tex: 'd_w / d_l' },
  { id: 'chosenUp', text: 'chosen up (9)', tex: '\\log\\pi_w \\uparrow \\text{ (9)}' },
  { id: 'rejectedDown', text: 'rejected down (10)', tex: '\\log\\pi_l \\downarrow \\text{ (10)}' },
] as const;

export type ColumnId = (typeof COLUMNS)[number]['id'];
export type Column = (typeof COLUMNS)[number];

export const DEFAULT_COLUMNS: readonly ColumnId[] = COLUMNS.map((c) => c.id);

/** Columns that belong to a regime (one sub-row per regime) rather than to the loss. */
export const REGIME_COLUMNS: ReadonlySet<ColumnId> = new Set(['regime', 'dW', 'dL', 'ratio', 'chosenUp', 'rejectedDown']);

export const columnById = (id: ColumnId): Column => COLUMNS.find((c) => c.id === id)!;

export function parseColumns(list: string | undefined): Result<ColumnId[]> {
  if (list === undefined) return ok([...DEFAULT_COLUMNS]);
  const ids = list.split(',').map((s) => s.trim()).filter(Boolean);
  const known = COLUMNS.map((c) => c.id as string);
  const bad = ids.filter((id) => !known.includes(id));
  if (bad.length) {
    return fail(...bad.map((id) => {
      const guess = didYouMean(id, known);
      return { code: 'E_USAGE' as const, message: `unknown column '${id}'`, at: { slot: '--columns', symbol: id },
        hint: guess ? `did you mean '${guess}'?` : `columns: ${known.join(', ')}` };
    }));
  }
  if (ids.length === 0) return fail({ code: 'E_USAGE', message: '--columns names no column', at: { slot: '--columns' }, hint: `columns: ${known.join(', ')}` });
  return ok(ids as ColumnId[]);
}
