// Table 1 and Table 2 as LaTeX. The fragment is a booktabs `tabular` to \input inside the reader's own
// table (packages listed in its first line); --standalone wraps the same rows in a landscape longtable
// document that compiles on its own. Cells are p-columns sized as fractions of \linewidth; a long sum
// is broken at its top-level + and − into stacked lines, and whatever still exceeds its column is
// scaled down to fit by \mlfit, so the table never makes an overfull box.

import { type ColumnId, REGIME_COLUMNS, columnById } from './columns.js';
import type { Table1 } from './cases.js';
import { texWidth } from './display.js';
import { latexText } from './latex-text.js';
import type { BranchCell, LossRow, RegimeRow, Table2 } from './model.js';
import type { Rendered } from '../notation.js';

/** Bounds on a column's share of the line, in glyphs: its widest cell, but never below MIN or above MAX. */
const MIN_GLYPHS = 7, MAX_GLYPHS = 34;
/** Landscape A4 at \footnotesize: roughly this many glyphs per unit of \linewidth. */
const GLYPHS_PER_LINE = 150;

export const PREAMBLE_PACKAGES = ['booktabs', 'amsmath', 'amssymb', 'array', 'longtable', 'graphicx'];

/** \\mlfitbox sets #1 in a box, scaled down to the column width only when it would not fit; \\mlfit does so for math. */
export const MLFIT = [
  '\\providecommand{\\mlfitbox}[1]{\\sbox0{#1}\\ifdim\\wd0>\\linewidth\\resizebox{\\linewidth}{!}{\\usebox0}\\else\\usebox0\\fi}%',
  '\\providecommand{\\mlfit}[1]{\\mlfitbox{$#1$}}%',
].join('\n');

/** p-columns whose widths are the given shares of \\linewidth. */
function colSpec(shares: readonly number[]): string {
  return shares.map((f) => `>{\\raggedright\\arraybackslash}p{\\dimexpr ${f.toFixed(4)}\\linewidth-2\\tabcolsep\\relax}`).join('');
}

/** Each column's share of the line, from the natural width of its widest cell (clamped). */
function sharesFrom(widths: readonly number[]): number[] {
  const w = widths.map((x) => Math.min(MAX_GLYPHS, Math.max(MIN_GLYPHS, x)));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
}

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
  const head = `${tex.slice(0, open)}\\bigl(`, tail = `\\bigr)${tex.slice(close + '\\right)'.length)}`;
  return inner.map((t, i) => `${i === 0 ? head : ''}${t}${i === inner.length - 1 ? tail : ''}`);
}

/** A math cell: one line when it fits, else broken into stacked lines, each line fitted. */
export function mathCell(tex: string, share: number): string {
  const capacity = share * GLYPHS_PER_LINE;
  if (texWidth(tex) <= capacity) return `\\mlfit{${tex}}`;
  const lines: string[] = [];
  let line = '';
  for (const t of breakPieces(tex)) {
    if (line && texWidth(line + t) > capacity) { lines.push(line); line = ''; }
    line = line ? `${line} ${t}` : t;
  }
  lines.push(line);
  return lines.map((l, i) => `\\mlfit{${i > 0 ? '\\quad ' : ''}${l}}`).join('\\newline ');
}

const citeKey = (key: string | null | undefined) => (key ? `\\newline\\mlfitbox{\\tiny\\texttt{[${latexText(key)}]}}` : '');
const cite = (r: { name: string; citation: { key: string } | null }, mark = '') => `${latexText(r.name)}${mark}${citeKey(r.citation?.key)}`;

function branches(bs: readonly BranchCell[]): string {
  // A single d > 0 branch is the paper's case and needs no label; otherwise each branch says when it applies.
  // A condition is read as one inequality, so it is fitted whole rather than broken.
  if (bs.length === 1 && bs[0].when.text.endsWith('> 0')) return `\\mlfit{${bs[0].bound.tex}}`;
  return bs.map((b) => `\\mlfit{${b.when.tex}:}\\newline \\mlfit{${b.bound.tex}}`).join('\\newline ');
}

function regimeCell(c: ColumnId, r: RegimeRow, share: number): string {
  switch (c) {
    case 'regime': return r.label.text === 'everywhere' ? '' : mathCell(r.label.tex, share);
    case 'dW': return mathCell(r.dW.tex, share);
    case 'dL': return mathCell(r.dL.tex, share);
    case 'ratio': return r.ratio ? mathCell(r.ratio.tex, share) : '\\emph{undefined} ($d_l \\equiv 0$)';
    case 'chosenUp': return branches(r.chosenUp);
    case 'rejectedDown': return branches(r.rejectedDown);
    default: return '';
  }
}

function lossCell(c: ColumnId, row: LossRow, share: number): string {
  switch (c) {
    case 'loss': return cite(row, row.footnote ? `\\textsuperscript{${row.footnote}}` : '');
    case 'm': return mathCell(row.slots.m.tex, share);
    case 'h_w': return mathCell(row.slots.h_w.tex, share);
    case 'h_l': return mathCell(row.slots.h_l.tex, share);
    case 'Lambda': return row.slots.Lambda.text === '0' ? '---' : mathCell(row.slots.Lambda.tex, share);
    default: return '';
  }
}

/** The LaTeX of every cell a column holds, for sizing it. */
function columnTex(t: Table2, c: ColumnId): string[] {
  return t.rows.flatMap((row) => {
    switch (c) {
      // Names are text, set wider than math glyphs, and break only between words: pad the longest word.
      case 'loss': return [`${'x'.repeat(Math.ceil(1.6 * Math.max(...row.name.split(/\s+/).map((w) => w.length)) + 4))}`];
      case 'm': case 'h_w': case 'h_l': case 'Lambda': return [row.slots[c].tex];
      case 'regime': return row.regimes.map((r) => r.label.tex);
      case 'dW': case 'dL': return row.regimes.map((r) => r[c].tex);
      case 'ratio': return row.regimes.map((r) => r.ratio?.tex ?? 'undefined');
      case 'chosenUp': case 'rejectedDown': return row.regimes.flatMap((r) => r[c].map((b) => b.bound.tex));
    }
  });
}

function table2Shares(t: Table2, cols: readonly ColumnId[]): Record<string, number> {
  const f = sharesFrom(cols.map((c) => Math.max(texWidth(columnById(c).tex) + 1, ...columnTex(t, c).map(texWidth))));
  return Object.fromEntries(cols.map((c, i) => [c, f[i]]));
}

function table2Rows(t: Table2, cols: readonly ColumnId[]): string[] {
  const sh = table2Shares(t, cols);
  const hasRegimeCols = cols.some((c) => REGIME_COLUMNS.has(c));
  const lines: string[] = [];
  t.rows.forEach((row, i) => {
    const regimes = hasRegimeCols ? row.regimes : row.regimes.slice(0, 1);
    regimes.forEach((r, j) => {
      const cells = cols.map((c) => (REGIME_COLUMNS.has(c) ? regimeCell(c, r, sh[c]) : j === 0 ? lossCell(c, row, sh[c]) : ''));
      lines.push(`${cells.join(' & ')} \\\\`);
    });
    if (i < t.rows.length - 1) lines.push('\\midrule');
  });
  return lines;
}

function notesRow(n: number, notes: readonly string[]): string[] {
  if (!notes.length) return [];
  return [`\\multicolumn{${n}}{@{}p{\\linewidth}@{}}{\\scriptsize ${notes.join(' \\par ')}} \\\\`];
}

function header(cols: readonly ColumnId[]): string {
  return `${cols.map((c) => `\\mlfit{${columnById(c).tex}}`).join(' & ')} \\\\`;
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
    ...t.footnotes.map((f) => `\\textsuperscript{${f.number}}~${latexText(f.text)}`),
  ];
  const sh = table2Shares(t, cols);
  return wrap({ spec: colSpec(cols.map((c) => sh[c])), head: header(cols), rows: table2Rows(t, cols), notes: notesRow(cols.length, notes),
    caption: o.title ?? 'Table 2, derived: margin-based preference losses, their gradient weights and conditions (9), (10).' }, o);
}

const CASE_SHARE = [0.09, 0.12, 0.12, 0.04, 0.16, 0.12, 0.35];

function cell1(r: Rendered, share: number): string { return mathCell(r.tex, share); }

export function table1Latex(t: Table1, o: LatexOptions = {}): string {
  const spec = colSpec(CASE_SHARE);
  const head = ['Loss', 'Regime', 'Signs', 'Case', '$\\Delta\\log\\pi_w, \\Delta\\log\\pi_l$', '$\\log\\pi_w, \\log\\pi_l$', 'Condition'].join(' & ') + ' \\\\';
  const rows: string[] = [];
  t.groups.forEach((g, i) => {
    g.cases.forEach((k, j) => {
      const first = j === 0;
      const cond = k.impossible ? `${cell1(k.condition, CASE_SHARE[6])}\\newline {\\scriptsize\\emph{${latexText(k.impossible)}}}` : cell1(k.condition, CASE_SHARE[6]);
      rows.push([
        first ? `${latexText(g.name)}${citeKey(g.citeKey)}` : '',
        first ? (g.regime.text === 'everywhere' ? '' : cell1(g.regime, CASE_SHARE[1])) : '',
        first ? `${cell1(g.signs, CASE_SHARE[2])}${g.ratio ? `\\newline ${mathCell(`d_w/d_l = ${g.ratio.tex}`, CASE_SHARE[2])}` : ''}` : '',
        String(k.id), cell1(k.change, CASE_SHARE[4]), cell1(k.arrows, CASE_SHARE[5]), cond,
      ].join(' & ') + ' \\\\');
    });
    if (i < t.groups.length - 1) rows.push('\\midrule');
  });
  const notes = notesRow(7, [`${LEGEND}. Case 4 cannot occur when $d_w, d_l > 0$ (Cauchy--Schwarz). Sign patterns are those the direction audit sampled (${t.audit.samples} samples, seed ${t.audit.seed}); the ordering $\\Delta\\log\\pi_w \\ge \\Delta\\log\\pi_l$ of the paper's Table 1 follows from eq.~(6) only when $d_w = d_l$.`]);
  return wrap({ spec, head, rows, notes, caption: o.title ?? 'Table 1, generalised: the four cases of a first-order step and the condition on $\\langle \\mathbf{a}, \\mathbf{b} \\rangle$ for each.' }, o);
}
