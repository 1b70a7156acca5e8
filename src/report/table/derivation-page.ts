// One loss's full derivation as an HTML page with KaTeX: the steps of `marginlab derive --explain`
// (eq. (8), u and L, the regimes, the rules used, each regime's derivatives, d_w, d_l, d_w/d_l, every
// branch of (9)/(10) that no proved sign rules out, with whether the audit saw it) and the audit's findings.

import { ARG } from '../../loss/symbols.js';
import { SLOTS } from '../../loss/types.js';
import type { Analysis } from '../../symbolic/analyse.js';
import { conditionsFor } from '../../symbolic/conditions.js';
import { toTex } from '../../symbolic/print.js';
import { SIGN_TEX, TEX_SHORT, boundTex, texNames } from '../notation.js';
import { regimeSigns } from './branches.js';
import { cell, tidyTex } from './display.js';
import { escapeHtml, renderMath } from './katex.js';
import { htmlProse, page } from './html-page.js';
import { citationDetails } from './bib.js';
import { symbolTex } from '../../loss/symbols.js';
import { excludedByProof } from '../derivation.js';

const SLOT_TEX = { m: 'm', h_w: 'h_w', h_l: 'h_l', Lambda: '\\Lambda' } as const;

export function derivationPage(a: Analysis, cssHref: string, backHref: string): string {
  const d = a.derivation, spec = d.spec, s = spec.source, names = texNames(spec);
  const m = (tex: string) => renderMath(tex);
  const dm = (tex: string) => `<div class="eq">${renderMath(tex, true)}</div>`;
  const out: string[] = [];
  out.push(`<p><a href="${escapeHtml(backHref)}">← back to the table</a></p>`);
  out.push(`<h1>${escapeHtml(s.name)}${s.citation ? ` <small>[${escapeHtml(s.citation.key)}]</small>` : ''}</h1>`);
  const ref = citationDetails(s.citation);
  if (ref) {
    // Only the parts the citation has: a key-only citation gets no line, never its key posing as a title.
    const parts = [ref.authors && escapeHtml(ref.authors), ref.title && `<em>${escapeHtml(ref.title)}</em>`, [ref.venue, ref.year || ''].filter(Boolean).map(String).map(escapeHtml).join(' ')].filter(Boolean);
    const url = ref.url ? ` — <a href="${escapeHtml(ref.url)}">${escapeHtml(ref.url)}</a>` : '';
    if (parts.length || url) out.push(`<p class="citation">${parts.join('. ')}${parts.length ? '.' : ''}${url}</p>`);
  }
  const params = Object.entries(s.params);
  // A param by its own LaTeX name or the Greek letter its name is (β, not an italic "beta"); its
  // description only where it says more than the name.
  const about = (k: string, text: string) => (text && text !== k ? ` <span class="note">(${escapeHtml(text)})</span>` : '');
  if (params.length) out.push(`<p>Parameters: ${params.map(([k, p]) => `${m(`${symbolTex(k, Object.hasOwn(names, k) ? names[k] : undefined)} = ${p.default}`)}${about(k, p.description)}`).join(', ')}</p>`);
  out.push('<h2>Step 1 — the loss, eq. (8)</h2>');
  out.push(dm('\\ell = -\\Bigl(m\\bigl(h_w(\\log\\pi_w) - h_l(\\log\\pi_l)\\bigr) + \\Lambda(\\log\\pi_w)\\Bigr)'));
  out.push('<ul>', ...SLOTS.map((k) => `<li>${m(`${SLOT_TEX[k]}(${ARG}) = ${cell(spec[k], names).tex}`)}</li>`), '</ul>');
  out.push(dm(`u = h_w(\\log\\pi_w) - h_l(\\log\\pi_l) = ${cell(d.u, names).tex}`));
  out.push(dm(`\\ell = ${cell(d.L, names).tex}`));
  out.push(`<h2>Step 2 — regimes</h2><p>${d.regimes.length === 1 ? 'No hinge: one regime.' : `${d.regimes.length} regimes, one per side of each hinge.`}</p>`);
  out.push('<h2>Step 3 — rules used</h2><ul>', ...d.rules.map((r) => `<li><code>${escapeHtml(r.rule)}</code>: <code>${escapeHtml(r.formula)}</code></li>`), '</ul>');
  for (const r of d.regimes) {
    const signs = regimeSigns(r, a.audit);
    out.push(`<h2>${d.regimes.length > 1 ? `Regime ${r.index + 1}: ${m(r.constraints.map((c) => `${tidyTex(toTex(c.g, names))} ${c.side === 'above' ? '>' : '<'} 0`).join(',\\ '))}` : 'Gradient weights'}</h2>`);
    out.push(`<p class="note">${signs.samples} audit samples fell here; d_w took signs ${signs.dW.join(', ') || '—'}, d_l took ${signs.dL.join(', ') || '—'}.</p>`);
    out.push('<ul>', ...SLOTS.map((k) => `<li>${m(`${SLOT_TEX[k]}'(${ARG}) = ${cell(r.slotDerivatives[k], names).tex}`)}</li>`), '</ul>');
    out.push(dm(`m'(u) = ${cell(r.mPrime, names).tex}`));
    out.push(dm(`d_w = m'(u)\\,h_w'(\\log\\pi_w) + \\Lambda'(\\log\\pi_w) = ${cell(r.dW, names).tex}`));
    out.push(dm(`d_l = m'(u)\\,h_l'(\\log\\pi_l) = ${cell(r.dL, names).tex}`));
    out.push(r.ratio ? dm(`\\frac{d_w}{d_l} = ${cell(r.ratio, names).tex}`) : '<p>d_w/d_l is undefined: d_l ≡ 0 in this regime.</p>');
    for (const c of conditionsFor(r).filter((x) => x.direction === 'chosen-up' || x.direction === 'rejected-down')) {
      out.push(`<h3>${c.direction === 'chosen-up' ? 'chosen ↑' : 'rejected ↓'} ${escapeHtml(c.equation)} — ${escapeHtml(c.statement)}</h3><ul>`);
      for (const b of c.branches) {
        // A branch a proved sign rules out (d_l > 0 proved: no "if d_l < 0") is not printed.
        if (excludedByProof(b, a.proofs?.find((p) => p.index === r.index))) continue;
        const seen = (b.divisor === 'dW' ? signs.dW : signs.dL).includes(b.sign);
        out.push(`<li>if ${m(`${b.divisor === 'dW' ? 'd_w' : 'd_l'} ${SIGN_TEX[b.sign]}`)}: ${m(tidyTex(boundTex(b.bound, names, TEX_SHORT)))}${seen ? '' : ' <span class="note">[not seen in the audit samples]</span>'}</li>`);
      }
      out.push('</ul>');
    }
  }
  out.push(`<h2>Direction audit</h2><p class="note">${a.audit.valid} sampled points, seed ${a.audit.seed}.</p><ul>`, ...a.audit.findings.map((f) => `<li>${htmlProse(f)}</li>`), '</ul>');
  if (s.notes?.length) out.push('<h2>Notes</h2><ul>', ...s.notes.map((n) => `<li>${htmlProse(n)}</li>`), '</ul>');
  return page(`${s.name} — derivation`, cssHref, out.join('\n'));
}
