// From losses and options to the files a table consists of: the table itself and, for HTML, the
// KaTeX assets and one derivation page per loss beside it. Paths are relative to the table's folder;
// nothing here touches the disk, so the CLI, `npm run tables` and the staleness test share it.

import type { LossSpec } from '../../loss/types.js';
import { type Result, fail, ok } from '../../errors.js';
import { MarginFault } from '../../errors.js';
import { bibtex } from './bib.js';
import { buildTable1 } from './cases.js';
import { type ColumnId, withSideColumns } from './columns.js';
import { derivationPage } from './derivation-page.js';
import { derivationHref, rankedHtml, table1Html, table2Html } from './html.js';
import { rankedJson, table1Json, table2Json } from './json.js';
import { katexAssets } from './katex.js';
import { rankedLatex, table1Latex, table2Latex } from './latex.js';
import { rankedMarkdown, table1Markdown, table2Markdown } from './markdown.js';
import { analyseOrThrow, buildTable2, type TableOptions } from './model.js';
import { buildRankedTable } from './ranked.js';

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
  const ranked = specs.filter((s) => s.ranked);
  if (ranked.length) return renderRanked(specs, ranked, r, o, htmlCss);
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
  const columns = withSideColumns(r.columns, t.rows.some((row) => row.slots.Lambda_l.text !== '0'));
  switch (r.format) {
    case 'latex': return table2Latex(t, columns, { standalone: r.standalone, title: r.title });
    case 'html': return table2Html(t, columns, { cssHref: htmlCss, links: true, title: r.title });
    case 'md': return table2Markdown(t, columns);
    case 'json': return `${JSON.stringify(table2Json(t, columns), null, 2)}\n`;
  }
}

/** Losses over K ranked responses get their own table (ranked.ts): loss, K, d_1 … d_K. */
function renderRanked(specs: readonly LossSpec[], ranked: readonly LossSpec[], r: TableRequest, o: TableOptions, htmlCss: string): string {
  const K = ranked[0].ranked!.K;
  if (ranked.length < specs.length) {
    const two = specs.find((s) => !s.ranked)!;
    throw new MarginFault({ code: 'E_USAGE', message: `a table holds either two-response losses (d_w, d_l) or losses over ranked responses (d_1 … d_K); '${ranked[0].source.id}' ranks ${K} responses and '${two.source.id}' has two`,
      at: { slot: 'responses' }, hint: 'make one table of each' });
  }
  if (r.kind === 'cases') {
    throw new MarginFault({ code: 'E_UNSUPPORTED', message: `Table 1's cases are those of a chosen and a rejected response; '${ranked[0].source.id}' ranks ${K} responses (weights d_1 … d_${K})`,
      at: { slot: '--kind' }, hint: 'use --kind rows for the weights d_1 … d_K; classify LOSS --gram G decides which responses a step raises' });
  }
  const t = buildRankedTable(ranked, o);
  switch (r.format) {
    case 'latex': return rankedLatex(t, { standalone: r.standalone, title: r.title });
    case 'html': return rankedHtml(t, { cssHref: htmlCss, title: r.title });
    case 'md': return rankedMarkdown(t);
    case 'json': return `${JSON.stringify(rankedJson(t), null, 2)}\n`;
  }
}

/** What an HTML table needs beside it: KaTeX's CSS and fonts, and each loss's derivation page. */
export function htmlSideFiles(specs: readonly LossSpec[], o: TableOptions, backHref: string): Map<string, string | Buffer> {
  const files = new Map<string, string | Buffer>(katexAssets());
  // A loss over ranked responses has no derivation page (its table links none): derive prints its weights.
  for (const spec of specs.filter((s) => !s.ranked)) {
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
