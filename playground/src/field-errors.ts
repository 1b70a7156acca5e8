// Inline errors: under the field that holds the mistake, the field's text again with the offending
// token marked and a caret at the library's column. Text only (no markup from the user's input).

import { type MarginError, formatError } from '../../src/errors.js';
import { h, fill } from './dom.js';

/** The length of the token at a column: the symbol the error names, else one character. */
function tokenLength(text: string, column: number, symbol: string | undefined): number {
  if (symbol && text.slice(column - 1, column - 1 + symbol.length) === symbol) return symbol.length;
  return 1;
}

export function showErrors(box: HTMLElement, input: HTMLInputElement | HTMLTextAreaElement | null, errors: readonly { error: MarginError; column?: number; line?: number }[]): void {
  box.hidden = errors.length === 0;
  input?.classList.toggle('invalid', errors.length > 0);
  input?.setAttribute('aria-invalid', errors.length > 0 ? 'true' : 'false');
  if (!errors.length) { fill(box); delete box.dataset.column; delete box.dataset.code; return; }
  const first = errors[0];
  box.dataset.code = first.error.code;
  if (first.column !== undefined) box.dataset.column = String(first.column); else delete box.dataset.column;
  const items: HTMLElement[] = [];
  for (const { error, column, line } of errors) {
    const item = h('div', { class: 'error-item', attrs: { 'data-code': error.code, ...(column !== undefined ? { 'data-column': String(column) } : {}) } });
    const text = input ? (line !== undefined ? input.value.split(/\r?\n/)[line - 1] ?? '' : input.value) : '';
    if (column !== undefined && input && column <= text.length + 1) {
      const n = tokenLength(text, column, error.at?.symbol);
      item.append(h('pre', { class: 'caret' },
        text.slice(0, column - 1), h('mark', {}, text.slice(column - 1, column - 1 + n) || ' '), text.slice(column - 1 + n),
        '\n', ' '.repeat(column - 1), '^'));
    }
    item.append(h('p', { class: 'error-text' }, formatError(error)));
    items.push(item);
  }
  fill(box, ...items);
}
