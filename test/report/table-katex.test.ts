// Every LaTeX string a table carries renders with KaTeX at its strictest (throwOnError, strict 'error'),
// in the exact form each format emits it (Markdown's \vert/\Vert rewrite included).

import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COLUMNS } from '../../src/report/table/columns.js';
import { catalogueSpecs } from '../../src/report/table/docs.js';
import { renderTable } from '../../src/report/table/generate.js';
import { mdMath } from '../../src/report/table/markdown.js';

const strict = (tex: string) => katex.renderToString(tex, { throwOnError: true, strict: 'error', trust: false });

/** Every `tex` field anywhere in a JSON value. */
function texFields(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => texFields(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if ((k === 'tex' || k === 'whenTex') && typeof x === 'string') out.push(x); else texFields(x, out);
    }
  }
  return out;
}

const specs = catalogueSpecs();
const json2 = JSON.parse(renderTable(specs, { kind: 'rows', format: 'json', columns: DEFAULT_COLUMNS }));
const json1 = JSON.parse(renderTable(specs, { kind: 'cases', format: 'json', columns: DEFAULT_COLUMNS }));

describe('KaTeX renders every formula strictly', () => {
  it('strict mode is really strict (a control)', () => {
    expect(() => strict('\\frac{1}')).toThrow();
    expect(() => strict('é')).toThrow();
  });

  const all = [...new Set([...texFields(json2), ...texFields(json1)])];
  it(`collects the tables' formulas (${all.length})`, () => expect(all.length).toBeGreaterThan(100));

  it('Table 1 and Table 2 formulas, as-is and as Markdown writes them', () => {
    const failures: string[] = [];
    for (const tex of all) {
      for (const form of [tex, mdMath(tex).slice(1, -1)]) {
        try { strict(form); } catch (e) { failures.push(`${form}: ${(e as Error).message}`); }
      }
    }
    expect(failures).toEqual([]);
  });

  it('every $…$ in the generated Markdown renders', () => {
    const md = renderTable(specs, { kind: 'rows', format: 'md', columns: DEFAULT_COLUMNS }) + renderTable(specs, { kind: 'cases', format: 'md', columns: DEFAULT_COLUMNS });
    const maths = [...md.matchAll(/\$([^$]+)\$/g)].map((m) => m[1]);
    expect(maths.length).toBeGreaterThan(100);
    for (const m of maths) expect(() => strict(m), m).not.toThrow();
    // GFM splits table cells at any bare |; the Markdown must not contain one inside math.
    for (const m of maths) expect(m.includes('|') && !m.includes('\\|'), m).toBe(false);
  });
});
