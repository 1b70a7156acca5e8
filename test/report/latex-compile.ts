// Shared by the LaTeX tests: compile a document with the real pdflatex in a temp folder and report
// errors and overfull boxes from its log; optionally turn page 1 into a PNG.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Compiled { dir: string; ok: boolean; errors: string[]; overfull: string[]; pdf: string }

export function hasTool(cmd: string): boolean {
  return spawnSync('which', [cmd]).status === 0;
}

export function compileLatex(source: string, name = 'doc'): Compiled {
  const dir = mkdtempSync(join(tmpdir(), 'marginlab-latex-'));
  writeFileSync(join(dir, `${name}.tex`), source);
  const r = spawnSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', `${name}.tex`], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  const log = existsSync(join(dir, `${name}.log`)) ? readFileSync(join(dir, `${name}.log`), 'latin1') : r.stdout;
  const lines = log.split('\n');
  return {
    dir,
    ok: r.status === 0,
    errors: lines.filter((l) => l.startsWith('!')),
    overfull: lines.filter((l) => l.startsWith('Overfull \\hbox')),
    pdf: join(dir, `${name}.pdf`),
  };
}

export function toPng(pdf: string, outBase: string): string {
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdf, outBase]);
  return `${outBase}.png`;
}
