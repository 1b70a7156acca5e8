// Where a loss comes from, the parts that need no file system: a catalogue entry, the text of a spec
// file (JSON or YAML), or inline expressions. Kept apart from file.ts so that a browser bundle (the
// playground) can take them without pulling in node:fs.

import type { CatalogueEntry } from './catalogue/index.js';
import { type MarginError, type Result, fail, ok, shownName } from '../errors.js';
import { checkLoss, checkParams } from './check.js';
import type { LossSource, LossSpec, ParamDecl } from './types.js';
import { type SchemaIssue, type SchemaWords, schemaErrors } from './issues.js';
import { type YamlData, parseYamlDoc } from './yaml.js';

export { parseYamlText } from './yaml.js';

export function fromCatalogue(entry: CatalogueEntry): LossSource {
  return { ...entry, origin: `catalogue:${entry.id}` };
}

/** The row as Table 2 prints it, as a loss of its own (same params unless the row needs more). */
export function printedSource(entry: CatalogueEntry): LossSource | undefined {
  if (!entry.printed) return undefined;
  const { m, h_w, h_l, Lambda } = entry.printed;
  return { id: `${entry.id}@printed`, name: `${entry.name} (Table 2 as printed)`, citation: entry.citation,
    params: { ...entry.params, ...(entry.printed.params ?? {}) }, m, h_w, h_l, Lambda, origin: `paper:table2:${entry.id}` };
}

// zod and yaml load only when a spec file is read: they cost ~130 ms of start-up otherwise.
async function specSchema() {
  const { z } = await import('zod');
  const paramSchema = z.union([
  z.number(),
  z.object({
    default: z.number(),
    description: z.string().optional(),
    range: z.tuple([z.number(), z.number()]).optional(),
    tex: z.string().optional(),
    source: z.string().optional(),
  // strict: a misspelt `rnage` is refused, not dropped (the audit would explore the default range instead).
  }).strict(),
]);

  return z.object({
  name: z.string().min(1),
  id: z.string().optional(),
  citation: z.union([z.string(), z.object({ key: z.string(), authors: z.string().optional(), title: z.string().optional(),
    venue: z.string().optional(), year: z.number().optional(), url: z.string().optional() })]).optional(),
  params: z.record(z.string(), paramSchema).optional(),
  m: z.union([z.string(), z.number()]),
  h_w: z.union([z.string(), z.number()]),
  h_l: z.union([z.string(), z.number()]),
  Lambda: z.union([z.string(), z.number()]).optional(),
  notes: z.array(z.string()).optional(),
  }).strict();
}

/** 1-based line of a top-level key in a JSON or YAML text, for locating errors in spec files. */
export function lineOfKey(text: string, key: string): number | undefined {
  const re = new RegExp(`^\\s*["']?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*:`, 'm');
  const m = re.exec(text);
  return m ? text.slice(0, m.index).split('\n').length : undefined;
}

/** How a spec file's fields are described when one is wrong or missing (docs/guide.md, "Spec files"). */
const SPEC_WORDS: SchemaWords = {
  expected: {
    name: 'a non-empty name', id: 'a string', notes: 'a list of strings', 'notes.*': 'a string',
    citation: 'a BibTeX key or {key, authors, title, venue, year, url}',
    params: 'a mapping from parameter names to values', 'params.*': 'a number or {default, range}',
    'params.*.default': 'a number', 'params.*.range': 'two numbers [lo, hi]', 'params.*.range.*': 'a number',
    'params.*.description': 'a string', 'params.*.source': 'a string', 'params.*.tex': 'a LaTeX symbol such as \\beta',
    m: 'an expression in a', h_w: 'an expression in a', h_l: 'an expression in a', Lambda: 'an expression in a',
  },
  required: {
    name: 'every spec file needs a name', m: 'every loss needs m, h_w, h_l', h_w: 'every loss needs m, h_w, h_l', h_l: 'every loss needs m, h_w, h_l',
    'params.*.default': 'a parameter written as a mapping needs its default',
  },
};

/** A spec file's text → the loss as written, and the locator of its values (for errors found later). */
export async function parseSpecDoc(text: string, file: string): Promise<Result<{ source: LossSource; data: YamlData }>> {
  const doc = await parseYamlDoc(text, file);
  if (!doc.ok) return doc;
  const source = await specFromYaml(doc.value, file);
  return source.ok ? ok({ source: source.value, data: doc.value }) : source;
}

/** Spec data (a file's, or the mapping under a claims file's `loss:`) → the loss as written; `name` may be
 * left out where the caller gives one. */
export async function specFromYaml(data: YamlData, file: string, o: { name?: string } = {}): Promise<Result<LossSource>> {
  // zod builds records by assignment, so a key `__proto__` would vanish into the prototype; names are
  // checked on the data as parsed, where every key is an own property.
  const raw = data.value as { params?: unknown } | null;
  const rawParams = raw && typeof raw === 'object' && raw.params && typeof raw.params === 'object' ? Object.keys(raw.params) : [];
  const bad = rawParams.filter((k) => !/^[A-Za-z][A-Za-z0-9_]*$/.test(k));
  const badNames = checkParams(Object.fromEntries(bad.map((k) => [k, { default: 0, description: k }])));
  if (badNames.length) {
    return fail(...badNames.map((e, j) => {
      const p = data.keyAt(['params'], bad[j]) ?? data.at(['params']);
      return { ...e, at: { ...e.at, file, line: p?.line, column: p?.column } };
    }));
  }
  const given = raw && typeof raw === 'object' && !Array.isArray(raw) && o.name !== undefined && !Object.hasOwn(raw, 'name') ? { name: o.name, ...raw } : data.value;
  const parsed = (await specSchema()).safeParse(given);
  if (!parsed.success) return fail(...schemaErrors(parsed.error.issues as readonly SchemaIssue[], data, file, SPEC_WORDS));
  const s = parsed.data;
  // fromEntries makes own properties: a key `__proto__` stays a (refused) name instead of replacing the prototype.
  const params: Record<string, ParamDecl> = Object.fromEntries(Object.entries(s.params ?? {}).map(([k, v]) =>
    [k, typeof v === 'number' ? { default: v, description: k } : { description: k, ...v }]));
  const citation = typeof s.citation === 'string'
    ? { key: s.citation, authors: '', title: s.citation, venue: '', year: 0 }
    : s.citation ? { authors: '', title: s.citation.key, venue: '', year: 0, ...s.citation } : undefined;
  return ok({ id: s.id ?? s.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'), name: s.name, citation, params,
    m: String(s.m), h_w: String(s.h_w), h_l: String(s.h_l), Lambda: String(s.Lambda ?? '0'), notes: s.notes, origin: file });
}

export async function parseSpecText(text: string, file: string): Promise<Result<LossSource>> {
  const r = await parseSpecDoc(text, file);
  return r.ok ? ok(r.value.source) : r;
}

export interface InlineLoss {
  readonly m: string;
  readonly hw?: string;
  readonly hl?: string;
  readonly Lambda?: string;
  readonly params?: Readonly<Record<string, number>>;
  readonly name?: string;
}

export function inlineLoss(i: InlineLoss): Result<LossSpec> {
  const params: Record<string, ParamDecl> = Object.fromEntries(Object.entries(i.params ?? {}).map(([k, v]) => [k, { default: v, description: k }]));
  return checkLoss({ id: 'inline', name: i.name ?? 'inline loss', params, m: i.m, h_w: i.hw ?? 'a', h_l: i.hl ?? 'a',
    Lambda: i.Lambda ?? '0', origin: 'command line' });
}
