// Issue 15, "playground" (the parts that are the library's): KaTeX's sizes are bounded, and a parameter's
// own LaTeX must be a symbol — refused in spec files and share links alike, so the formula shown is the
// one computed.
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/loss/catalogue/index.js';
import { isSymbolTex } from '../../src/loss/symbols.js';
import { parseSpecText } from '../../src/loss/source.js';
import { checkLoss } from '../../src/loss/check.js';
import { renderMath } from '../../src/report/table/katex-render.js';
import { readHash } from '../../playground/src/share.js';

const spec = (tex: string) => `name: t\nparams:\n  beta: {default: 0.1, tex: '${tex}'}\nm: logsigmoid(beta*a)\nh_w: a\nh_l: a\n`;
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

describe('KaTeX draws nothing larger than maxSize', () => {
  it('a 10000em rule is drawn 10em at most', () => {
    const html = renderMath('\\rule{10000em}{10000em}');
    const sizes = [...html.matchAll(/(?:height|width|border-right-width|border-top-width):\s*([\d.]+)em/g)].map((m) => Number(m[1]));
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
  });
});

describe("a parameter's tex is a symbol, or the loss is refused", () => {
  it('every catalogue tex is a symbol', () => {
    for (const e of CATALOGUE) for (const [k, p] of Object.entries(e.params)) if (p.tex) expect(isSymbolTex(p.tex), `${e.id}.${k}: ${p.tex}`).toBe(true);
  });
  it.each(['\\beta', '\\lambda_w', 'c_{\\mathrm{ref}}', '\\varepsilon', 'x_{12}', 'b'])('accepts %s', (tex) => expect(isSymbolTex(tex)).toBe(true));
  it.each(['-\\beta', '\\rule{10000em}{10000em}', '\\href{javascript:alert(1)}{x}', '\\beta^2', '\\frac{1}{\\beta}', '\\mathrm{x}', '\\def\\x{\\x}\\x', '\\beta '])
    ('refuses %s in a spec file (E_PARAM) and in a share link', async (tex) => {
      expect(isSymbolTex(tex)).toBe(false);
      const src = await parseSpecText(spec(tex), 'f.yaml');
      if (!src.ok) throw new Error(src.errors[0].message);
      expect(checkLoss(src.value)).toFailWith('E_PARAM', { slot: 'params', symbol: 'beta' });
      const link = await readHash(`#spec=${b64(JSON.stringify({ name: 't', params: { beta: { default: 0.1, tex } }, m: 'logsigmoid(beta*a)', h_w: 'a', h_l: 'a' }))}`);
      expect(link.kind).toBe('error');
      expect(link.kind === 'error' && link.errors[0]).toMatchObject({ code: 'E_PARAM', at: { file: 'URL', slot: 'params' } });
    });
});
