// Every generated LaTeX table compiles with the real pdflatex, without errors and without an overfull
// box, and becomes a PNG a person can look at. pdflatex and pdftoppm are installed by scripts/test-all.sh.

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COLUMNS } from '../../src/report/table/columns.js';
import { catalogueSpecs } from '../../src/report/table/docs.js';
import { renderTable } from '../../src/report/table/generate.js';
import { PREAMBLE_PACKAGES } from '../../src/report/table/latex.js';
import { compileLatex, hasTool, toPng } from './latex-compile.js';
import { RANKED_CATALOGUE } from '../../src/loss/catalogue/index.js';
import { checkLoss } from '../../src/loss/check.js';
import { fromCatalogue } from '../../src/loss/file.js';

const specs = catalogueSpecs();
/** The ranked family (loss, K, d_1 … d_K). */
const rankedSpecs = () => RANKED_CATALOGUE.map((e) => { const r = checkLoss(fromCatalogue(e)); if (!r.ok) throw new Error(e.id); return r.value; });

/** A fragment is meant for the reader's own document: wrap it as a landscape page that \inputs it. */
const hostFor = (fragment: string) => `\\documentclass{article}
\\usepackage[a4paper,landscape,margin=1.2cm]{geometry}
\\usepackage{${PREAMBLE_PACKAGES.join(',')}}
\\begin{document}\\footnotesize\\noindent
${fragment}
\\end{document}
`;

describe('LaTeX tables compile with pdflatex', () => {
  beforeAll(() => {
    if (!hasTool('pdflatex') || !hasTool('pdftoppm')) throw new Error('pdflatex/pdftoppm missing: apt-get install texlive-latex-recommended poppler-utils (scripts/test-all.sh does)');
  });

  it('the log check itself catches an overfull box and an error', () => {
    const bad = compileLatex('\\documentclass{article}\\begin{document}\\hbox to 2cm{\\vrule width 5cm}\\end{document}');
    expect(bad.overfull.length).toBeGreaterThan(0);
    const broken = compileLatex('\\documentclass{article}\\begin{document}$\\frac{1}$\\end{document}');
    expect(broken.ok).toBe(false);
  });

  const cases = [
    { name: 'table2-standalone', tex: () => renderTable(specs, { kind: 'rows', format: 'latex', columns: DEFAULT_COLUMNS, standalone: true }) },
    { name: 'table1-standalone', tex: () => renderTable(specs, { kind: 'cases', format: 'latex', columns: DEFAULT_COLUMNS, standalone: true }) },
    { name: 'table2-fragment', tex: () => hostFor(renderTable(specs.slice(0, 6), { kind: 'rows', format: 'latex', columns: DEFAULT_COLUMNS })) },
    { name: 'table1-fragment', tex: () => hostFor(renderTable(specs.slice(0, 3), { kind: 'cases', format: 'latex', columns: DEFAULT_COLUMNS })) },
    { name: 'ranked-standalone', tex: () => renderTable(rankedSpecs(), { kind: 'rows', format: 'latex', columns: DEFAULT_COLUMNS, standalone: true }) },
    { name: 'ranked-fragment', tex: () => hostFor(renderTable(rankedSpecs(), { kind: 'rows', format: 'latex', columns: DEFAULT_COLUMNS })) },
    { name: 'table2-few-columns', tex: () => renderTable(specs, { kind: 'rows', format: 'latex', columns: ['loss', 'dW', 'dL', 'ratio'], standalone: true }) },
  ];
  for (const c of cases) {
    it(`${c.name}: no errors, no overfull box, a PNG`, () => {
      const r = compileLatex(c.tex(), c.name);
      expect(r.errors).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.overfull).toEqual([]);
      const png = toPng(r.pdf, join(r.dir, c.name));
      expect(statSync(png).size).toBeGreaterThan(5000);
    });
  }

  it('docs/tables/table2.png is there for a person to look at', () => {
    const png = join(import.meta.dirname, '..', '..', 'docs', 'tables', 'table2.png');
    expect(existsSync(png)).toBe(true);
  });
});
