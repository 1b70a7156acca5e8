// Table 1 and Table 2 as a self-contained HTML page, rendered server-side with KaTeX. Each loss links
// to its derivation page (derivations/<id>.html); a loss with several regimes is one <tbody>.

import type { Table1 } from './cases.js';
import { type ColumnId, REGIME_COLUMNS, columnById } from './columns.js';
import { escapeHtml, renderMath } from './katex.js';
import type { BranchCell, LossRow, RegimeRow, Table2 } from './model.js';
import { page } from './html-page.js';

export const derivationHref = (id: string) => `derivations/${encodeURIComponent(id)}.html`;

function branches(bs: readonly BranchCell[]): string {
  if (bs.length === 1 && bs[0].when.text.endsWith('> 0')) return renderMath(bs[0].bound.tex);
  return bs.map((b) => `${renderMath(b.when.tex)}: ${renderMath(b.bound.tex)}`).join('<br>');
}

function regimeCell(c: ColumnId, r: RegimeRow): string {
  switch (c) {
    case 'regime': return r.label.text === 'everywhere' ? 'everywhere' : renderMath(r.label.tex);
    case 'dW': return renderMath(r.dW.tex);
    case 'dL': return renderMath(r.dL.tex);
    case 'ratio': return r.ratio ? renderMath(r.ratio.tex) : `undefined (${renderMath('d_l \\equiv 0')})`;
    case 'chosenUp': return branches(r.chosenUp);
    case 'rejectedDown': return branches(r.rejectedDown);
    default: return '';
  }
}

function lossCell(c: ColumnId, row: LossRow, links: boolean): string {
  switch (c) {
    case 'loss': {
      const name = links ? `<a href="${derivationHref(row.id)}">${escapeHtml(row.name)}</a>` : escapeHtml(row.name);
      return `${name}${row.footnote ? `<sup><a href="#note-${row.footnote}">${row.footnote}</a></sup>` : ''}${row.citation ? `<br><small>[${escapeHtml(row.citation.key)}]</small>` : ''}`;
    }
    case 'Lambda': return row.slots.Lambda.text === '0' ? '—' : renderMath(row.slots.Lambda.tex);
    case 'm': case 'h_w': case 'h_l': return renderMath(row.slots[c].tex);
    default: return '';
  }
}

export function table2Html(t: Table2, cols: readonly ColumnId[], o: { cssHref: string; links: boolean; title?: string }): string {
  const head = `<thead><tr>${cols.map((c) => `<th>${renderMath(columnById(c).tex)}</th>`).join('')}</tr></thead>`;
  const bodies = t.rows.map((row) => {
    const regimes = cols.some((c) => REGIME_COLUMNS.has(c)) ? row.regimes : row.regimes.slice(0, 1);
    const trs = regimes.map((r, j) => `<tr>${cols.map((c) => `<td>${REGIME_COLUMNS.has(c) ? regimeCell(c, r) : j === 0 ? lossCell(c, row, o.links) : ''}</td>`).join('')}</tr>`);
    return `<tbody class="loss" id="${escapeHtml(row.id)}">${trs.join('\n')}</tbody>`;
  });
  const body = [
    `<h1>${escapeHtml(o.title ?? 'Table 2, derived')}</h1>`,
    `<p>${renderMath('\\mathbf{a} = \\nabla_\\theta\\log\\pi_w')}, ${renderMath('\\mathbf{b} = \\nabla_\\theta\\log\\pi_l')}; ${renderMath('d_w')}, ${renderMath('d_l')} are derived from each loss in the convention of eq. (8). A loss with hinges has one row per regime. Conditions show the ${renderMath('d > 0')} branch of eqs. (9), (10); a ${renderMath('d < 0')} branch appears where the direction audit (${t.audit.samples} samples, seed ${t.audit.seed}) found the divisor negative. Each loss links to its full derivation.</p>`,
    `<table>${head}\n${bodies.join('\n')}</table>`,
    t.footnotes.length ? `<ol class="note">${t.footnotes.map((f) => `<li id="note-${f.number}" value="${f.number}">${escapeHtml(f.text)}</li>`).join('\n')}</ol>` : '',
  ];
  return page(o.title ?? 'Table 2, derived', o.cssHref, body.join('\n'));
}

export function table1Html(t: Table1, o: { cssHref: string; links: boolean; title?: string }): string {
  const head = `<thead><tr>${['Loss', 'Regime', 'Signs', 'Case', renderMath('\\Delta\\log\\pi_w, \\Delta\\log\\pi_l'), renderMath('\\log\\pi_w, \\log\\pi_l'), 'Condition'].map((h) => `<th>${h}</th>`).join('')}</tr></thead>`;
  const bodies = t.groups.map((g) => `<tbody class="loss">${g.cases.map((k, j) => {
    const first = j === 0;
    const name = o.links ? `<a href="${derivationHref(g.lossId)}">${escapeHtml(g.name)}</a>` : escapeHtml(g.name);
    return `<tr${k.impossible ? ' class="impossible"' : ''}><td>${first ? name : ''}</td><td>${first ? (g.regime.text === 'everywhere' ? 'everywhere' : renderMath(g.regime.tex)) : ''}</td>`
      + `<td>${first ? `${renderMath(g.signs.tex)}${g.ratio ? `<br>${renderMath(`d_w/d_l = ${g.ratio.tex}`)}` : ''}` : ''}</td><td>${k.id}</td>`
      + `<td>${renderMath(k.change.tex)}</td><td>${renderMath(k.arrows.tex)}</td><td>${renderMath(k.condition.tex)}${k.impossible ? `<br><span class="note">${escapeHtml(k.impossible)}</span>` : ''}</td></tr>`;
  }).join('\n')}</tbody>`);
  const body = [`<h1>${escapeHtml(o.title ?? 'Table 1, generalised')}</h1>`,
    `<p>${renderMath('\\mathbf{a} = \\nabla_\\theta\\log\\pi_w')}, ${renderMath('\\mathbf{b} = \\nabla_\\theta\\log\\pi_l')}. Case 4 cannot occur when ${renderMath('d_w, d_l > 0')} (Cauchy–Schwarz). Sign patterns are those the direction audit sampled (${t.audit.samples} samples, seed ${t.audit.seed}).</p>`,
    `<table>${head}\n${bodies.join('\n')}</table>`];
  return page(o.title ?? 'Table 1, generalised', o.cssHref, body.join('\n'));
}
