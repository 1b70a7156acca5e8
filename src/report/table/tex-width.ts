// How wide a formula sets, in em of the text size, from Computer Modern's glyph widths and TeX's math
// spacing: enough to decide, before any LaTeX runs, whether a cell fits its column at full size, has to
// be broken over lines, or has to move to the loss's block below the table. It reads the LaTeX that
// symbolic/print.ts writes (a small subset) and errs wide: a cell the model says fits must not make an
// overfull box (test/report/table-latex.test.ts measures every cell with pdflatex against it).

/** Script and scriptscript sizes relative to the text size at \footnotesize (8 pt: 6 pt, 5 pt). */
export const SIZE: [number, number, number] = [1, 0.81, 0.84];
/** -1 display, 0 text, 1 script, 2 scriptscript (TeX's D, T, S, SS). */
type Style = -1 | 0 | 1 | 2;
const down = (s: Style): Style => (s === -1 ? 0 : Math.min(2, s + 1) as Style);
const script = (s: Style): Style => (s <= 0 ? 1 : 2);

// Widths in em of the font's own size (cmmi/cmr at 8 pt, rounded up).
const ITALIC = 0.53, DIGIT = 0.51, UPRIGHT = 0.5, GREEK = 0.6;
const CHAR: Readonly<Record<string, number>> = {
  '(': 0.39, ')': 0.39, '[': 0.28, ']': 0.28, '|': 0.28, '/': 0.5, ',': 0.28, '.': 0.28, ';': 0.28, ':': 0.28, '!': 0.28, "'": 0.3,
  w: 0.74, m: 0.9, l: 0.32, i: 0.36, j: 0.42, f: 0.5, t: 0.38, r: 0.47, x: 0.6, y: 0.5, z: 0.47, W: 1.0, M: 1.0,
};
const BIN = new Set(['+', '-', '\\cdot', '\\times', '\\pm']);
const REL = new Set(['=', '<', '>', '\\le', '\\ge', '\\leq', '\\geq', '\\neq', '\\equiv', '\\to', '\\iff', '\\approx', '\\rightarrow']);
const SYMBOL: Readonly<Record<string, number>> = {
  '\\langle': 0.39, '\\rangle': 0.39, '\\|': 0.5, '\\nabla': 0.84, '\\ell': 0.43, '\\Lambda': 0.7, '\\Delta': 0.84, '\\partial': 0.57,
  '\\uparrow': 0.5, '\\downarrow': 0.5, '\\infty': 1.0, '\\prime': 0.28, '\\cdot': 0.28, '\\times': 0.78, '\\pm': 0.78,
  '\\quad': 1, '\\qquad': 2, '\\,': 0.17, '\\:': 0.22, '\\;': 0.28, '\\ ': 0.34, '\\!': -0.17, '\\{': 0.5, '\\}': 0.5,
  '\\bigl(': 0.46, '\\bigr)': 0.46, '\\Bigl(': 0.6, '\\Bigr)': 0.6, '\\bigl[': 0.42, '\\bigr]': 0.42,
};
/** Operator names set upright with a thin space after them. */
const OPERATOR = new Set(['\\log', '\\exp', '\\min', '\\max', '\\tanh', '\\sin', '\\cos', '\\det', '\\sup', '\\inf', '\\lim']);
const REL_WIDTH = 0.78, BIN_SPACE = 0.23, REL_SPACE = 0.28, THIN = 0.17, NULL_DELIM = 0.15, SCRIPT_SPACE = 0.07;

interface Cursor { readonly s: string; i: number }

/** Read one argument: a {group} or a single token; returns its source. */
function argument(c: Cursor): string {
  while (c.s[c.i] === ' ') c.i++;
  if (c.s[c.i] === '{') {
    let depth = 0;
    const start = c.i;
    for (; c.i < c.s.length; c.i++) {
      if (c.s[c.i] === '\\') { c.i++; continue; }
      if (c.s[c.i] === '{') depth++;
      else if (c.s[c.i] === '}' && --depth === 0) { c.i++; return c.s.slice(start + 1, c.i - 1); }
    }
    return c.s.slice(start + 1);
  }
  if (c.s[c.i] === '\\') { const m = /^\\([A-Za-z]+|.)/.exec(c.s.slice(c.i)); c.i += m ? m[0].length : 1; return m ? m[0] : ''; }
  return c.s[c.i++] ?? '';
}

const letters = (text: string, per: number) => [...text].reduce((w, ch) => w + (ch === ' ' ? 0.33 : /[a-z]/.test(ch) ? per : /[A-Z]/.test(ch) ? 0.72 : 0.5), 0);

type Kind = 'ord' | 'bin' | 'rel' | 'op' | 'open' | 'close' | 'punct' | 'none';

/** Width of a math list in `style`, in em of the text size. */
function list(tex: string, style: Style): { width: number; tall: boolean } {
  const c: Cursor = { s: tex, i: 0 };
  const k = SIZE[Math.max(0, style)];
  let width = 0, tall = false;
  let prev: Kind = 'none';
  const delims: ('frac' | 'scripts' | 'flat')[] = [];
  const spaced = style <= 0;
  const atom = (w: number, kind: Kind) => {
    // TeX's spacing table, simplified: medium around a binary operator (which is ordinary at the start of a
    // list), thick around a relation, neither in scripts.
    if (kind === 'bin' && (prev === 'none' || prev === 'open' || prev === 'bin' || prev === 'rel' || prev === 'op' || prev === 'punct')) kind = 'ord';
    if (spaced && prev !== 'none') {
      const pr: Kind = prev;
      if (kind === 'bin' || pr === 'bin') width += BIN_SPACE * k;
      if ((kind === 'rel') !== (pr === 'rel')) width += REL_SPACE * k;
    }
    // An operator name is set off by a thin space from an ordinary on either side, in every style.
    if ((prev === 'op' && (kind === 'ord' || kind === 'op')) || ((prev === 'ord' || prev === 'close') && kind === 'op')) width += THIN * k;
    if (prev === 'punct') width += THIN * k;
    width += w;
    prev = kind;
  };
  while (c.i < c.s.length) {
    const ch = c.s[c.i];
    if (ch === ' ' || ch === '&') { c.i++; continue; }
    if (ch === '{') { const g = list(argument(c), style); tall ||= g.tall; atom(g.width, 'ord'); continue; }
    if (ch === '^' || ch === '_') {
      c.i++;
      const a = list(argument(c), script(style));
      // A sub- and a superscript stack: count the wider of the two.
      const other = c.s[c.i] === (ch === '^' ? '_' : '^') ? (c.i++, list(argument(c), script(style)).width) : 0;
      width += Math.max(a.width, other) + SCRIPT_SPACE * k;
      tall ||= a.tall;
      continue;
    }
    if (ch === '\\') {
      const m = /^\\([A-Za-z]+|.)/.exec(c.s.slice(c.i))!;
      const cmd = m[0];
      c.i += cmd.length;
      if (cmd === '\\left' || cmd === '\\right') {
        const d = argument(c);
        const inside = cmd === '\\left' ? (delims.push(tallInside(c)), delims[delims.length - 1]) : delims.pop() ?? 'flat';
        // Delimiters grow with what they enclose: a fraction, or (in display style) stacked scripts.
        const grown = inside === 'frac' ? (style === -1 ? 0.75 : 0.6) : inside === 'scripts' && style === -1 ? 0.5 : null;
        atom(d === '.' ? NULL_DELIM * k : (grown ?? SYMBOL[d] ?? CHAR[d] ?? 0.39) * k, cmd === '\\left' ? 'open' : 'close');
        continue;
      }
      if (cmd === '\\frac' || cmd === '\\tfrac' || cmd === '\\dfrac') {
        const inner = cmd === '\\dfrac' ? 0 : cmd === '\\tfrac' ? down(0) : down(style);
        const n = list(argument(c), inner), d = list(argument(c), inner);
        tall = true;
        atom(Math.max(n.width, d.width) + 2 * NULL_DELIM * k, 'ord');
        continue;
      }
      if (cmd === '\\sqrt') { const a = list(argument(c), style); tall ||= a.tall; atom(a.width + 0.85 * k, 'ord'); continue; }
      if (cmd === '\\mathrm' || cmd === '\\operatorname' || cmd === '\\text' || cmd === '\\textit' || cmd === '\\mathit') {
        const body = argument(c);
        const w = cmd === '\\mathit' ? list(body.replace(/\\_/g, '_'), style).width : letters(body.replace(/\\[A-Za-z]+/g, 'x').replace(/[{}\\]/g, ''), UPRIGHT) * (cmd === '\\text' ? SIZE[Math.min(style, 1)] : k);
        atom(w + (cmd === '\\operatorname' ? 0 : 0), cmd === '\\operatorname' ? 'op' : 'ord');
        continue;
      }
      if (cmd === '\\mathbf') { atom(letters(argument(c), 0.62) * k, 'ord'); continue; }
      if (cmd === '\\begin' || cmd === '\\end') { argument(c); continue; }
      if (cmd === '\\\\' || cmd === '\\newline') continue;
      if (OPERATOR.has(cmd)) { atom(letters(cmd.slice(1), UPRIGHT) * k, 'op'); continue; }
      if (BIN.has(cmd)) { atom((SYMBOL[cmd] ?? REL_WIDTH) * k, 'bin'); continue; }
      if (REL.has(cmd)) { atom(REL_WIDTH * k, 'rel'); continue; }
      if (SYMBOL[cmd] !== undefined) { atom(SYMBOL[cmd] * k, cmd.endsWith('(') || cmd === '\\langle' ? 'open' : cmd.endsWith(')') || cmd === '\\rangle' ? 'close' : 'ord'); continue; }
      // Greek letters and anything else: one glyph.
      atom(GREEK * k, 'ord');
      continue;
    }
    c.i++;
    if (ch === '+' || ch === '-') atom(REL_WIDTH * k, 'bin');
    else if (ch === '=' || ch === '<' || ch === '>') atom(REL_WIDTH * k, 'rel');
    else if (ch === ',' || ch === ';') atom(CHAR[ch] * k, 'punct');
    else if (ch === '(' || ch === '[') atom(CHAR[ch] * k, 'open');
    else if (ch === ')' || ch === ']') atom(CHAR[ch] * k, 'close');
    else atom((CHAR[ch] ?? (/[0-9]/.test(ch) ? DIGIT : /[A-Z]/.test(ch) ? 0.75 : ITALIC)) * k, 'ord');
  }
  return { width, tall };
}

/** What the \left…\right pair at the cursor encloses that makes TeX set taller, wider delimiters. */
function tallInside(c: Cursor): 'frac' | 'scripts' | 'flat' {
  let depth = 1;
  for (let j = c.i; j < c.s.length; j++) {
    if (c.s.startsWith('\\left', j)) depth++;
    else if (c.s.startsWith('\\right', j) && --depth === 0) {
      const body = c.s.slice(c.i, j);
      return /\\frac/.test(body) ? 'frac' : /\^\{[^}]*\}_|_\{[^}]*\}\^/.test(body) ? 'scripts' : 'flat';
    }
  }
  return 'flat';
}

/** The natural width of `$tex$` (of `$\\displaystyle tex$` with `display`), in em of the surrounding text size. */
export function texEm(tex: string, display = false): number {
  return list(tex, display ? -1 : 0).width;
}
