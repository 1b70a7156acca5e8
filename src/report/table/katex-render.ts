// KaTeX with the strictest settings, the part that runs anywhere (the CLI's HTML tables and the
// playground in a browser): a formula KaTeX cannot set, or sets only leniently, is an error rather than
// red text in a page, and `trust: false` keeps \href, \url and \htmlClass-style commands inert.

import katex from 'katex';

export const KATEX_OPTIONS = { throwOnError: true, strict: 'error', trust: false, output: 'html' } as const;

export const renderMath = (tex: string, displayMode = false): string => katex.renderToString(tex, { ...KATEX_OPTIONS, displayMode });

export const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
