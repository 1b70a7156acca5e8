// `npm run tables`: regenerate docs/tables/ from the derivations, and, where pdflatex and pdftoppm are
// installed, compile table2-standalone.tex and keep its first page as table2.png for people to look at.

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docsArtefacts } from '../src/report/table/docs.js';
import { writeAllAtomic } from '../src/report/table/write.js';

const out = join(import.meta.dirname, '..', 'docs', 'tables');
const files = docsArtefacts();
writeAllAtomic(out, files);
process.stdout.write(`tables: wrote ${files.size} files to docs/tables/\n`);

const have = (cmd: string) => { try { execFileSync('which', [cmd], { stdio: 'ignore' }); return true; } catch { return false; } };
if (have('pdflatex') && have('pdftoppm')) {
  const dir = mkdtempSync(join(tmpdir(), 'marginlab-tables-'));
  try {
    copyFileSync(join(out, 'table2-standalone.tex'), join(dir, 'table2.tex'));
    execFileSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'table2.tex'], { cwd: dir, stdio: 'ignore' });
    execFileSync('pdftoppm', ['-png', '-r', '110', '-f', '1', '-l', '1', '-singlefile', 'table2.pdf', 'table2'], { cwd: dir });
    copyFileSync(join(dir, 'table2.png'), join(out, 'table2.png'));
    process.stdout.write('tables: wrote docs/tables/table2.png\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  process.stdout.write('tables: pdflatex/pdftoppm not installed; table2.png not refreshed\n');
}
