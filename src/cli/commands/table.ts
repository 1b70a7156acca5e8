import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { CATALOGUE, findEntry } from '../../loss/catalogue/index.js';
import { checkLoss } from '../../loss/check.js';
import { type MarginError, didYouMean, fail, ok, type Result } from '../../errors.js';
import { fromCatalogue, loadSpecFile } from '../../loss/file.js';
import type { LossSpec } from '../../loss/types.js';
import { parseColumns } from '../../report/table/columns.js';
import { FORMATS, type Format, KINDS, type Kind, bibFor, guarded, htmlSideFiles, renderTable } from '../../report/table/generate.js';
import { writeAllAtomic } from '../../report/table/write.js';
import { collect, need, out } from '../common.js';

interface TableOpts {
  losses?: string; all?: boolean; file?: string[]; format: string; kind: string; columns?: string;
  out?: string; standalone?: boolean; bib?: string;
}

function oneOf<T extends string>(what: string, v: string, allowed: readonly T[]): Result<T> {
  if ((allowed as readonly string[]).includes(v)) return ok(v as T);
  const guess = didYouMean(v, allowed);
  return fail({ code: 'E_USAGE', message: `unknown ${what} '${v}'`, at: { slot: `--${what}`, symbol: v }, hint: guess ? `did you mean '${guess}'?` : `one of: ${allowed.join(', ')}` });
}

async function gatherLosses(o: TableOpts): Promise<Result<LossSpec[]>> {
  const ids = o.all ? CATALOGUE.map((e) => e.id) : (o.losses ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!ids.length && !o.file?.length) return fail({ code: 'E_USAGE', message: 'name the losses: --losses dpo,simpo, --all, or --file spec.yaml' });
  const errors: MarginError[] = [];
  const specs: LossSpec[] = [];
  for (const id of ids) {
    const entry = findEntry(id);
    if (!entry) {
      const guess = didYouMean(id, CATALOGUE.map((e) => e.id));
      errors.push({ code: 'E_UNKNOWN_LOSS', message: `'${id}' is not a catalogue loss`, at: { slot: '--losses', symbol: id }, hint: guess ? `did you mean '${guess}'?` : `catalogue: ${CATALOGUE.map((e) => e.id).join(', ')}` });
      continue;
    }
    const r = checkLoss(fromCatalogue(entry));
    if (r.ok) specs.push(r.value); else errors.push(...r.errors);
  }
  for (const file of o.file ?? []) {
    const r = await loadSpecFile(file);
    if (r.ok) specs.push(r.value); else errors.push(...r.errors);
  }
  return errors.length ? { ok: false, errors } : ok(specs);
}

export function register(program: Command): void {
  program.command('table')
    .description('Table 2 (rows) or Table 1 (cases) of the chosen losses, derived, as LaTeX, HTML, Markdown or JSON')
    .option('--losses <ids>', 'catalogue ids, comma-separated')
    .option('--all', 'every catalogue loss')
    .option('--file <spec>', 'a loss spec file (repeatable)', collect)
    .requiredOption('--format <f>', `one of ${FORMATS.join(', ')}`)
    .option('--kind <k>', 'rows (Table 2) or cases (Table 1)', 'rows')
    .option('--columns <ids>', 'Table 2 columns, comma-separated (default: all)')
    .option('--out <file>', 'write here (HTML also writes katex/ and derivations/ beside it) instead of stdout')
    .option('--standalone', 'LaTeX: a compilable document instead of a fragment')
    .option('--bib <file>', 'also write the BibTeX of the cited losses')
    .action(async (o: TableOpts) => {
      // Every input is checked before anything is computed or written.
      const format = need(oneOf<Format>('format', o.format, FORMATS));
      const kind = need(oneOf<Kind>('kind', o.kind, KINDS));
      const columns = need(parseColumns(o.columns));
      const specs = need(await gatherLosses(o));
      const text = need(guarded(() => renderTable(specs, { kind, format, columns, standalone: o.standalone })));
      const files = new Map<string, string | Buffer>();
      if (o.out) {
        const target = resolve(o.out);
        files.set(target, text);
        if (format === 'html') {
          const side = need(guarded(() => htmlSideFiles(specs, {}, target.split(/[\\/]/).pop()!)));
          for (const [rel, v] of side) files.set(resolve(dirname(target), rel), v);
        }
      } else out(text);
      if (o.bib) files.set(resolve(o.bib), bibFor(specs));
      if (files.size) writeAllAtomic('/', files);
    });
}
