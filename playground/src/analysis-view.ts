// Table 1's cases for this loss (casesFor) and the direction audit, sampled and proved.

import type { CaseGroup } from '../../src/report/table/cases.js';
import { h } from './dom.js';
import type { DerivationJson } from './export.js';
import { math } from './math.js';

export function casesView(groups: readonly CaseGroup[]): HTMLElement {
  const root = h('div', { class: 'cases' });
  for (const g of groups) {
    const head = h('p', { class: 'group-head' },
      g.regime.text === 'everywhere' ? null : h('span', {}, 'regime ', math(g.regime.tex), ' · '),
      math(g.signs.tex), g.ratio ? h('span', {}, ' · ', math(`d_w/d_l = ${g.ratio.tex}`)) : null);
    const table = h('table', { class: 'case-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Case'), h('th', {}, 'Δ'), h('th', {}, 'log-probs'), h('th', {}, 'Condition'))));
    const body = h('tbody');
    for (const k of g.cases) {
      body.append(h('tr', { class: k.impossible ? 'impossible' : '', attrs: { 'data-case': String(k.id) } },
        h('td', {}, String(k.id)), h('td', {}, math(k.change.tex)), h('td', {}, math(k.arrows.tex)),
        h('td', {}, math(k.condition.tex), k.impossible ? h('div', { class: 'note' }, k.impossible) : null)));
    }
    table.append(body);
    root.append(h('div', { class: 'case-group' }, head, table));
  }
  return root;
}

export function auditView(j: DerivationJson): HTMLElement {
  const a = j.audit;
  if (!a) return h('p', {}, 'No audit.');
  const root = h('div', { class: 'audit' });
  root.append(h('h4', {}, `Sampled: ${a.valid} points of the domain (seed ${a.seed})`));
  root.append(h('ul', {}, ...a.findings.map((f) => h('li', {}, f))));
  if (a.proofs) {
    root.append(h('h4', {}, 'Proved: interval branch and bound over logp < 0, params in their ranges'));
    const ul = h('ul', { class: 'proofs' });
    for (const p of a.proofs) {
      for (const w of [p.dW, p.dL]) {
        const where = j.regimes.length > 1 ? ` in regime ${p.regime + 1}` : '';
        const detail = w.status === 'refuted' && w.witness
          ? ` — witness ${Object.entries(w.witness).map(([k, v]) => `${k}=${+Number(v).toPrecision(4)}`).join(', ')}`
          : w.status === 'undecided' ? ` — ${(100 * w.remainingShare).toPrecision(2)}% of the domain left after ${w.boxes} boxes` : '';
        ul.append(h('li', { attrs: { 'data-status': w.status } }, `${w.claim}${where}: `, h('strong', { class: `status-${w.status}` }, w.status.toUpperCase()), detail));
      }
    }
    root.append(ul);
  }
  return root;
}
