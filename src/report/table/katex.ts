// Server-side KaTeX with the strictest settings: a formula KaTeX cannot set, or sets only leniently,
// is an error here rather than red text in a page. The CSS and fonts it needs are copied beside the
// page (woff2 only: every browser that runs KaTeX's CSS reads it), so the page works offline.

import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import katex from 'katex';

export const KATEX_OPTIONS = { throwOnError: true, strict: 'error', trust: false, output: 'html' } as const;

export const renderMath = (tex: string, displayMode = false): string => katex.renderToString(tex, { ...KATEX_OPTIONS, displayMode });

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export { escapeHtml };

function katexDist(): string {
  return dirname(createRequire(import.meta.url).resolve('katex/dist/katex.min.css'));
}

/** The files a page needs beside it, as relative path → contents (under `katex/`). */
export function katexAssets(): Map<string, Buffer> {
  const dist = katexDist();
  const files = new Map<string, Buffer>([['katex/katex.min.css', readFileSync(join(dist, 'katex.min.css'))]]);
  for (const f of readdirSync(join(dist, 'fonts')).filter((x) => x.endsWith('.woff2')).sort()) {
    files.set(`katex/fonts/${f}`, readFileSync(join(dist, 'fonts', f)));
  }
  return files;
}
