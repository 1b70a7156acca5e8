// What the page lets a reader take away: the derivation as a LaTeX `align*` (built from the same JSON as
// `marginlab derive --json`, so the formulas are the library's), the spec as YAML, and the link.

import type { derivationJson } from '../../src/report/derivation.js';
import type { LossSource } from '../../src/loss/types.js';
import { specObject } from './share.js';

export type DerivationJson = ReturnType<typeof derivationJson>;

const SLOT_TEX = { m: 'm', h_w: 'h_w', h_l: 'h_l', Lambda: '\\Lambda' } as const;

/** `%` starts a comment in LaTeX: a loss name or origin must not swallow the rest of a line. */
const texComment = (s: string) => s.replace(/[\r\n]+/g, ' ');

export function derivationLatex(j: DerivationJson): string {
  const rows: string[] = [];
  for (const slot of ['m', 'h_w', 'h_l', 'Lambda'] as const) rows.push(`${SLOT_TEX[slot]}(a) &= ${j.loss.slots[slot].tex}`);
  rows.push(`u &= h_w(\\log\\pi_w) - h_l(\\log\\pi_l) = ${j.u.tex}`);
  rows.push(`\\ell &= ${j.L.tex}`);
  for (const r of j.regimes) {
    if (j.regimes.length > 1) rows.push(`&\\text{regime ${r.index + 1}: } ${r.constraints.map((c) => c.tex).join(',\\ ')}`);
    rows.push(`d_w &= ${r.dW.tex}`);
    rows.push(`d_l &= ${r.dL.tex}`);
    rows.push(r.ratio ? `\\frac{d_w}{d_l} &= ${r.ratio.tex}` : `\\frac{d_w}{d_l} &\\ \\text{undefined } (d_l \\equiv 0)`);
    for (const c of r.conditions.filter((x) => x.direction === 'chosen-up' || x.direction === 'rejected-down')) {
      const what = c.direction === 'chosen-up' ? '\\log\\pi_w \\uparrow' : '\\log\\pi_l \\downarrow';
      const shown = c.branches.filter((b) => b.observed !== false);
      rows.push(`${what}\\ ${c.equation.replace(/^\((\d+)\).*$/, '\\text{($1)}')} &\\iff ${shown.map((b) => `${b.tex} \\ (${b.whenTex})`).join(';\\ ')}`);
    }
  }
  return [
    `% ${texComment(j.loss.name)} — derived by marginlab (${texComment(j.loss.origin)}); needs amsmath.`,
    '% Convention of eq. (8): \\ell = -(m(h_w(\\log\\pi_w) - h_l(\\log\\pi_l)) + \\Lambda(\\log\\pi_w)).',
    '\\begin{align*}',
    rows.join(' \\\\\n'),
    '\\end{align*}',
    '',
  ].join('\n');
}

export async function specYaml(s: LossSource): Promise<string> {
  const { stringify } = await import('yaml');
  return stringify(specObject(s));
}
