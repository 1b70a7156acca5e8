// Prose with mathematics in it — the catalogue's notes, the footnotes on the paper's printed rows, the
// reasons a case cannot happen — split into text and formulas, so that LaTeX and HTML typeset c_ref,
// c^w_ref, d_w, λ_l, log π_w as mathematics instead of printing them as words. A formula is an
// identifier with a subscript or superscript (the notes' own spelling: `c_ref`, `c^w_ref`, `z_0`), a
// symbol of the loss language (`logp_w`, `len_l`), and `log` in front of either or of a Greek letter.

import { CONTEXT_SYMBOLS, LOGP_L, LOGP_W, symbolTex } from '../../loss/symbols.js';

export type ProseSegment = { readonly text: string } | { readonly tex: string };

const GREEK_TEX: Readonly<Record<string, string>> = {
  'α': '\\alpha', 'β': '\\beta', 'γ': '\\gamma', 'δ': '\\delta', 'ε': '\\varepsilon', 'η': '\\eta', 'θ': '\\theta', 'κ': '\\kappa',
  'λ': '\\lambda', 'μ': '\\mu', 'π': '\\pi', 'ρ': '\\rho', 'σ': '\\sigma', 'τ': '\\tau', 'φ': '\\phi', 'ω': '\\omega', 'Λ': '\\Lambda', 'Δ': '\\Delta',
};
const GREEK = Object.keys(GREEK_TEX).join('');
const WORD = `[A-Za-z${GREEK}][A-Za-z0-9]*`;
const SCRIPT = '[A-Za-z0-9]+';
/** base, then ^sup and/or _sub in either order (c^w_ref, c_ref^w, d_w, z_0, λ_U, c_ref_w). */
const IDENT = new RegExp(`(?<![A-Za-z0-9_^])(${WORD})((?:\\^${SCRIPT})?(?:_${SCRIPT})+(?:\\^${SCRIPT})?|\\^${SCRIPT})(?![A-Za-z0-9_])`, 'gu');
/** `log ` before a formula or a Greek letter is the operator. */
const LOG_BEFORE = new RegExp(`(?<![A-Za-z])log $`);

const KNOWN = new Set([LOGP_W, LOGP_L, ...CONTEXT_SYMBOLS.map((s) => s.name)]);

const script = (s: string) => (s.length > 1 && /^[A-Za-z]+$/.test(s) ? `\\mathrm{${s}}` : s);
const base = (b: string) => [...b].map((ch) => GREEK_TEX[ch] ?? ch).join('');

/** One identifier as LaTeX: a symbol of the loss language as the tables write it, else base^{sup}_{sub}. */
export function identTex(name: string): string {
  if (KNOWN.has(name)) return symbolTex(name);
  const m = /^([^_^]+)(?:\^([^_^]+))?((?:_[^_^]+)*)(?:\^([^_^]+))?$/u.exec(name);
  if (!m) return `\\mathit{${name.replace(/_/g, '\\_')}}`;
  const sup = m[2] ?? m[4];
  const subs = m[3].split('_').filter(Boolean).map(script).join(',');
  return `${base(m[1])}${sup ? `^{${script(sup)}}` : ''}${subs ? `_{${subs}}` : ''}`;
}

export function proseSegments(s: string): ProseSegment[] {
  const out: ProseSegment[] = [];
  let last = 0;
  for (const m of s.matchAll(IDENT)) {
    let before = s.slice(last, m.index);
    let op = '';
    if (LOG_BEFORE.test(before)) { before = before.slice(0, -'log '.length); op = '\\log '; }
    if (before) out.push({ text: before });
    out.push({ tex: `${op}${identTex(m[0])}` });
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push({ text: s.slice(last) });
  // `log σ(…)`: the operator before a Greek letter in the text.
  return out.flatMap((seg) => {
    if (!('text' in seg)) return [seg];
    const parts: ProseSegment[] = [];
    let rest = seg.text;
    for (let m = new RegExp(`(?<![A-Za-z])log ([${GREEK}])`, 'u').exec(rest); m; m = new RegExp(`(?<![A-Za-z])log ([${GREEK}])`, 'u').exec(rest)) {
      if (m.index > 0) parts.push({ text: rest.slice(0, m.index) });
      parts.push({ tex: `\\log ${GREEK_TEX[m[1]]}` });
      rest = rest.slice(m.index + m[0].length);
    }
    if (rest) parts.push({ text: rest });
    return parts;
  });
}
