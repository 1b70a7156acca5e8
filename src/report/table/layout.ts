// Where a formula goes in a table, so that every cell prints at the table's own size (never scaled
// down to fit): on one line when it fits its column; broken over a few stacked lines at its top-level
// + and − (or inside its outermost parenthesis) when each line fits; otherwise into the loss's block, a
// full-width row right below the loss's rows, where it is broken over as many lines as it needs, and
// the cell holds a reference to it ("see E3"). The block sits under its own loss rather than at the end
// of the table, so a reader of a long table (or of a longtable split over pages) finds it next to the
// row it belongs to. LaTeX and HTML share this decision; widths come from tex-width.ts.

import { texEm } from './tex-width.js';

/** Top-level terms of a LaTeX sum, split at + and − outside every group, \left…\right pair and \frac. */
export function topLevelTerms(tex: string): string[] {
  const terms: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < tex.length; i++) {
    if (tex.startsWith('\\left', i)) { depth++; i += 4; continue; }
    if (tex.startsWith('\\right', i)) { depth--; i += 5; continue; }
    const ch = tex[i];
    if (ch === '\\') { i++; continue; }
    if (ch === '{') depth++;
    else if (ch === '}') depth--;
    else if ((ch === '+' || ch === '-') && depth === 0 && i > 0 && tex[i - 1] === ' ' && tex[i + 1] === ' ') {
      terms.push(tex.slice(start, i).trim());
      start = i;
    }
  }
  terms.push(tex.slice(start).trim());
  return terms.filter(Boolean);
}

/**
 * The pieces a long expression may be broken into: its top-level terms; or, for a single term such as
 * β σ(x + y − z), the terms inside its outermost parenthesis, with \\left( \\right) turned into \\bigl( \\bigr)
 * because a \\left…\\right pair cannot span lines.
 */
export function breakPieces(tex: string): string[] {
  const terms = topLevelTerms(tex);
  if (terms.length > 1) return terms;
  // The first \\left( outside every brace group: one inside a \\frac cannot be split without breaking it.
  let open = -1;
  for (let i = 0, braces = 0; i < tex.length && open < 0; i++) {
    if (tex.startsWith('\\left(', i) && braces === 0) open = i;
    else if (tex[i] === '\\') i++;
    else if (tex[i] === '{') braces++;
    else if (tex[i] === '}') braces--;
  }
  if (open < 0) return terms;
  let depth = 0, close = -1;
  for (let i = open; i < tex.length; i++) {
    if (tex.startsWith('\\left', i)) depth++;
    else if (tex.startsWith('\\right', i) && --depth === 0) { close = i; break; }
  }
  if (close < 0) return terms;
  const inner = topLevelTerms(tex.slice(open + '\\left('.length, close));
  if (inner.length < 2) return terms;
  // Around a fraction a \\bigl( is shorter than the \\left( it replaces; \\Bigl( keeps it about as tall.
  const size = /\\frac/.test(tex.slice(open, close)) ? 'Big' : 'big';
  const head = `${tex.slice(0, open)}\\${size}l(`, tail = `\\${size}r)${tex.slice(close + '\\right)'.length)}`;
  return inner.map((t, i) => `${i === 0 ? head : ''}${t}${i === inner.length - 1 ? tail : ''}`);
}

/** At most this many stacked lines in a cell; a formula that needs more reads better in the block. */
export const MAX_CELL_LINES = 3;
/** A continuation line is indented by \quad (1 em). */
const INDENT_EM = 1;

/**
 * The lines a formula breaks into so that each is at most `capacityEm` wide (continuation lines one
 * \quad narrower), or null when some piece cannot be broken small enough.
 */
export function breakLines(tex: string, capacityEm: number, display = false): string[] | null {
  const em = (t: string) => texEm(t, display);
  if (em(tex) <= capacityEm) return [tex];
  const pieces = breakPieces(tex);
  if (pieces.length < 2) return null;
  const lines: string[] = [];
  let line = '';
  const room = () => capacityEm - (lines.length > 0 ? INDENT_EM : 0);
  for (const piece of pieces) {
    const joined = line ? `${line} ${piece}` : piece;
    if (em(joined) <= room()) { line = joined; continue; }
    if (line) { lines.push(line); line = ''; }
    if (em(piece) <= room()) { line = piece; continue; }
    // A piece wider than a whole line: break it on its own, at the next level in.
    const sub = breakLines(piece, capacityEm - INDENT_EM, display);
    if (!sub) return null;
    lines.push(...sub.slice(0, -1));
    line = sub[sub.length - 1];
  }
  if (line) lines.push(line);
  return lines;
}

/** A formula moved out of its cell: its label (E1, E2, … in table order), what it is, and its lines. */
export interface BlockEntry {
  readonly label: string;
  /** LaTeX of the left-hand side, e.g. `d_w`. */
  readonly lhs: string;
  /** Which sub-row it comes from, where the loss has several (e.g. "regime 2"), else null. */
  readonly where: string | null;
  /** Lines to set in display style; a line wider than the block is scaled down (and the LaTeX log says so). */
  readonly lines: readonly string[];
}

export type Placement =
  | { readonly kind: 'cell'; readonly lines: readonly string[] }
  | { readonly kind: 'block'; readonly entry: BlockEntry };

/** Collects the block entries of a table, numbering them in the order the cells are laid out. */
export class Blocks {
  private n = 0;
  private pending: BlockEntry[] = [];
  constructor(private readonly blockEm: number, private readonly labelEm: number) {}

  /** Place one formula: in its cell if it fits in at most `maxLines` lines, else in the block. */
  place(tex: string, capacityEm: number, lhs: string, where: string | null = null, maxLines = MAX_CELL_LINES): Placement {
    const lines = breakLines(tex, capacityEm);
    if (lines && lines.length <= maxLines) return { kind: 'cell', lines };
    // The block has the room to set fractions in display style, at the text's size.
    const room = this.blockEm - this.labelEm - texEm(`${lhs} = `) - texEm(where ?? '') * 0.9;
    const entry: BlockEntry = { label: `E${++this.n}`, lhs, where, lines: breakLines(tex, room, true) ?? [tex] };
    this.pending.push(entry);
    return { kind: 'block', entry };
  }

  /** The entries placed since the last call (one loss's block). */
  take(): BlockEntry[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}

/** The narrowest room (em) that holds a formula on at most 1, 2, … `maxLines` lines (Infinity: none does). */
export function cellNeeds(tex: string, maxLines = MAX_CELL_LINES): number[] {
  const full = texEm(tex);
  return Array.from({ length: maxLines }, (_, k) => {
    if (k === 0) return full;
    const fits = (w: number) => { const l = breakLines(tex, w); return l !== null && l.length <= k + 1; };
    if (!fits(full)) return Infinity;
    let lo = 0, hi = full;
    for (let j = 0; j < 14; j++) { const mid = (lo + hi) / 2; if (fits(mid)) hi = mid; else lo = mid; }
    return hi;
  });
}

export interface ColumnDemand {
  /** A column that cannot break (a loss's name and key) has this width and takes no share of the rest. */
  readonly fixed?: number;
  /** The narrowest the column may be (its header), in em. */
  readonly min: number;
  /** Each cell's `cellNeeds`. */
  readonly cells: readonly (readonly number[])[];
}

/** How well a formula reads in its cell on 1, 2, 3 lines; moved to the block it scores 0. */
const LINE_SCORE = [1, 0.8, 0.55];

/** The score of a column's cells at a width: each cell by the fewest lines it fits on there. */
function columnScore(c: ColumnDemand, width: number, padEm: number): number {
  return c.cells.reduce((s, needs) => {
    const k = needs.findIndex((n) => n + padEm <= width);
    return s + (k < 0 ? 0 : LINE_SCORE[Math.min(k, LINE_SCORE.length - 1)]);
  }, 0);
}

/**
 * Column widths (em, padding included) that share out a line of `lineEm` where the cells read best:
 * fixed columns get their width; the others start at their minimum and the rest of the line goes, a
 * step at a time, where it raises the cells' score (LINE_SCORE: one line best, the block worst) most
 * per em — a step widens one column to a width at which one of its cells needs a line fewer. Then width
 * is moved between columns for as long as that raises the total. So a column of short cells is never
 * starved by one monster formula elsewhere: that formula goes to the block. Room no step can use is
 * shared out evenly.
 */
export function shareLine(columns: readonly ColumnDemand[], lineEm: number, padEm: number): number[] {
  const widths = columns.map((c) => c.fixed ?? c.min + padEm);
  let room = lineEm - widths.reduce((s, w) => s + w, 0);
  const steps = (c: ColumnDemand) => [...new Set(c.cells.flat().filter(Number.isFinite).map((n) => n + padEm))].sort((x, y) => x - y);
  const flexible = columns.map((_, i) => i).filter((i) => columns[i].fixed === undefined);
  const score = (i: number, w: number) => columnScore(columns[i], w, padEm);
  for (;;) {
    let best: { i: number; to: number; rate: number } | undefined;
    for (const i of flexible) {
      const now = score(i, widths[i]);
      for (const to of steps(columns[i])) {
        const cost = to - widths[i];
        if (cost <= 0 || cost > room) continue;
        const rate = (score(i, to) - now) / cost;
        if (rate > 0 && (!best || rate > best.rate)) best = { i, to, rate };
      }
    }
    if (!best) break;
    room -= best.to - widths[best.i];
    widths[best.i] = best.to;
  }
  // Local search: widen one column to its next step, paying with width from another (and spare room).
  for (let round = 0; round < 200; round++) {
    let best: { gain: number; i: number; to: number; j: number; jTo: number } | undefined;
    for (const i of flexible) {
      for (const to of steps(columns[i]).filter((x) => x > widths[i]).slice(0, 3)) {
        const need = to - widths[i] - room;
        for (const j of flexible) {
          if (j === i) continue;
          const jTo = widths[j] - Math.max(0, need);
          if (jTo < columns[j].min + padEm) continue;
          const gain = score(i, to) - score(i, widths[i]) + score(j, jTo) - score(j, widths[j]);
          if (gain > 1e-9 && (!best || gain > best.gain)) best = { gain, i, to, j, jTo };
        }
      }
    }
    if (!best) break;
    room -= best.to - widths[best.i] - (widths[best.j] - best.jTo);
    widths[best.i] = best.to;
    widths[best.j] = best.jTo;
  }
  return widths.map((w, i) => (columns[i].fixed === undefined ? w + room / flexible.length : w));
}
