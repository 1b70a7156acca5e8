// The artefacts committed under docs/tables/: Table 1 and Table 2 for the whole catalogue in every
// format, the BibTeX of every cited loss, and the HTML side files. `npm run tables` writes them; a test
// regenerates them in memory and fails when the committed copies are stale.

import { CATALOGUE } from '../../loss/catalogue/index.js';
import { checkLoss } from '../../loss/check.js';
import { fromCatalogue } from '../../loss/file.js';
import type { LossSpec } from '../../loss/types.js';
import { DEFAULT_COLUMNS } from './columns.js';
import { EXTENSION, FORMATS, bibFor, htmlSideFiles, renderTable } from './generate.js';

export function catalogueSpecs(): LossSpec[] {
  return CATALOGUE.map((e) => {
    const r = checkLoss(fromCatalogue(e));
    if (!r.ok) throw new Error(`catalogue entry ${e.id} does not check: ${r.errors[0].message}`);
    return r.value;
  });
}

export function docsArtefacts(specs: readonly LossSpec[] = catalogueSpecs()): Map<string, string | Buffer> {
  const files = new Map<string, string | Buffer>();
  for (const [kind, base] of [['rows', 'table2'], ['cases', 'table1']] as const) {
    for (const format of FORMATS) {
      files.set(`${base}.${EXTENSION[format]}`, renderTable(specs, { kind, format, columns: DEFAULT_COLUMNS }));
    }
    files.set(`${base}-standalone.tex`, renderTable(specs, { kind, format: 'latex', columns: DEFAULT_COLUMNS, standalone: true }));
  }
  files.set('table2.bib', bibFor(specs));
  for (const [k, v] of htmlSideFiles(specs, {}, 'table2.html')) files.set(k, v);
  return files;
}
