// From losses and options to the files a table consists of: the table itself and, for HTML, the
// KaTeX assets and one derivation page per loss beside it. Paths are relative to the table's folder;
// nothing here touches the disk, so the CLI, `npm run tables` and the staleness test share it.

import type { LossSpec } from '../../loss/types.js';
import { type Result, fail, ok } from '../../errors.js';
import { MarginFault } from '../../errors.js';
import { bibtex } from './bib.js';
import { buildTable1 } from './cases.js';
import type { ColumnId } from './columns.js';
import { derivationPage } from './derivation-page.js';
import { derivationHref, table1Html, table2Html } from './html.js';
import { table1Json, table2Json } from './json.js';
import { katexAssets } from './katex.js';
import { table1Latex, table2Latex } from './latex.js';
import { table1Markdown, table2Markdown } from './markdown.js';
import { analyseOrThrow, buildTable2, type TableOptions } from './model.js';

export const FORMATS = ['latex', 'html', 'md', 'json'] as const;
export type Format = (typeof FORMATS)[number];
export const KINDS = ['rows', 'cases'] as const;
export type Kind = (typeof KINDS)[number];
export const EXTENSION: Readonly<Record<Format, string>> = { latex: 'tex', html: 'html', md: 'md', json: 'json' };

export interface TableRequest extends TableOptions {
  readonly kind: Kind;
  readonly format: Format;
  readonly columns: readonly ColumnId[];
  readonly standalone?: boolean;
  readonly title?: string;
}

/** The table's own text (no side files). */
export function renderTable(specs: readonly LossSpec[], r: TableRequest, htmlCss = 'katex/katex.min.css'): string {
  const o: TableOptions = { samples: r.samples, seed: r.seed, onLoss: r.onLoss };
  if (r.kind === 'cases') {
    const t = buildTable1(specs, o);
    switch (r.format) {
      case 'latex': return table1Latex(t, { standalone: r.standalone, title: r.title });
      case 'html': return table1Html(t, { cssHref: htmlCss, links: true, title: r.title });
      case 'md': return table1Markdown(t);
      case 'json': return `${JSON.stringify(table1Json(t), null, 2)}\n`;
    }
  }
  const t = buildTable2(specs, o);
  switch (r.format) {
    case 'latex': return table2Latex(t, r.columns, { standalone: r.standalone, title: r.title });
    case 'html': return table2Html(t, r.columns, { cssHref: htmlCss, links: true, title: r.title });
    case 'md': return table2Markdown(t, r.columns);
    case 'json': return `${JSON.stringify(table2Json(t, r.columns), null, 2)}\n`;
  }
}

/** What an HTML table needs beside it: KaTeX's CSS and fonts, and each loss's derivation page. */
export function htmlSideFiles(specs: readonly LossSpec[], o: TableOptions, backHref: string): Map<string, string | Buffer> {
  const files = new Map<string, string | Buffer>(katexAssets());
  for (const spec of specs) {
    files.set(derivationHref(spec.source.id), derivationPage(analyseOrThrow(spec, o, true), '../katex/katex.min.css', `../${backHref}`));
  }
  return files;
}

export const bibFor = (specs: readonly LossSpec[]) => bibtex(specs.map((s) => s.source.citation));

/** Run a generator that may raise a MarginFault from deep inside, as a Result. */
export function guarded<T>(f: () => T): Result<T> {
  try {
    return ok(f());
  } catch (e) {
    if (e instanceof MarginFault) return fail(e.error);
    throw e;
  }
}
