// Every generated LaTeX table prints at its own size: no cell is scaled down to fit. Checked three
// ways with the real pdflatex and pdftoppm, over the catalogue and the literature's long losses (EXO,
// DiscoPOP, AlphaPO, …):
//  - the width model the layout rests on never under-reads a formula TeX sets (box widths from the log),
//  - the log has no overfull box and no "marginlab: scaled" line from the \mlfit guard,
//  - on every page rendered at 300 dpi, the smallest run of type is at least a \footnotesize x-height.
// Before this layout, the literature table's smallest run was 4 px (1 pt): EXO's d_w at a fifth of its size.

import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COLUMNS } from '../../src/report/table/columns.js';
import { catalogueSpecs } from '../../src/report/table/docs.js';
import { renderTable } from '../../src/report/table/generate.js';
import { EM_PT, MLFIT, PREAMBLE_PACKAGES } from '../../src/report/table/latex.js';
import { buildTable2 } from '../../src/report/table/model.js';
import { texEm } from '../../src/report/table/tex-width.js';
import type { LossSpec } from '../../src/loss/types.js';
import { glyphs, inkRuns, readPng } from '../helpers/png.js';
import { literatureSpecs } from '../helpers/literature.js';
import { compileLatex, hasTool } from './latex-compile.js';

const DPI = 300;
const px = (pt: number) => (pt / 72.27) * DPI;
/**
 * The smallest type TeX sets at \footnotesize is a script of a script (an exponent in a fraction's
 * numerator), at 5 pt, whose x-height is 0.43 em = 2.15 pt: a lower run of type is a cell scaled down.
 */
const MIN_RUN_PX = Math.floor(px(2.1));

/** The smallest run of type on each page, in px at DPI. */
function smallestRuns(pdf: string, dir: string): number[] {
  execFileSync('pdftoppm', ['-png', '-gray', '-r', String(DPI), pdf, join(dir, 'page')]);
  return readdirSync(dir).filter((f) => /^page-\d+\.png$/.test(f)).sort().map((f) => {
    const runs = inkRuns(glyphs(readPng(readFileSync(join(dir, f)))), Math.round(px(2.9)), Math.round(px(1.45)), Math.round(px(1.9)));
    return Math.min(...runs.map((r) => r.h));
  });
}

let specs: LossSpec[] = [];
let literature: LossSpec[] = [];
beforeAll(async () => {
  if (!hasTool('pdflatex') || !hasTool('pdftoppm')) throw new Error('pdflatex/pdftoppm missing: apt-get install texlive-latex-recommended poppler-utils (scripts/test-all.sh does)');
  literature = await literatureSpecs();
  specs = [...catalogueSpecs(), ...literature];
});

describe('LaTeX tables print at the table\'s size', () => {
  it('the width model never under-reads a formula, in text or display style (pdflatex box widths)', () => {
    const t = buildTable2(specs, { samples: 300 });
    const cells = [...new Set(t.rows.flatMap((r) => [...Object.values(r.slots).map((s) => s.tex),
      ...r.regimes.flatMap((g) => [g.dW.tex, g.dL.tex, g.ratio?.tex ?? '1', g.label.tex, ...[...g.chosenUp, ...g.rejectedDown].map((b) => b.bound.tex)])]))];
    const styles = ['', '\\displaystyle '];
    const doc = ['\\documentclass[10pt]{article}', '\\usepackage{amsmath,amssymb}', '\\begin{document}', '\\footnotesize',
      ...cells.flatMap((c, i) => styles.map((st, s) => `\\sbox0{$${st}${c}$}\\typeout{WIDTH ${i} ${s} \\the\\wd0}`)), '\\end{document}'].join('\n');
    const r = compileLatex(doc, 'widths');
    expect(r.errors).toEqual([]);
    const log = readFileSync(join(r.dir, 'widths.log'), 'latin1');
    const measured = [...log.matchAll(/^WIDTH (\d+) (\d) ([\d.]+)pt/gm)];
    expect(measured).toHaveLength(cells.length * styles.length);
    const under = measured.filter(([, i, s, w]) => Number(w) > texEm(cells[Number(i)], s === '1') * EM_PT)
      .map(([, i, s, w]) => `${w}pt > ${(texEm(cells[Number(i)], s === '1') * EM_PT).toFixed(1)}pt: ${styles[Number(s)]}${cells[Number(i)]}`);
    expect(under).toEqual([]);
  });

  const cases: { name: string; tex: () => string }[] = [
    { name: 'table2-catalogue-and-literature', tex: () => renderTable(specs, { kind: 'rows', format: 'latex', columns: DEFAULT_COLUMNS, standalone: true, samples: 500 }) },
    { name: 'table1-catalogue-and-literature', tex: () => renderTable(specs, { kind: 'cases', format: 'latex', columns: DEFAULT_COLUMNS, standalone: true, samples: 500 }) },
    { name: 'table2-literature-fragment', tex: () => `\\documentclass{article}
\\usepackage[a4paper,landscape,margin=1.2cm]{geometry}
\\usepackage{${PREAMBLE_PACKAGES.join(',')}}
\\begin{document}\\footnotesize\\noindent
${renderTable(literature, { kind: 'rows', format: 'latex', columns: DEFAULT_COLUMNS, samples: 500 })}
\\end{document}
` },
  ];
  for (const c of cases) {
    it(`${c.name}: no cell scaled, no overfull box, and no run of type below ${MIN_RUN_PX} px at ${DPI} dpi on any page`, () => {
      const r = compileLatex(c.tex(), c.name);
      expect(r.errors).toEqual([]);
      expect(r.overfull).toEqual([]);
      const log = readFileSync(join(r.dir, `${c.name}.log`), 'latin1');
      expect(log.split('\n').filter((l) => l.startsWith('marginlab: scaled'))).toEqual([]);
      const smallest = smallestRuns(r.pdf, r.dir);
      expect(smallest.length).toBeGreaterThan(0);
      expect(smallest.filter((h) => h < MIN_RUN_PX)).toEqual([]);
    });
  }

  it('the checks can fail: a formula scaled by the old \\mlfit shows in the log and as a small run of type', () => {
    const wide = buildTable2(literature.filter((s) => s.source.id === 'exo-pair'), { samples: 300 }).rows[0].regimes[0].dW.tex;
    const doc = `\\documentclass{article}\\usepackage{${PREAMBLE_PACKAGES.join(',')}}\n${MLFIT}\n\\begin{document}\\footnotesize\\noindent\\begin{tabular}{p{5cm}}\\mlfit{${wide}}\\end{tabular}\\end{document}`;
    const r = compileLatex(doc, 'control');
    const log = readFileSync(join(r.dir, 'control.log'), 'latin1');
    expect(log).toMatch(/^marginlab: scaled/m);
    expect(Math.min(...smallestRuns(r.pdf, r.dir))).toBeLessThan(MIN_RUN_PX);
    writeFileSync(join(r.dir, 'done'), '');
  });
});
