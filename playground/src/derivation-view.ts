// The derivation as the paper writes it: the slots, u and ℓ, then per regime d_w, d_l, d_w/d_l and
// the branches of conditions (9)/(10). Rendered from derivationJson — the library's own account.

import { h } from './dom.js';
import type { DerivationJson } from './export.js';
import { shownSlotsOf } from './loss.js';
import { math } from './math.js';

const SLOT_TEX = { m: 'm', h_w: 'h_w', h_l: 'h_l', Lambda: '\\Lambda', Lambda_l: '\\Lambda_l' } as const;

function conditions(r: DerivationJson['regimes'][number]): HTMLElement {
  const list = h('div', { class: 'conditions' });
  for (const c of r.conditions.filter((x) => x.direction === 'chosen-up' || x.direction === 'rejected-down')) {
    const up = c.direction === 'chosen-up';
    const ul = h('ul');
    for (const b of c.branches) {
      // Before the audit has run every branch is listed; after, the ones it never saw are muted.
      const cls = b.observed === false ? 'branch unseen' : 'branch';
      ul.append(h('li', { class: cls, attrs: { 'data-when': b.when } }, 'if ', math(b.whenTex), ': ', math(b.tex),
        b.observed === false ? h('span', { class: 'note' }, ' not seen in the audit samples') : null));
    }
    list.append(h('div', { class: 'condition', attrs: { 'data-direction': c.direction } },
      h('h4', {}, up ? 'chosen ↑ ' : 'rejected ↓ ', `eq. ${c.equation} — ${c.statement}`), ul));
  }
  return list;
}

export function derivationView(j: DerivationJson): HTMLElement {
  const root = h('div', { class: 'derivation' });
  const c = j.loss.citation;
  root.append(h('p', { class: 'loss-name' }, h('strong', {}, j.loss.name), c ? ` — ${c.authors ? `${c.authors}, ` : ''}${c.title}${c.year ? ` (${c.venue} ${c.year})` : ''}` : '',
    h('span', { class: 'note' }, ` · ${j.loss.origin}`)));
  const slots = h('div', { class: 'slots' });
  for (const { slot, tex } of shownSlotsOf(j)) slots.append(h('div', { class: 'slot' }, math(`${SLOT_TEX[slot]}(a) = ${tex}`)));
  root.append(slots);
  if (j.u) root.append(math(`u = h_w(\\log\\pi_w) - h_l(\\log\\pi_l) = ${j.u.tex}`, true));
  else root.append(h('p', { class: 'note' }, `Written whole as L; margin-based: ${j.marginForm.status === 'margin-based' ? `yes (${j.marginForm.reason})` : `UNDECIDED — ${j.marginForm.reason}`}.`));
  root.append(h('div', { class: 'loss-eq' }, math(`\\ell = ${j.L.tex}`, true)));
  j.regimes.forEach((r, i) => {
    const sec = h('section', { class: 'regime', attrs: { 'data-regime': String(i) } });
    sec.append(h('h3', {}, j.regimes.length > 1 ? `Regime ${i + 1}: ` : 'Gradient weights',
      j.regimes.length > 1 ? math(r.constraints.map((c) => c.tex).join(',\\ ')) : null,
      r.samples !== null ? h('span', { class: 'note' }, ` (${r.samples} audit samples)`) : null));
    const w = h('div', { class: 'weights' });
    w.append(h('div', { class: 'dw' }, math(`d_w = ${r.dW.tex}`, true)));
    w.append(h('div', { class: 'dl' }, math(`d_l = ${r.dL.tex}`, true)));
    w.append(h('div', { class: 'ratio' }, r.ratio ? math(`\\frac{d_w}{d_l} = ${r.ratio.tex}`, true)
      : h('p', {}, 'd_w/d_l is undefined: d_l ≡ 0 in this regime.')));
    sec.append(w, conditions(r));
    root.append(sec);
  });
  if (j.loss.notes.length) root.append(h('details', { class: 'notes' }, h('summary', {}, 'Notes'), h('ul', {}, ...j.loss.notes.map((n) => h('li', {}, n)))));
  return root;
}
