// How an expression is shown in a table cell. Two cosmetic passes that never change a value:
// `flatten` splices nested sums and products the parser leaves behind (a − (βc_ref) → a − βc_ref) while
// keeping the author's order of factors (βa stays βa, where `simplify` would reorder it to aβ), and
// `tidyTex` drops a \left(…\right) that wraps a whole numerator or denominator of a \frac.

import type { Expr } from '../../expr/expr.js';
import { mapChildren } from '../../expr/expr.js';
import { toTex, toText, type TexNames } from '../../symbolic/print.js';
import type { Rendered } from '../notation.js';

export function flatten(e: Expr): Expr {
  const f = mapChildren(e, flatten);
  if (f.kind === 'mul') return { kind: 'mul', factors: f.factors.flatMap((x) => (x.kind === 'mul' ? x.factors : [x])) };
  if (f.kind === 'add') return { kind: 'add', terms: f.terms.flatMap((x) => (x.kind === 'add' ? x.terms : [x])) };
  return f;
}

/** Index just past the group that opens at `open` (a `{`), or -1. */
function closeBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '\\') { i++; continue; }
    if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth === 0) return i + 1;
  }
  return -1;
}

/** True when `body` is exactly \left( X \right) with the two delimiters matching each other. */
function wholeParen(body: string): boolean {
  if (!body.startsWith('\\left(') || !body.endsWith('\\right)')) return false;
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    if (body.startsWith('\\left', i)) depth++;
    else if (body.startsWith('\\right', i) && --depth === 0) return i === body.length - '\\right)'.length;
  }
  return false;
}

/** Index just past the \right) matching the \left( at `i`, or -1. */
function matchLeft(s: string, i: number): number {
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    if (s.startsWith('\\left', j)) depth++;
    else if (s.startsWith('\\right', j) && --depth === 0) return j + '\\right)'.length;
  }
  return -1;
}

/** \left(\left(X\right)\right) → \left(X\right): a negated sum that was itself parenthesised. */
function dropDoubleParens(tex: string): string {
  let s = tex;
  for (let i = s.indexOf('\\left(\\left('); i >= 0; i = s.indexOf('\\left(\\left(', i + 1)) {
    const inner = i + '\\left('.length;
    const innerEnd = matchLeft(s, inner);
    const outerEnd = matchLeft(s, i);
    if (innerEnd > 0 && outerEnd === innerEnd + '\\right)'.length) s = s.slice(0, i) + s.slice(inner, innerEnd) + s.slice(outerEnd);
  }
  return s;
}

/** Roughly how many glyphs wide a LaTeX string sets: commands count as one, braces and sizing as none. */
export function texWidth(tex: string): number {
  return tex.replace(/\\(left|right|mathrm|operatorname|mathbf|text)\b/g, '').replace(/\\[A-Za-z]+/g, 'x')
    .replace(/[{}\s^_\\]/g, '').length;
}

export function tidyTex(tex: string): string {
  return dropDoubleParens(tidyFracs(tex));
}

function tidyFracs(tex: string): string {
  let out = '';
  let i = 0;
  while (i < tex.length) {
    if (tex.startsWith('\\frac{', i)) {
      out += '\\frac';
      let j = i + '\\frac'.length;
      for (let g = 0; g < 2 && tex[j] === '{'; g++) {
        const end = closeBrace(tex, j);
        if (end < 0) return out + tex.slice(j);
        let body = tex.slice(j + 1, end - 1);
        if (wholeParen(body)) body = body.slice('\\left('.length, -'\\right)'.length);
        out += `{${tidyFracs(body)}}`;
        j = end;
      }
      i = j;
    } else {
      out += tex[i];
      i++;
    }
  }
  return out;
}

/** The cell form of an expression: mathjs text (parses back to the same value) and tidy LaTeX. */
export function cell(e: Expr, names: TexNames): Rendered {
  return { text: toText(e), tex: tidyTex(toTex(flatten(e), names)) };
}
