// BibTeX for the losses a table cites, from each loss's `citation`; one entry per key.

import type { Citation } from '../../loss/types.js';

const esc = (s: string) => s.replace(/[{}]/g, '');

export function bibtex(citations: readonly (Citation | null | undefined)[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const c of citations) {
    if (!c || seen.has(c.key)) continue;
    seen.add(c.key);
    const fields: [string, string][] = [['title', `{${esc(c.title)}}`], ['author', esc(c.authors.split(/,\s*/).filter(Boolean).join(' and '))]];
    if (c.venue) fields.push([/^arXiv/i.test(c.venue) ? 'journal' : 'booktitle', esc(c.venue)]);
    if (c.year) fields.push(['year', String(c.year)]);
    if (c.url) fields.push(['url', c.url]);
    out.push(`@${c.venue && !/^arXiv/i.test(c.venue) ? 'inproceedings' : 'article'}{${c.key},\n${fields.filter(([, v]) => v).map(([k, v]) => `  ${k} = {${v}}`).join(',\n')}\n}`);
  }
  return `${out.join('\n\n')}\n`;
}
