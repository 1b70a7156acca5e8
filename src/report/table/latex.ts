// Table 1, Table 2 and the table of losses over ranked responses as LaTeX. The fragment is a booktabs `tabular` to \input inside the reader's own
// table (packages listed in its first line); --standalone wraps the same rows in a landscape longtable
// document that compiles on its own. Cells are p-columns sized as fractions of \linewidth. Every cell is
// set at the table's own size: layout.ts breaks a long formula over stacked lines, or moves it to the
// loss's block (a full-width row under the loss) and leaves "see E3" in the cell. \mlfit stays as a guard
// only: should a formula still exceed its column it is scaled down rather than overflow, and the log gets
// a "marginlab: scaled" line, which the tests treat as a failure.

import { type ColumnId, REGIME_COLUMNS, columnById } from './columns.js';
import type { Table1 } from './cases.js';
import { type BlockEntry, Blocks, type ColumnDemand, MAX_CELL_LINES, type Placement, breakLines, cellNeeds, shareLine } from './layout.js';
import { latexProse, latexText } from './latex-text.js';
import type { BranchCell, LossRow, RegimeRow, Table2 } from './model.js';
import { texEm } from './tex-width.js';
import { RANKED_LEGEND_TEX, type RankedTable, rankedNote, weightHeads } from './ranked.js';

/** \linewidth of the standalone page (landscape A4, 1.2 cm margins), in pt. */
const LINE_PT = 776.7;
/** pt per em of the width model at \footnotesize: the most the model was seen to under-read (tex-width.ts). */
export const EM_PT = 9.4;
const LINE_EM = LINE_PT / EM_PT;
/** 2\tabcolsep (3 pt each side), in em. */
const PAD_EM = 6 / EM_PT;
/** The narrowest a column is made, in em. */
const MIN_EM = 3.5;
/** A condition (9)/(10) reads as one inequality: it stays on one line or goes to the block. */
const linesFor = (c: string) => (c === 'chosenUp' || c === 'rejectedDown' ? 1 : MAX_CELL_LINES);
/** The width a header needs on at most two lines. */
const headerEm = (tex: string) => cellNeeds(tex, 2).filter(Number.isFinite).pop() ?? texEm(tex);
/** Room for "E12" and a space before a block line's formula, in em (of the model), and as LaTeX. */
const LABEL_EM = 3;
const LABEL_TEX = '2.4em';
/** A row across the whole table, which is \\linewidth less the two outer \\tabcolsep that @{} removes. */
const FULL_WIDTH = 'p{\\dimexpr\\linewidth-2\\tabcolsep\\relax}';

export const PREAMBLE_PACKAGES = ['booktabs', 'amsmath', 'amssymb', 'array', 'longtable', 'graphicx'];

/**
 * \mlfitbox sets #1 in a box and, only when it would not fit the column, scales it down and says so in
 * the log; \mlfit does so for math.
 */
export const MLFIT = [
  '\\providecommand{\\mlfitbox}[1]{\\sbox0{#1}\\ifdim\\wd0>\\linewidth\\typeout{marginlab: scaled a cell of width \\the\\wd0\\space to \\the\\linewidth}\\resizebox{\\linewidth}{!}{\\usebox0}\\else\\usebox0\\fi}%',
  '\\providecommand{\\mlfit}[1]{\\mlfitbox{$#1$}}%',
].join('\n');

/** p-columns whose widths are the given shares of \\linewidth. */
function colSpec(shares: readonly number[]): string {
  return shares.map((f) => `>{\\raggedright\\arraybackslash}p{\\dimexpr ${f.toFixed(4)}\\linewidth-2\\tabcolsep\\relax}`).join('');
}

/** The room a column of this share gives a formula, in em. */
export const capacityEm = (share: number) => share * LINE_EM - PAD_EM;

const linesTex = (lines: readonly string[]) => lines.map((l, i) => `\\mlfit{${i > 0 ? '\\quad ' : ''}${l}}`).join('\\newline ');

/** A placed formula as cell content: its lines, or the reference to its block entry. */
function placed(p: Placement): string {
  return p.kind === 'cell' ? linesTex(p.lines) : `\\mbox{\\emph{see} ${p.entry.label}}`;
}

/** The formula of a header or a label: broken over lines if it must, never moved. */
function fitted(tex: string, share: number): string {
  return linesTex(breakLines(tex, capacityEm(share)) ?? [tex]);
}

/**
 * One loss's block: a full-width row with each moved formula, labelled, broken to the line. The row
 * before it ends in \\\\* so that a longtable does not break the page between a loss and its block.
 */
function withBlock(rows: string[], n: number, entries: readonly BlockEntry[]): void {
  if (!entries.length) return;
  rows[rows.length - 1] = rows[rows.length - 1].replace(/\\\\$/, '\\\\*');
  rows.push(...blockRow(n, entries));
}

function blockRow(n: number, entries: readonly BlockEntry[]): string[] {
  if (!entries.length) return [];
  const items = entries.map((e) => {
    const where = e.where ? `${latexProse(e.where)}:\\enspace ` : '';
    const lhs = e.lhs ? `${e.lhs} = {}` : '';
    return `\\makebox[${LABEL_TEX}][l]{${e.label}}${where}${e.lines.map((l, i) => `\\mlfit{\\displaystyle ${i === 0 ? lhs : '\\quad '}${l}}`).join(`\\newline\\hspace*{${LABEL_TEX}}`)}`;
  });
  return [`\\multicolumn{${n}}{@{}${FULL_WIDTH}@{}}{${items.join('\\par ')}} \\\\`];
}

// The key in \texttt at the table's size; a key like ethayarajh2024kto may break before its year, so
// that it does not set the column's width alone.
const keyParts = (key: string) => { const m = /^(\D+)(\d{4}.*)$/.exec(key); return m ? [`[${m[1]}`, `${m[2]}]`] : [`[${key}]`]; };
const citeKey = (key: string | null | undefined) => (key ? `\\newline\\texttt{${keyParts(key).map(latexText).join('\\allowbreak ')}}` : '');
const cite = (r: { name: string; citation: { key: string } | null }, mark = '') => `${latexText(r.name)}${mark}${citeKey(r.citation?.key)}`;
/** A key's width in em of the width model: cmtt8 sets 0.525 em of 8 pt a glyph. */
const keyEm = (key: string | null | undefined) => (key ? (Math.max(...keyParts(key).map((p) => p.length)) * 0.525 * 8.5) / EM_PT + 0.3 : 0);
/** A name's longest word, in em of upright text (names break only between words). */
const nameEm = (name: string) => Math.max(...name.split(/\s+/).map((w) => w.length)) * 0.55 + 1;

/** Lays out the cells of one table: each column's capacity, and the blocks moved formulas go to. */
class Cells {
  readonly blocks = new Blocks(LINE_EM - PAD_EM, LABEL_EM);
  constructor(private readonly shares: Readonly<Record<string, number>>) {}

  math(col: string, tex: string, lhs: string, where: string | null): string {
    return placed(this.blocks.place(tex, capacityEm(this.shares[col]), lhs, where));
  }

  branches(col: string, bs: readonly BranchCell[], where: string | null): string {
    // A single d > 0 branch is the paper's case and needs no label; otherwise each branch says when it applies.
    const cap = capacityEm(this.shares[col]);
    const head = columnById(col as ColumnId).tex;
    const one = (b: BranchCell, label: boolean) => {
      const at = [where, label ? b.when.text : null].filter(Boolean).join(', ') || null;
      const p = this.blocks.place(b.bound.tex, cap, '', `${stripTex(head)}${at ? ` (${at})` : ''}`, linesFor(col));
      return `${label ? `${fitted(`${b.when.tex}:`, this.shares[col])}\\newline ` : ''}${placed(p)}`;
    };
    if (bs.length === 1 && bs[0].when.text.endsWith('> 0')) return one(bs[0], false);
    return bs.map((b) => one(b, true)).join('\\newline ');
  }
}

/** A header as words for a block's "where": `\log\pi_w \uparrow \text{ (9)}` → `condition (9)`. */
function stripTex(head: string): string {
  const eq = /\((\d+)\)/.exec(head);
  return eq ? `condition (${eq[1]})` : head;
}

function regimeCell(cells: Cells, c: ColumnId, r: RegimeRow, where: string | null): string {
  switch (c) {
    case 'regime': return r.label.text === 'everywhere' ? '' : cells.math(c, r.label.tex, '', where ?? 'regime');
    case 'dW': return cells.math(c, r.dW.tex, 'd_w', where);
    case 'dL': return cells.math(c, r.dL.tex, 'd_l', where);
    case 'ratio': return r.ratio ? cells.math(c, r.ratio.tex, 'd_w / d_l', where) : '\\emph{undefined} ($d_l \\equiv 0$)';
    case 'chosenUp': return cells.branches(c, r.chosenUp, where);
    case 'rejectedDown': return cells.branches(c, r.rejectedDown, where);
    default: return '';
  }
}

function lossCell(cells: Cells, c: ColumnId, row: LossRow): string {
  switch (c) {
    case 'loss': return cite(row, row.footnote ? `\\textsuperscript{${row.footnote}}` : '');
    case 'm': return cells.math(c, row.slots.m.tex, 'm(a)', null);
    case 'h_w': return cells.math(c, row.slots.h_w.tex, 'h_w(a)', null);
    case 'h_l': return cells.math(c, row.slots.h_l.tex, 'h_l(a)', null);
    case 'Lambda': return row.slots.Lambda.text === '0' ? '---' : cells.math(c, row.slots.Lambda.tex, '\\Lambda(a)', null);
    case 'Lambda_l': return row.slots.Lambda_l.text === '0' ? '---' : cells.math(c, row.slots.Lambda_l.tex, '\\Lambda_l(a)', null);
    default: return '';
  }
}

/** The LaTeX of every cell a column holds, for sizing it. */
function columnTex(t: Table2, c: ColumnId): string[] {
  return t.rows.flatMap((row) => {
    switch (c) {
      case 'loss': return [];
      case 'm': case 'h_w': case 'h_l': case 'Lambda': case 'Lambda_l': return [row.slots[c].tex];
      case 'regime': return row.regimes.map((r) => r.label.tex);
      case 'dW': case 'dL': return row.regimes.map((r) => r[c].tex);
      case 'ratio': return row.regimes.map((r) => r.ratio?.tex ?? '\\text{undefined}');
      case 'chosenUp': case 'rejectedDown': return row.regimes.flatMap((r) => r[c].map((b) => b.bound.tex));
    }
  });
}

function table2Shares(t: Table2, cols: readonly ColumnId[]): Record<string, number> {
  const widths = shareLine(cols.map((c): ColumnDemand => (c === 'loss'
    ? { fixed: Math.max(3, ...t.rows.map((r) => Math.max(nameEm(r.name), keyEm(r.citation?.key)))) + PAD_EM, min: 0, cells: [] }
    : { min: Math.max(MIN_EM, headerEm(columnById(c).tex)), cells: columnTex(t, c).map((tex) => cellNeeds(tex, linesFor(c))) })), LINE_EM, PAD_EM);
  return Object.fromEntries(cols.map((c, i) => [c, widths[i] / LINE_EM]));
}

function table2Rows(t: Table2, cols: readonly ColumnId[], sh: Record<string, number>): string[] {
  const cells = new Cells(sh);
  const hasRegimeCols = cols.some((c) => REGIME_COLUMNS.has(c));
  const lines: string[] = [];
  t.rows.forEach((row, i) => {
    const regimes = hasRegimeCols ? row.regimes : row.regimes.slice(0, 1);
    regimes.forEach((r, j) => {
      const where = regimes.length > 1 ? `regime ${j + 1}` : null;
      const out = cols.map((c) => (REGIME_COLUMNS.has(c) ? regimeCell(cells, c, r, where) : j === 0 ? lossCell(cells, c, row) : ''));
      lines.push(`${out.join(' & ')} \\\\`);
    });
    withBlock(lines, cols.length, cells.blocks.take());
    if (i < t.rows.length - 1) lines.push('\\midrule');
  });
  return lines;
}

function notesRow(n: number, notes: readonly string[]): string[] {
  if (!notes.length) return [];
  // At the table's own size, like its cells: a footnote in \\scriptsize puts its subscripts at 5 pt.
  return [`\\multicolumn{${n}}{@{}${FULL_WIDTH}@{}}{${notes.join(' \\par ')}} \\\\`];
}

function header(cols: readonly ColumnId[], sh: Readonly<Record<string, number>>): string {
  return `${cols.map((c) => fitted(columnById(c).tex, sh[c])).join(' & ')} \\\\`;
}

export interface LatexOptions { readonly standalone?: boolean; readonly title?: string }

function wrap(body: { spec: string; head: string; rows: string[]; notes: string[]; caption: string }, o: LatexOptions): string {
  if (!o.standalone) {
    return [
      `% Generated by \`marginlab table\`; do not edit. Needs \\usepackage{${PREAMBLE_PACKAGES.join(',')}}.`,
      MLFIT,
      // The group keeps the narrower column padding from leaking into the reader's document.
      '\\begingroup\\setlength{\\tabcolsep}{3pt}\\renewcommand{\\arraystretch}{1.25}%',
      `\\begin{tabular}{@{}${body.spec}@{}}`, '\\toprule', body.head, '\\midrule', ...body.rows, '\\bottomrule', ...body.notes, '\\end{tabular}%', '\\endgroup', '',
    ].join('\n');
  }
  return [
    '% Generated by `marginlab table --standalone`; do not edit.',
    '\\documentclass[10pt]{article}',
    '\\usepackage[a4paper,landscape,margin=1.2cm]{geometry}',
    `\\usepackage{${PREAMBLE_PACKAGES.join(',')}}`,
    '\\pagestyle{empty}',
    MLFIT,
    '\\begin{document}',
    '\\footnotesize',
    '\\setlength{\\tabcolsep}{3pt}',
    '\\renewcommand{\\arraystretch}{1.25}',
    '\\setlength{\\LTcapwidth}{\\linewidth}',
    `\\begin{longtable}{@{}${body.spec}@{}}`,
    `\\caption*{${body.caption}}\\\\`,
    '\\toprule', body.head, '\\midrule', '\\endhead', '\\bottomrule', '\\endlastfoot',
    ...body.rows, '\\bottomrule', ...body.notes,
    '\\end{longtable}',
    '\\end{document}', '',
  ].join('\n');
}

const LEGEND = 'Here $\\mathbf{a} = \\nabla_\\theta\\log\\pi_w$, $\\mathbf{b} = \\nabla_\\theta\\log\\pi_l$';

export function table2Latex(t: Table2, cols: readonly ColumnId[], o: LatexOptions = {}): string {
  const notes = [
    `${LEGEND}; $d_w$, $d_l$ are derived from each loss in the convention of eq.~(8), $\\ell = -(m(h_w(\\log\\pi_w) - h_l(\\log\\pi_l)) + \\Lambda(\\log\\pi_w))$. `
      + `A loss with hinges has one sub-row per regime. Conditions show the branch $d > 0$ of eqs.~(9), (10); a branch for $d < 0$ appears where the direction audit (${t.audit.samples} seeded samples, seed ${t.audit.seed}) found the divisor negative, and $d = 0$ where it vanishes identically.`,
    ...t.footnotes.map((f) => `\\textsuperscript{${f.number}}~${latexProse(f.text)}`),
  ];
  const sh = table2Shares(t, cols);
  return wrap({ spec: colSpec(cols.map((c) => sh[c])), head: header(cols, sh), rows: table2Rows(t, cols, sh), notes: notesRow(cols.length, notes),
    caption: o.title ?? 'Table 2, derived: margin-based preference losses, their gradient weights and conditions (9), (10).' }, o);
}

const CASE_COLUMNS = ['loss', 'regime', 'signs', 'case', 'change', 'arrows', 'condition'] as const;
/** Table 1's columns besides the loss share the rest of the line in these proportions. */
const CASE_WEIGHT = { regime: 12, signs: 12, case: 4, change: 16, arrows: 12, condition: 35 } as const;

function caseShares(t: Table1): Readonly<Record<(typeof CASE_COLUMNS)[number], number>> {
  const loss = (Math.max(3, ...t.groups.map((g) => Math.max(nameEm(g.name), keyEm(g.citeKey)))) + PAD_EM) / LINE_EM;
  const total = Object.values(CASE_WEIGHT).reduce((s, w) => s + w, 0);
  return { loss, ...Object.fromEntries(Object.entries(CASE_WEIGHT).map(([c, w]) => [c, ((1 - loss) * w) / total])) } as Record<(typeof CASE_COLUMNS)[number], number>;
}

export function table1Latex(t: Table1, o: LatexOptions = {}): string {
  const CASE_SHARE = caseShares(t);
  const spec = colSpec(CASE_COLUMNS.map((c) => CASE_SHARE[c]));
  const head = ['Loss', 'Regime', 'Signs', 'Case', '$\\Delta\\log\\pi_w, \\Delta\\log\\pi_l$', '$\\log\\pi_w, \\log\\pi_l$', 'Condition'].join(' & ') + ' \\\\';
  const cells = new Cells(CASE_SHARE);
  const rows: string[] = [];
  t.groups.forEach((g, i) => {
    g.cases.forEach((k, j) => {
      const first = j === 0;
      const condition = cells.math('condition', k.condition.tex, '', `case ${k.id}`);
      const cond = k.impossible ? `${condition}\\newline \\emph{${latexProse(k.impossible)}}` : condition;
      rows.push([
        first ? `${latexText(g.name)}${citeKey(g.citeKey)}` : '',
        first ? (g.regime.text === 'everywhere' ? '' : cells.math('regime', g.regime.tex, '', 'regime')) : '',
        first ? `${fitted(g.signs.tex, CASE_SHARE.signs)}${g.ratio ? `\\newline ${cells.math('signs', `d_w/d_l = ${g.ratio.tex}`, '', null)}` : ''}` : '',
        String(k.id), fitted(k.change.tex, CASE_SHARE.change), fitted(k.arrows.tex, CASE_SHARE.arrows), cond,
      ].join(' & ') + ' \\\\');
    });
    withBlock(rows, CASE_COLUMNS.length, cells.blocks.take());
    if (i < t.groups.length - 1) rows.push('\\midrule');
  });
  const notes = notesRow(7, [`${LEGEND}. Case 4 cannot occur when $d_w, d_l > 0$ (Cauchy--Schwarz). Sign patterns are those the direction audit sampled (${t.audit.samples} samples, seed ${t.audit.seed}); the ordering $\\Delta\\log\\pi_w \\ge \\Delta\\log\\pi_l$ of the paper's Table 1 follows from eq.~(6) only when $d_w = d_l$.`]);
  return wrap({ spec, head, rows, notes, caption: o.title ?? 'Table 1, generalised: the four cases of a first-order step and the condition on $\\langle \\mathbf{a}, \\mathbf{b} \\rangle$ for each.' }, o);
}

/** The table of losses over K ranked responses: loss, K, (regime,) d_1 … d_K, one sub-row per regime. */
export function rankedLatex(t: RankedTable, o: LatexOptions = {}): string {
  const regimes = t.rows.some((r) => r.regimes.length > 1);
  const heads = weightHeads(t.responses);
  const cols = ['loss', 'K', ...(regimes ? ['regime'] : []), ...heads.map((h) => h.id)];
  const texOf = (c: string): string[] => t.rows.flatMap((r) => (c === 'regime' ? r.regimes.map((g) => g.label.tex)
    : r.regimes.flatMap((g) => { const k = heads.findIndex((h) => h.id === c); return k >= 0 && k < r.K ? [g.d[k].tex] : []; })));
  const widths = shareLine(cols.map((c): ColumnDemand => (c === 'loss'
    ? { fixed: Math.max(3, ...t.rows.map((r) => Math.max(nameEm(r.name), keyEm(r.citation?.key)))) + PAD_EM, min: 0, cells: [] }
    : c === 'K' ? { fixed: 1.5 + PAD_EM, min: 0, cells: [] }
      : { min: MIN_EM, cells: texOf(c).map((tex) => cellNeeds(tex, MAX_CELL_LINES)) })), LINE_EM, PAD_EM);
  const sh: Record<string, number> = Object.fromEntries(cols.map((c, i) => [c, widths[i] / LINE_EM]));
  const cells = new Cells(sh);
  const rows: string[] = [];
  t.rows.forEach((row, i) => {
    row.regimes.forEach((g, j) => {
      const where = row.regimes.length > 1 ? `regime ${j + 1}` : null;
      rows.push([
        j === 0 ? cite(row) : '', j === 0 ? String(row.K) : '',
        ...(regimes ? [g.label.text === 'everywhere' ? '' : cells.math('regime', g.label.tex, '', where ?? 'regime')] : []),
        ...heads.map((h, k) => (k < row.K ? cells.math(h.id, g.d[k].tex, h.tex, where) : '')),
      ].join(' & ') + ' \\\\');
    });
    withBlock(rows, cols.length, cells.blocks.take());
    if (i < t.rows.length - 1) rows.push('\\midrule');
  });
  const head = ['Loss', '$K$', ...(regimes ? ['Regime'] : []), ...heads.map((h) => fitted(h.tex, sh[h.id]))].join(' & ') + ' \\\\';
  const notes = notesRow(cols.length, [`$${RANKED_LEGEND_TEX}$, derived from each loss over $K$ ranked responses. ${rankedNote((tex) => `$${tex}$`, (c) => `\\texttt{${latexText(c)}}`)} A loss with hinges has one sub-row per regime.`]);
  return wrap({ spec: colSpec(cols.map((c) => sh[c])), head, rows, notes,
    caption: o.title ?? 'Losses over ranked responses, derived: the gradient weights $d_1, \\dots, d_K$.' }, o);
}
