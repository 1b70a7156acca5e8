// The playground is a static site: `npm run playground` serves it on 127.0.0.1, `npm run build:site`
// writes it to docs/playground with relative paths, so it can be hosted under any folder or opened offline.

import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

// Only the built page gets a CSP: the dev server injects CSS through <style> tags and its own client,
// which a strict policy would block. Everything the page loads comes from its own folder.
const CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "font-src 'self'", "img-src 'self' data:",
  "worker-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'none'",
].join('; ');

function csp(): Plugin {
  return {
    name: 'marginlab-csp',
    apply: 'build',
    transformIndexHtml: (html) => html.replace('<head>', `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CSP}">`),
  };
}

// The built page's script is render-blocking (`blocking="render"`, which Vite drops from index.html's
// tag when it rewrites it): the browser draws its first frame once main.ts has put the first derivation
// in the page, instead of laying out and painting the empty form first and the derivation after a second
// layout — one layout fewer on the way to the derivation, and no flash of an empty page.
function renderBlockingEntry(): Plugin {
  return {
    name: 'marginlab-render-blocking-entry',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (html) => {
        const out = html.replace(/<script type="module" crossorigin src=/, '<script type="module" blocking="render" crossorigin src=');
        if (out === html) throw new Error('marginlab-render-blocking-entry: the entry <script> tag was not found');
        return out;
      },
    },
  };
}

// KaTeX's CSS lists woff2, woff and ttf for every font; every browser that runs the page reads woff2,
// so the other two are dropped rather than shipped (about 1 MB less in docs/playground).
function katexWoff2Only(): Plugin {
  return {
    name: 'marginlab-katex-woff2',
    // Before Vite's CSS plugin resolves the url()s, so the dropped files are never emitted.
    enforce: 'pre',
    transform(code, id) {
      if (!/katex(\.min)?\.css($|\?)/.test(id)) return null;
      return code.replace(/,\s*url\([^)]*\.woff\)\s*format\("woff"\)/g, '').replace(/,\s*url\([^)]*\.ttf\)\s*format\("truetype"\)/g, '');
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [csp(), katexWoff2Only(), renderBlockingEntry()],
  resolve: {
    // src/loss/mathjs.ts takes `parse` from mathjs's all-in-one bundle, which is fast to load in Node but
    // builds all of mathjs at start-up; in the browser the parser alone is built (see src/loss/mathjs-parse.ts).
    alias: [{ find: /^mathjs\/lib\/browser\/math\.js$/, replacement: fileURLToPath(new URL('../src/loss/mathjs-parse.ts', import.meta.url)) }],
  },
  server: { host: '127.0.0.1', port: 5173, fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
  preview: { host: '127.0.0.1', port: 4173 },
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('../docs/playground', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // KaTeX is most of the page's first chunk (what the first derivation needs); the rest — the worker,
    // zod and YAML for spec files, the views shown later — is split off by main.ts's import() calls.
    chunkSizeWarningLimit: 1500,
    // No data: URLs (KaTeX's smallest fonts would be inlined): the CSP allows fonts from the page's folder only.
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
});
