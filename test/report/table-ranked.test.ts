// `marginlab table` with losses over K ranked responses: rows loss, K, d_1 … d_K in every format. Each format's
// weights are the derivation's (the JSON's text parsed back and evaluated against central differences of L as
// written and against eval); Markdown, LaTeX and HTML show the same cells; a mixed table and --kind cases are refused, coded.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RANKED_CATALOGUE } from '../../src/loss/catalogue/index.js';
import { checkLoss } from '../../src/loss/check.js';
import { fromCatalogue } from '../../src/loss/file.js';
import { parseExpression } from '../../src/loss/parse.js';
import { rankedSymbols } from '../../src/loss/ranked.js';
import type { LossSpec } from '../../src/loss/types.js';
import { renderTable } from '../../src/report/table/generate.js';
import { compile } from '../../src/symbolic/evaluate.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'marginlab-table-ranked-'));
const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
const HINGE = file('hinge3.yaml', 'name: ranked hinge\nresponses: 3\nL: max(0, 1 - (logp_1 - logp_3)) - 0.1*logp_2\n');
const PAIR2 = file('pair2.yaml', 'name: two ranked\nresponses: 2\nparams: {beta: {default: 0.5, description: b}}\nL: -logsigmoid(beta*(logp_1 - logp_2))\n');

const spec = (e: (typeof RANKED_CATALOGUE)[number]): LossSpec => { const r = checkLoss(fromCatalogue(e)); if (!r.ok) throw new Error(e.id); return r.value; };
const SPECS = RANKED_CATALOGUE.map(spec);
const render = (format: 'md' | 'latex' | 'json' | 'html', specs = SPECS) => renderTable(specs, { kind: 'rows', format, columns: [] });

interface JsonRow { id: string; responses: number; regimes: { label: { text: string }; weights: Record<string, { text: string; tex: string }> }[] }

describe('table of losses over ranked responses', () => {
  it('json: rows with K and d_1 … d_K whose text is −∂L/∂logp_k (central differences of L as written)', () => {
    const j = JSON.parse(render('json')) as { schema: string; kind: string; responses: number; rows: JsonRow[] };
    expect(j).toMatchObject({ schema: 'marginlab/table@1', kind: 'ranked', responses: 3 });
    expect(j.rows.map((r) => r.id)).toEqual(['plackett-luce-dpo', 'infonca']);
    const env = { logp_1: -12, logp_2: -14, logp_3: -15, c_ref_1: -13, c_ref_2: -13, c_ref_3: -14, len_1: 1, len_2: 1, len_3: 1 };
    j.rows.forEach((row, i) => {
      const s = SPECS[i];
      const params = Object.fromEntries(Object.entries(s.source.params).map(([k, d]) => [k, d.default]));
      const at = { ...env, ...params };
      const L = compile(s.ranked!.L);
      expect(Object.keys(row.regimes[0].weights)).toEqual(['d_1', 'd_2', 'd_3']);
      for (let k = 1; k <= 3; k++) {
        const parsed = parseExpression(row.regimes[0].weights[`d_${k}`].text, { slot: 'table', symbols: rankedSymbols(3, s.source.params) });
        if (!parsed.ok) throw new Error(parsed.errors[0].message);
        const name = `logp_${k}`, h = 1e-6 * Math.abs(at[name]);
        const fd = -(L({ ...at, [name]: at[name] + h }) - L({ ...at, [name]: at[name] - h })) / (2 * h);
        expect(compile(parsed.value)(at), `${row.id} d_${k}`).toBeCloseTo(fd, 6);
      }
    });
  });

  it('md: a header Loss | K | d_1 … d_3, one row per loss, each cell the JSON\'s LaTeX', () => {
    const md = render('md');
    const j = JSON.parse(render('json')) as { rows: JsonRow[] };
    expect(md).toContain('| Loss | $K$ | $d_{1}$ | $d_{2}$ | $d_{3}$ |');
    for (const row of j.rows) {
      const line = md.split('\n').find((l) => l.includes(`**${row.id === 'infonca' ? 'InfoNCA' : 'Plackett'}`))!;
      expect(line, row.id).toBeDefined();
      expect(line.split(' | ')[1]).toBe('3');
      for (const w of Object.values(row.regimes[0].weights)) expect(line).toContain(w.tex.replace(/\|/g, '\\vert '));
    }
    expect(md).not.toContain('Regime');
  });

  it('md: a loss with a hinge has a Regime column and one sub-row per regime; d_k past a loss\'s own K is blank', async () => {
    const r = await runCli(['table', '--file', HINGE, '--file', PAIR2, '--format', 'md']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('| Loss | $K$ | Regime | $d_{1}$ | $d_{2}$ | $d_{3}$ |');
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Loss') && !l.startsWith('| ---'));
    expect(rows).toHaveLength(3);
    // The hinge's two regimes: d_1 = 1, d_3 = −1 where 1 − (logp_1 − logp_3) > 0, and 0 on the other side.
    expect(rows[0]).toMatch(/^\| \*\*ranked hinge\*\* \| 3 \| \$\\log\\pi_\{1\} - 1 - \\log\\pi_\{3\} < 0\$ \| \$1\$ \| \$\\tfrac\{1\}\{10\}\$ \| \$-1\$ \|$/);
    expect(rows[1]).toMatch(/^\|  \|  \| \$.* > 0\$ \| \$0\$ \| \$\\tfrac\{1\}\{10\}\$ \| \$0\$ \|$/);
    expect(rows[2]).toMatch(/^\| \*\*two ranked\*\* \| 2 \| everywhere \| \$.+\$ \| \$.+\$ \|  \|$/);
  });

  it('latex: a tabular with columns Loss, K, d_1 … d_3 and every weight of the JSON', () => {
    const tex = render('latex');
    expect(tex).toContain('\\begin{tabular}');
    expect(tex).toMatch(/Loss & \$K\$ & .*d_\{1\}.* & .*d_\{2\}.* & .*d_\{3\}.* \\\\/);
    const j = JSON.parse(render('json')) as { rows: JsonRow[] };
    // InfoNCA's weights are long: broken over lines or moved to the loss's block (E1, …), never dropped.
    // Plackett–Luce's weights stay in their cells (d_2, d_3 broken over two lines); InfoNCA's go to its block.
    const pl = Object.values(j.rows[0].regimes[0].weights).map((w) => w.tex);
    expect(tex).toContain(`\\mlfit{${pl[0]}}`);
    for (const w of Object.values(j.rows[1].regimes[0].weights)) expect(tex).toContain(w.tex);
    expect(tex).toMatch(/InfoNCA .* & 3 & \\mbox\{\\emph\{see\} E1\} & \\mbox\{\\emph\{see\} E2\} & \\mbox\{\\emph\{see\} E3\} \\\\\*/);
    expect(tex).toContain('\\log\\pi_{1}');
    expect(tex).not.toContain('logp_');
    expect(tex.match(/\\midrule/g)!.length).toBe(2);
    const standalone = renderTable(SPECS, { kind: 'rows', format: 'latex', columns: [], standalone: true });
    expect(standalone).toContain('\\begin{longtable}');
    expect(standalone).toContain('\\end{document}');
  });

  it('html: a page with the K column and KaTeX-rendered weights, no links to derivation pages', () => {
    const html = render('html');
    expect(html).toContain('<h1>Losses over ranked responses, derived</h1>');
    expect(html).toContain('<tbody class="loss" id="plackett-luce-dpo">');
    expect(html).toMatch(/<td>3<\/td>/);
    expect(html).toContain('class="katex"');
    expect(html).not.toContain('derivations/');
  });

  it('a table of two-response and ranked losses together is refused (E_USAGE), and so is --kind cases (E_UNSUPPORTED)', async () => {
    const mixed = await runCli(['table', '--losses', 'dpo,plackett-luce-dpo', '--format', 'md']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/^E_USAGE .*either two-response losses .* or losses over ranked responses/m);
    const cases = await runCli(['table', '--losses', 'infonca', '--kind', 'cases', '--format', 'md']);
    expect(cases.code).toBe(2);
    expect(cases.stderr).toMatch(/^E_UNSUPPORTED .*Table 1's cases .*ranks 3 responses/m);
  });
});
