import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseColumns } from '../../report/table/columns.js';
import { FORMATS, type Format, KINDS, type Kind, bibFor, guarded, htmlSideFiles, renderTable } from '../../report/table/generate.js';
import { writeAllAtomic } from '../../report/table/write.js';
import { need, out } from '../common.js';
import { collect, lossOptions, oneOf } from '../options.js';
import { type LossOptions, lossesFromArgs } from '../load.js';
import { type CheckOptions, checkBudget, checkOptions } from '../check-options.js';
import { progressBar } from '../progress.js';

interface TableOpts extends LossOptions {
  losses?: string; all?: boolean; file?: string[]; format: string; kind: string; columns?: string;
  out?: string; standalone?: boolean; bib?: string;
}

export function register(program: Command): void {
  lossOptions(checkOptions(program.command('table'), 'the interval proofs of one loss on its HTML derivation page (the tables themselves show no proof and run none)'))
    .option('--losses <ids>', 'catalogue ids, comma-separated')
    .option('--all', 'every catalogue loss')
    .option('--file <spec>', 'a loss spec file (repeatable)', collect)
    .requiredOption('--format <f>', `one of ${FORMATS.join(', ')}`)
    .option('--kind <k>', 'rows (Table 2) or cases (Table 1)', 'rows')
    .option('--columns <ids>', 'Table 2 columns, comma-separated (default: all)')
    .option('--out <file>', 'write here (HTML also writes katex/ and derivations/ beside it) instead of stdout')
    .option('--standalone', 'LaTeX: a compilable document instead of a fragment')
    .option('--bib <file>', 'also write the BibTeX of the cited losses')
    .action(async (o: TableOpts & CheckOptions) => {
      // Every input is checked before anything is computed or written.
      const format = need(oneOf<Format>('format', o.format, FORMATS));
      const kind = need(oneOf<Kind>('kind', o.kind, KINDS));
      const columns = need(parseColumns(o.columns));
      const specs = need(await lossesFromArgs({ ids: o.all ? 'all' : o.losses, files: o.file }, o));
      const pages = format === 'html' && !!o.out;
      const bar = await progressBar('table [{bar}] {value}/{total} {loss}', {}, { after: 1000 });
      let done = 0;
      const onLoss = (loss: string) => bar.update(++done, specs.length * (pages ? 2 : 1), { loss });
      const text = need(guarded(() => renderTable(specs, { kind, format, columns, standalone: o.standalone, onLoss })));
      const files = new Map<string, string | Buffer>();
      if (o.out) {
        const target = resolve(o.out);
        files.set(target, text);
        if (format === 'html') {
          const side = need(guarded(() => htmlSideFiles(specs, { time: checkBudget(o), onLoss }, target.split(/[\\/]/).pop()!)));
          for (const [rel, v] of side) files.set(resolve(dirname(target), rel), v);
        }
      }
      bar.stop();
      if (!o.out) out(text);
      if (o.bib) files.set(resolve(o.bib), bibFor(specs));
      if (files.size) writeAllAtomic('/', files);
    });
}
