// Server-side KaTeX: the rendering (strictest settings) lives in katex-render.ts, which a browser bundle
// can take; this file adds the CSS and fonts a page needs, copied beside it (woff2 only: every browser
// that runs KaTeX's CSS reads it), so the page works offline.

import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export { KATEX_OPTIONS, escapeHtml, renderMath } from './katex-render.js';

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
