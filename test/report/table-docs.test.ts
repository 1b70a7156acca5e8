// docs/tables/ is generated: regenerate every artefact in memory and compare with the committed copy.
// A failure here means a derivation, the catalogue or a renderer changed: run `npm run tables`.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docsArtefacts } from '../../src/report/table/docs.js';

const root = join(import.meta.dirname, '..', '..', 'docs', 'tables');
const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));

describe('docs/tables is up to date', () => {
  const expected = docsArtefacts();

  it('every generated file is committed with the same content', () => {
    const stale: string[] = [];
    for (const [rel, content] of expected) {
      const p = join(root, rel);
      if (!existsSync(p)) { stale.push(`${rel} (missing)`); continue; }
      const now = readFileSync(p);
      if (!now.equals(Buffer.isBuffer(content) ? content : Buffer.from(content))) stale.push(rel);
    }
    expect(stale, 'stale: run `npm run tables`').toEqual([]);
  });

  it('nothing else lies there but the PNG', () => {
    const extra = walk(root).map((p) => relative(root, p)).filter((p) => !expected.has(p) && p !== 'table2.png');
    expect(extra).toEqual([]);
  });

  it('the HTML pages link only to files that exist', () => {
    for (const page of ['table2.html', 'table1.html', 'derivations/dpo.html']) {
      const html = String(expected.get(page));
      const base = page.includes('/') ? page.slice(0, page.lastIndexOf('/') + 1) : '';
      for (const [, href] of html.matchAll(/(?:href|src)="([^"#]+)"/g)) {
        if (/^https?:/.test(href)) continue;
        const target = join(base, href).replace(/\\/g, '/');
        expect(expected.has(target), `${page} → ${href}`).toBe(true);
      }
    }
    const css = String(expected.get('katex/katex.min.css'));
    const woff2 = [...css.matchAll(/url\((fonts\/[^)]+\.woff2)\)/g)].map((m) => `katex/${m[1]}`);
    expect(woff2.length).toBeGreaterThan(10);
    for (const f of woff2) expect(expected.has(f), f).toBe(true);
  });
});
