// `marginlab catalogue`: the losses, their citations and defaults.

import type { CatalogueEntry } from '../loss/catalogue/index.js';

type Family = { readonly name: string; readonly entries: readonly CatalogueEntry[] };
const familyOf = (families: readonly Family[], e: CatalogueEntry) => families.find((f) => f.entries.includes(e))?.name.split(' ')[0] ?? null;

/** Every family's entries in one list; each loss names its family ('marginlab', 'trl' or 'ranked'). */
export function catalogueJson(families: readonly Family[]) {
  return {
    schema: 'marginlab/catalogue@1',
    losses: families.flatMap((f) => f.entries).map((e) => ({
      id: e.id, name: e.name, family: familyOf(families, e), inPaper: e.inPaper, citation: e.citation ?? null,
      params: Object.fromEntries(Object.entries(e.params).map(([k, p]) => [k, { default: p.default, description: p.description, source: p.source ?? null }])),
      m: e.m, h_w: e.h_w, h_l: e.h_l, Lambda: e.Lambda,
      printedDiffers: (e.printed?.discrepancies.length ?? 0) > 0,
      example: e.example,
    })),
  };
}

/** One block a family, under its name. */
export function catalogueText(families: readonly Family[]): string {
  return families.map((f) => `${f.name}:\n${entriesText(f.entries)}`).join('\n\n');
}

function entriesText(entries: readonly CatalogueEntry[]): string {
  const w = Math.max(...entries.map((e) => e.id.length));
  return entries.map((e) => {
    const params = Object.entries(e.params).map(([k, p]) => `${k}=${p.default}`).join(', ');
    const mark = e.inPaper ? (e.printed?.discrepancies.length ? ' (Table 2; printed row differs)' : ' (Table 2)') : '';
    return `${e.id.padEnd(w)}  ${e.name}${mark} — ${e.citation?.authors.split(',')[0] ?? ''} ${e.citation?.year ?? ''}${params ? `; ${params}` : ''}`;
  }).join('\n');
}
