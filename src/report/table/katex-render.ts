// KaTeX with the strictest settings, the part that runs anywhere (the CLI's HTML tables and the
// playground in a browser): a formula KaTeX cannot set, or sets only leniently, is an error rather than
// red text in a page, and `trust: false` keeps \href, \url and \htmlClass-style commands inert. `maxSize`
// caps any user-set size (a \rule of 10000em is drawn 10em at most) and `maxExpand` keeps the macro expansions at KaTeX's own bound, so
// no formula, whatever a spec file or a share link holds, can draw over the page or stall it.

import katex from 'katex';

export const KATEX_OPTIONS = { throwOnError: true, strict: 'error', trust: false, output: 'html', maxSize: 10, maxExpand: 1000 } as const;

export const renderMath = (tex: string, displayMode = false): string => katex.renderToString(tex, { ...KATEX_OPTIONS, displayMode });

export const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
