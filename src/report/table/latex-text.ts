// Prose into LaTeX for pdflatex (default OT1 fonts, so < > | are set in math): the catalogue's notes are written in Unicode (β, σ, −, ‖, ⟨⟩), which
// pdflatex's default input encoding cannot set. Each character gets its LaTeX spelling; a character
// without one becomes '?' rather than an error, and the tests would show it in the PNG.

import { proseSegments } from './prose.js';

const MATH: Readonly<Record<string, string>> = {
  'α': '\\alpha', 'β': '\\beta', 'γ': '\\gamma', 'δ': '\\delta', 'ε': '\\varepsilon', 'η': '\\eta', 'λ': '\\lambda',
  'π': '\\pi', 'σ': '\\sigma', 'τ': '\\tau', 'Δ': '\\Delta', 'Λ': '\\Lambda', 'ℓ': '\\ell', '∇': '\\nabla',
  '−': '-', '±': '\\pm', '×': '\\times', '·': '\\cdot', '≤': '\\le', '≥': '\\ge', '≠': '\\neq', '≡': '\\equiv',
  '⟺': '\\iff', '→': '\\to', '↑': '\\uparrow', '↓': '\\downarrow', '‖': '\\|', '⟨': '\\langle', '⟩': '\\rangle',
  '′': '^{\\prime}', '²': '^{2}', '³': '^{3}', '¹': '^{1}', '⁻': '^{-}', '½': '\\tfrac{1}{2}',
};
const TEXT: Readonly<Record<string, string>> = {
  '—': '---', '–': '--', '…': '\\ldots{}', '‘': '`', '’': "'", '“': '``', '”': "''",
  '\\': '$\\backslash$', '^': '\\^{}', '~': '\\~{}',
  '&': '\\&', '%': '\\%', '$': '\\$', '#': '\\#', '_': '\\_', '{': '\\{', '}': '\\}', '|': '$|$', '<': '$<$', '>': '$>$',
};

export function latexText(s: string): string {
  let out = '';
  for (const ch of s.replace(/\u207b\u00b9/g, '\u0000')) {
    if (ch === '\u0000') out += '$^{-1}$';
    else if (MATH[ch]) out += `$${MATH[ch]}$`;
    else if (TEXT[ch] !== undefined) out += TEXT[ch];
    else out += ch.charCodeAt(0) < 128 ? ch : '?';
  }
  return joinMath(out);
}

/** Prose for LaTeX with its formulas typeset (prose.ts): `c_ref` becomes $c_{\mathrm{ref}}$, not c\_ref. */
export function latexProse(s: string): string {
  return joinMath(proseSegments(s).map((seg) => ('tex' in seg ? `$${seg.tex}$` : latexText(seg.text))).join(''));
}

/**
 * Adjacent math pieces read better as one formula: $\beta$$\cdot$ → $\beta \cdot$. The space keeps a
 * command from running into the letter after it (\cdot c, not \cdotc); math mode ignores it.
 */
const joinMath = (s: string) => s.replace(/\$\$/g, ' ');
