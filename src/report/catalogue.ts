// `marginlab catalogue`: the losses, their citations and defaults.

import type { CatalogueEntry } from '../loss/catalogue/index.js';

export function catalogueJson(entries: readonly CatalogueEntry[]) {
  return {
    schema: 'marginlab/catalogue@1',
    losses: entries.map((e) => ({
      id: e.id, name: e.name, inPaper: e.inPaper, citation: e.citation ?? null,
      params: Object.fromEntries(Object.entries(e.params).map(([k, p]) => [k, { default: p.default, description: p.description, source: p.source ?? null }])),
      m: e.m, h_w: e.h_w, h_l: e.h_l, Lambda: e.Lambda,
      printedDiffers: (e.printed?.discrepancies.length ?? 0) > 0,
      example: e.example,
    })),
  };
}

export function catalogueText(entries: readonly CatalogueEntry[]): string {
  const w = Math.max(...entries.map((e) => e.id.length));
  return entries.map((e) => {
    const params = Object.entries(e.params).map(([k, p]) => `${k}=${p.default}`).join(', ');
    const mark = e.inPaper ? (e.printed?.discrepancies.length ? ' (Table 2; printed row differs)' : ' (Table 2)') : '';
    return `${e.id.padEnd(w)}  ${e.name}${mark} — ${e.citation?.authors.split(',')[0] ?? ''} ${e.citation?.year ?? ''}${params ? `; ${params}` : ''}`;
  }).join('\n');
}
