// BibTeX for the losses a table cites, from each loss's `citation`; one entry per key. A spec file's
// citation is a key (`citation: me2026`) or an object with key, authors, title, venue, year, url
// (docs/guide.md); only what it gives is written — a key alone yields a comment that says so, never
// an entry whose title is its key.

import type { Citation } from '../../loss/types.js';

const esc = (s: string) => s.replace(/[{}]/g, '');

/**
 * The parts of a citation a reader can use, or null when it is a bare key. A spec's bare key reaches
 * here as {key, title: key, authors: ''} (spec/source.ts fills the fields), so a title equal to the key
 * with no authors is no title.
 */
export function citationDetails(c: Citation | null | undefined): { authors: string; title: string; venue: string; year: number; url?: string } | null {
  if (!c) return null;
  const title = c.title === c.key && !c.authors ? '' : c.title ?? '';
  const d = { authors: c.authors ?? '', title, venue: c.venue ?? '', year: c.year ?? 0, url: c.url };
  return d.authors || d.title || d.venue || d.year || d.url ? d : null;
}

export function bibtex(citations: readonly (Citation | null | undefined)[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of citations) {
    if (!raw || seen.has(raw.key)) continue;
    seen.add(raw.key);
    const d = citationDetails(raw);
    if (!d) {
      out.push(`% ${raw.key}: the spec gives only this key; give its citation as {key, authors, title, venue, year, url} for an entry`);
      continue;
    }
    const c = { ...raw, ...d };
    const fields: [string, string][] = [['title', c.title ? `{${esc(c.title)}}` : ''], ['author', esc(c.authors.split(/,\s*/).filter(Boolean).join(' and '))]];
    if (c.venue) fields.push([/^arXiv/i.test(c.venue) ? 'journal' : 'booktitle', esc(c.venue)]);
    if (c.year) fields.push(['year', String(c.year)]);
    if (c.url) fields.push(['url', c.url]);
    out.push(`@${c.venue && !/^arXiv/i.test(c.venue) ? 'inproceedings' : 'article'}{${c.key},\n${fields.filter(([, v]) => v).map(([k, v]) => `  ${k} = {${v}}`).join(',\n')}\n}`);
  }
  return `${out.join('\n\n')}\n`;
}
