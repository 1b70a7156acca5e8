// How the quantities of the theory are written, in text and in LaTeX, in every output format.

import type { Expr } from '../expr/expr.js';
import type { LossSpec } from '../loss/types.js';
import { rankedName } from '../loss/ranked.js';
import { toTex, toText, type TexNames } from '../symbolic/print.js';
import type { Bound } from '../symbolic/conditions.js';

export const TEXT = { inner: '<a,b>', normW2: '||a||^2', normL2: '||b||^2', dW: 'd_w', dL: 'd_l' } as const;
export const TEX = {
  inner: '\\langle \\nabla\\log\\pi_w, \\nabla\\log\\pi_l \\rangle',
  normW2: '\\|\\nabla\\log\\pi_w\\|^2',
  normL2: '\\|\\nabla\\log\\pi_l\\|^2',
  dW: 'd_w',
  dL: 'd_l',
} as const;

/** Table notation: the paper's appendix writes a = ∇log π_w, b = ∇log π_l (bold, unlike the argument a of m). */
export const TEX_SHORT = {
  inner: '\\langle \\mathbf{a}, \\mathbf{b} \\rangle',
  normW2: '\\|\\mathbf{a}\\|^2',
  normL2: '\\|\\mathbf{b}\\|^2',
  dW: 'd_w',
  dL: 'd_l',
} as const;

export type TexNotation = { readonly [K in keyof typeof TEX]: string };

/**
 * Greek letters by the short or less common names people give params (`eps` for ε), which the symbol
 * printer does not know; the names it knows (alpha, beta, …, epsilon, lambda_w) it sets itself.
 */
const GREEK_ALIAS: Readonly<Record<string, string>> = {
  eps: '\\varepsilon', sigma: '\\sigma', phi: '\\phi', psi: '\\psi', chi: '\\chi', iota: '\\iota', upsilon: '\\upsilon', lam: '\\lambda', lamda: '\\lambda',
};

/** A param's LaTeX name from a Greek alias (`eps` → \\varepsilon, `eps_w` → \\varepsilon_{w}), if it is one. */
export function greekAlias(name: string): string | undefined {
  const m = /^([A-Za-z]+)(?:_([A-Za-z0-9]+))?$/.exec(name);
  const g = m ? GREEK_ALIAS[m[1]] : undefined;
  return g && m ? (m[2] ? `${g}_{${m[2]}}` : g) : undefined;
}

/** The LaTeX names of a loss's declared params: each param's own `tex`, else a Greek alias it is. */
export function texNames(spec: LossSpec): TexNames {
  const names: Record<string, string> = {};
  // A loss over K ranked responses: response k's symbols as the two-response ones are set (log π_w, c^w_ref, |y_w|).
  for (let k = 1; k <= (spec.ranked?.K ?? 0); k++) {
    names[rankedName('logp', k)] = `\\log\\pi_{${k}}`;
    names[rankedName('c_ref', k)] = `c^{${k}}_{\\mathrm{ref}}`;
    names[rankedName('len', k)] = `|y_{${k}}|`;
  }
  for (const [k, d] of Object.entries(spec.source.params)) {
    const tex = d.tex ?? greekAlias(k);
    if (tex) names[k] = tex;
  }
  return names;
}

export interface Rendered { readonly text: string; readonly tex: string }

export const render = (e: Expr, names: TexNames): Rendered => ({ text: toText(e), tex: toTex(e, names) });

const needsParens = (e: Expr) => e.kind === 'add';

export function boundText(b: Bound): string {
  if (b.kind === 'weight') return `${TEXT[b.weight]} ${b.op} 0`;
  if (b.coef.kind === 'num' && b.coef.value === 0) return `${TEXT.inner} ${b.op} 0`;
  const c = b.coef.kind === 'num' && b.coef.value === 1 ? '' : needsParens(b.coef) ? `(${toText(b.coef)})*` : `${toText(b.coef)}*`;
  return `${TEXT.inner} ${b.op} ${c}${TEXT[b.norm]}`;
}

export function boundTex(b: Bound, names: TexNames, sym: TexNotation = TEX): string {
  const op = b.op === '<=' ? '\\le' : '\\ge';
  if (b.kind === 'weight') return `${sym[b.weight]} ${op} 0`;
  if (b.coef.kind === 'num' && b.coef.value === 0) return `${sym.inner} ${op} 0`;
  const c = b.coef.kind === 'num' && b.coef.value === 1 ? '' : needsParens(b.coef) ? `\\left(${toTex(b.coef, names)}\\right)` : toTex(b.coef, names);
  return `${sym.inner} ${op} ${c}${c ? ' ' : ''}${sym[b.norm]}`;
}

export const SIGN_TEXT = { positive: '> 0', negative: '< 0', zero: '= 0' } as const;
export const SIGN_TEX = { positive: '> 0', negative: '< 0', zero: '= 0' } as const;
