// Table 1, Table 2 and the table of losses over ranked responses as a self-contained HTML page, rendered server-side with KaTeX. Each loss links
// to its derivation page (derivations/<id>.html); a loss with several regimes is one <tbody>.

import type { Table1 } from './cases.js';
import { type ColumnId, REGIME_COLUMNS, columnById } from './columns.js';
import { escapeHtml, renderMath } from './katex.js';
import { type BlockEntry, Blocks, type Placement } from './layout.js';
import type { BranchCell, LossRow, RegimeRow, Table2 } from './model.js';
import { fileId, htmlProse, page } from './html-page.js';
import { RANKED_LEGEND_TEX, type RankedTable, rankedNote, weightHeads } from './ranked.js';

export const derivationHref = (id: string) => `derivations/${fileId(id)}.html`;

// A page's table is fluid, so its cells get a fixed room: a formula wider than CELL_EM (in KaTeX's em,
// which has Computer Modern's widths) is broken over lines or moved to the loss's block, whose lines are
// at most BLOCK_EM wide — the same decision as the LaTeX table's (layout.ts).
const CELL_EM = 18, BLOCK_EM = 56, LABEL_EM = 3.2;

const cellLines = (lines: readonly string[]) => lines.map((l, i) => renderMath(`${i > 0 ? '\\quad ' : ''}${l}`)).join('<br>');

/** Lays out one table's cells; moved formulas are linked by an anchor unique to their loss. */
class Cells {
  readonly blocks = new Blocks(BLOCK_EM, LABEL_EM);
  anchor = '';
  placed(p: Placement): string {
    return p.kind === 'cell' ? cellLines(p.lines) : `<a href="#${this.anchor}-${p.entry.label}">see ${p.entry.label}</a>`;
  }
  math(tex: string, lhs: string, where: string | null): string {
    return this.placed(this.blocks.place(tex, CELL_EM, lhs, where));
  }
  branches(col: ColumnId, bs: readonly BranchCell[], where: string | null): string {
    const eq = /\((\d+)\)/.exec(columnById(col).tex)?.[1];
    const one = (b: BranchCell, label: boolean) => {
      const at = [where, label ? b.when.text : null].filter(Boolean).join(', ');
      // A condition reads as one inequality: one line, or the block.
      const p = this.blocks.place(b.bound.tex, CELL_EM, '', `condition (${eq})${at ? ` (${at})` : ''}`, 1);
      return `${label ? `${renderMath(b.when.tex)}: ` : ''}${this.placed(p)}`;
    };
    if (bs.length === 1 && bs[0].when.text.endsWith('> 0')) return one(bs[0], false);
    return bs.map((b) => one(b, true)).join('<br>');
  }
}

/** One loss's block: a row across the table with each moved formula, labelled and broken to the line. */
function blockRow(n: number, anchor: string, entries: readonly BlockEntry[]): string {
  if (!entries.length) return '';
  const items = entries.map((e) => `<div class="eq-entry" id="${anchor}-${e.label}"><span class="eq-label">${e.label}</span>${e.where ? `${htmlProse(e.where)}: ` : ''}`
    + `${e.lines.map((l, i) => renderMath(`\\displaystyle ${i === 0 ? (e.lhs ? `${e.lhs} = ` : '') : '\\quad '}${l}`)).join('<br>')}</div>`);
  return `<tr class="block"><td colspan="${n}">${items.join('')}</td></tr>`;
}

function regimeCell(cells: Cells, c: ColumnId, r: RegimeRow, where: string | null): string {
  switch (c) {
    case 'regime': return r.label.text === 'everywhere' ? 'everywhere' : cells.math(r.label.tex, '', where ?? 'regime');
    case 'dW': return cells.math(r.dW.tex, 'd_w', where);
    case 'dL': return cells.math(r.dL.tex, 'd_l', where);
    case 'ratio': return r.ratio ? cells.math(r.ratio.tex, 'd_w / d_l', where) : `undefined (${renderMath('d_l \\equiv 0')})`;
    case 'chosenUp': return cells.branches(c, r.chosenUp, where);
    case 'rejectedDown': return cells.branches(c, r.rejectedDown, where);
    default: return '';
  }
}

const SLOT_LHS = { m: 'm(a)', h_w: 'h_w(a)', h_l: 'h_l(a)', Lambda: '\\Lambda(a)', Lambda_l: '\\Lambda_l(a)' } as const;

function lossCell(cells: Cells, c: ColumnId, row: LossRow, links: boolean): string {
  switch (c) {
    case 'loss': {
      const name = links ? `<a href="${derivationHref(row.id)}">${escapeHtml(row.name)}</a>` : escapeHtml(row.name);
      return `${name}${row.footnote ? `<sup><a href="#note-${row.footnote}">${row.footnote}</a></sup>` : ''}${row.citation ? `<br><small>[${escapeHtml(row.citation.key)}]</small>` : ''}`;
    }
    case 'Lambda': case 'Lambda_l': return row.slots[c].text === '0' ? '—' : cells.math(row.slots[c].tex, SLOT_LHS[c], null);
    case 'm': case 'h_w': case 'h_l': return cells.math(row.slots[c].tex, SLOT_LHS[c], null);
    default: return '';
  }
}

export function table2Html(t: Table2, cols: readonly ColumnId[], o: { cssHref: string; links: boolean; title?: string }): string {
  const head = `<thead><tr>${cols.map((c) => `<th>${renderMath(columnById(c).tex)}</th>`).join('')}</tr></thead>`;
  const cells = new Cells();
  const bodies = t.rows.map((row) => {
    cells.anchor = fileId(row.id);
    const regimes = cols.some((c) => REGIME_COLUMNS.has(c)) ? row.regimes : row.regimes.slice(0, 1);
    const trs = regimes.map((r, j) => {
      const where = regimes.length > 1 ? `regime ${j + 1}` : null;
      return `<tr>${cols.map((c) => `<td>${REGIME_COLUMNS.has(c) ? regimeCell(cells, c, r, where) : j === 0 ? lossCell(cells, c, row, o.links) : ''}</td>`).join('')}</tr>`;
    });
    trs.push(blockRow(cols.length, cells.anchor, cells.blocks.take()));
    return `<tbody class="loss" id="${cells.anchor}">${trs.filter(Boolean).join('\n')}</tbody>`;
  });
  const body = [
    `<h1>${escapeHtml(o.title ?? 'Table 2, derived')}</h1>`,
    `<p>${renderMath('\\mathbf{a} = \\nabla_\\theta\\log\\pi_w')}, ${renderMath('\\mathbf{b} = \\nabla_\\theta\\log\\pi_l')}; ${renderMath('d_w')}, ${renderMath('d_l')} are derived from each loss in the convention of eq. (8). A loss with hinges has one row per regime. Conditions show the ${renderMath('d > 0')} branch of eqs. (9), (10); a ${renderMath('d < 0')} branch appears where the direction audit (${t.audit.samples} samples, seed ${t.audit.seed}) found the divisor negative. Each loss links to its full derivation.</p>`,
    `<table>${head}\n${bodies.join('\n')}</table>`,
    t.footnotes.length ? `<ol class="note">${t.footnotes.map((f) => `<li id="note-${f.number}" value="${f.number}">${htmlProse(f.text)}</li>`).join('\n')}</ol>` : '',
  ];
  return page(o.title ?? 'Table 2, derived', o.cssHref, body.join('\n'));
}

export function table1Html(t: Table1, o: { cssHref: string; links: boolean; title?: string }): string {
  const head = `<thead><tr>${['Loss', 'Regime', 'Signs', 'Case', renderMath('\\Delta\\log\\pi_w, \\Delta\\log\\pi_l'), renderMath('\\log\\pi_w, \\log\\pi_l'), 'Condition'].map((h) => `<th>${h}</th>`).join('')}</tr></thead>`;
  const cells = new Cells();
  const bodies = t.groups.map((g, gi) => {
    // A loss has one group per regime and sign pattern: each group's block gets anchors of its own.
    cells.anchor = `${fileId(g.lossId)}-${gi + 1}`;
    const rows = g.cases.map((k, j) => {
      const first = j === 0;
      const name = o.links ? `<a href="${derivationHref(g.lossId)}">${escapeHtml(g.name)}</a>` : escapeHtml(g.name);
      // Placed once per group: a moved formula must get one label, not one per case row.
      const regime = !first ? '' : g.regime.text === 'everywhere' ? 'everywhere' : cells.math(g.regime.tex, '', 'regime');
      const signs = !first ? '' : `${renderMath(g.signs.tex)}${g.ratio ? `<br>${cells.math(`d_w/d_l = ${g.ratio.tex}`, '', null)}` : ''}`;
      return `<tr${k.impossible ? ' class="impossible"' : ''}><td>${first ? name : ''}</td><td>${regime}</td><td>${signs}</td><td>${k.id}</td>`
        + `<td>${renderMath(k.change.tex)}</td><td>${renderMath(k.arrows.tex)}</td><td>${cells.math(k.condition.tex, '', `case ${k.id}`)}${k.impossible ? `<br><span class="note">${htmlProse(k.impossible)}</span>` : ''}</td></tr>`;
    });
    rows.push(blockRow(7, cells.anchor, cells.blocks.take()));
    return `<tbody class="loss">${rows.filter(Boolean).join('\n')}</tbody>`;
  });
  const body = [`<h1>${escapeHtml(o.title ?? 'Table 1, generalised')}</h1>`,
    `<p>${renderMath('\\mathbf{a} = \\nabla_\\theta\\log\\pi_w')}, ${renderMath('\\mathbf{b} = \\nabla_\\theta\\log\\pi_l')}. Case 4 cannot occur when ${renderMath('d_w, d_l > 0')} (Cauchy–Schwarz). Sign patterns are those the direction audit sampled (${t.audit.samples} samples, seed ${t.audit.seed}).</p>`,
    `<table>${head}\n${bodies.join('\n')}</table>`];
  return page(o.title ?? 'Table 1, generalised', o.cssHref, body.join('\n'));
}

/** The table of losses over K ranked responses: loss, K, (regime,) d_1 … d_K; no derivation pages to link (derive prints them). */
export function rankedHtml(t: RankedTable, o: { cssHref: string; title?: string }): string {
  const regimes = t.rows.some((r) => r.regimes.length > 1);
  const heads = weightHeads(t.responses);
  const n = 2 + (regimes ? 1 : 0) + heads.length;
  const head = `<thead><tr>${['Loss', renderMath('K'), ...(regimes ? ['Regime'] : []), ...heads.map((h) => renderMath(h.tex))].map((h) => `<th>${h}</th>`).join('')}</tr></thead>`;
  const cells = new Cells();
  const bodies = t.rows.map((row) => {
    cells.anchor = fileId(row.id);
    const trs = row.regimes.map((g, j) => {
      const where = row.regimes.length > 1 ? `regime ${j + 1}` : null;
      const loss = j === 0 ? [`${escapeHtml(row.name)}${row.citation ? `<br><small>[${escapeHtml(row.citation.key)}]</small>` : ''}`, String(row.K)] : ['', ''];
      const regime = regimes ? [g.label.text === 'everywhere' ? 'everywhere' : cells.math(g.label.tex, '', where ?? 'regime')] : [];
      return `<tr>${[...loss, ...regime, ...heads.map((h, k) => (k < row.K ? cells.math(g.d[k].tex, h.tex, where) : ''))].map((c) => `<td>${c}</td>`).join('')}</tr>`;
    });
    trs.push(blockRow(n, cells.anchor, cells.blocks.take()));
    return `<tbody class="loss" id="${cells.anchor}">${trs.filter(Boolean).join('\n')}</tbody>`;
  });
  const title = o.title ?? 'Losses over ranked responses, derived';
  return page(title, o.cssHref, [`<h1>${escapeHtml(title)}</h1>`,
    `<p>${renderMath(RANKED_LEGEND_TEX)}, derived from each loss over ${renderMath('K')} ranked responses. ${rankedNote(renderMath, (c) => `<code>${escapeHtml(c)}</code>`)} A loss with hinges has one row per regime.</p>`,
    `<table>${head}\n${bodies.join('\n')}</table>`].join('\n'));
}
