// KaTeX with the library's settings (strict, trust: false). A formula KaTeX refuses is shown as its
// source text — never as a blank or a thrown page — and the source is kept in data-tex for tests and copy.

import katex from 'katex';
import { KATEX_OPTIONS } from '../../src/report/table/katex-render.js';
import { h } from './dom.js';

export function math(tex: string, display = false): HTMLElement {
  const el = h(display ? 'div' : 'span', { class: display ? 'math display' : 'math' });
  el.dataset.tex = tex;
  try {
    katex.render(tex, el, { ...KATEX_OPTIONS, displayMode: display });
  } catch (e) {
    el.textContent = tex;
    el.classList.add('math-error');
    el.title = e instanceof Error ? e.message : String(e);
  }
  return el;
}
