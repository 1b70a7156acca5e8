// Where a loss comes from, the parts that need no file system: a catalogue entry, the text of a spec
// file (JSON or YAML), or inline expressions. Kept apart from file.ts so that a browser bundle (the
// playground) can take them without pulling in node:fs.

import type { CatalogueEntry } from './catalogue/index.js';
import { type MarginError, type Result, fail, ok, shownName } from '../errors.js';
import { load as loadZod } from '../util/packages/zod.js';
import { checkLoss, checkParams } from './check.js';
import type { LossSource, LossSpec, ParamDecl, TextStart } from './types.js';
import { type SchemaIssue, type SchemaWords, schemaErrors } from './issues.js';
import { type YamlData, parseYamlDoc } from './yaml.js';

export { parseYamlText } from './yaml.js';

export function fromCatalogue(entry: CatalogueEntry): LossSource {
  return { ...entry, origin: `catalogue:${entry.id}` };
}

/** The row as Table 2 prints it, as a loss of its own (same params unless the row needs more). */
export function printedSource(entry: CatalogueEntry): LossSource | undefined {
  if (!entry.printed) return undefined;
  const { m, h_w, h_l, Lambda, Lambda_l } = entry.printed;
  return { id: `${entry.id}@printed`, name: `${entry.name} (Table 2 as printed)`, citation: entry.citation,
    params: { ...entry.params, ...(entry.printed.params ?? {}) }, m, h_w, h_l, Lambda, Lambda_l, origin: `paper:table2:${entry.id}` };
}

// zod and yaml load only when a spec file is read: they cost ~130 ms of start-up otherwise.
async function specSchema() {
  const { z } = await loadZod();
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
  // Either the slots (m, h_w, h_l required) or L alone: checked after the schema, at the key's line.
  m: z.union([z.string(), z.number()]).optional(),
  h_w: z.union([z.string(), z.number()]).optional(),
  h_l: z.union([z.string(), z.number()]).optional(),
  /** The general form: the whole loss in logp_w, logp_l and the context. */
  L: z.union([z.string(), z.number()]).optional(),
  /** K ranked responses: L is then written in logp_1 … logp_K (checked in ranked.ts, located at this key). */
  responses: z.number().optional(),
  Lambda: z.union([z.string(), z.number()]).optional(),
  /** The same slot, named for its side. */
  Lambda_w: z.union([z.string(), z.number()]).optional(),
  Lambda_l: z.union([z.string(), z.number()]).optional(),
  /** Local definitions usable in every slot. */
  where: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  notes: z.array(z.string()).optional(),
  }).strict();
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
    Lambda_w: 'an expression in a', Lambda_l: 'an expression in a', L: 'an expression in logp_w, logp_l and the context',
    where: 'a mapping from names to expressions', 'where.*': 'an expression',
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
  const rawWhere = raw && typeof raw === 'object' && 'where' in raw && raw.where && typeof raw.where === 'object' ? Object.keys(raw.where) : [];
  const badWhere = rawWhere.filter((k) => !/^[A-Za-z][A-Za-z0-9_]*$/.test(k));
  if (badWhere.length) {
    const p = data.keyAt(['where'], badWhere[0]) ?? data.at(['where']);
    return fail({ code: 'E_SPEC', message: `'${shownName(badWhere[0])}' is not a valid name for a where definition`, at: { file, slot: 'where', line: p?.line, column: p?.column },
      hint: 'letters, digits and _, starting with a letter' });
  }
  const given = raw && typeof raw === 'object' && !Array.isArray(raw) && o.name !== undefined && !Object.hasOwn(raw, 'name') ? { name: o.name, ...raw } : data.value;
  const parsed = (await specSchema()).safeParse(given);
  const present = given && typeof given === 'object' ? given as Record<string, unknown> : {};
  // The slots' form needs m, h_w and h_l unless the loss is written whole as L (said with the schema's complaints).
  const missing = present.L === undefined && present.responses === undefined ? (['m', 'h_w', 'h_l'] as const).filter((k) => present[k] === undefined)
    .map((k): MarginError => { const p = data.at([]); return { code: 'E_SPEC', message: `${k} is missing — every loss needs m, h_w, h_l (or the whole loss as L)`, at: { file, slot: k, line: p?.line, column: p?.column } }; }) : [];
  if (!parsed.success) return fail(...schemaErrors(parsed.error.issues as readonly SchemaIssue[], data, file, SPEC_WORDS), ...missing);
  if (missing.length) return fail(...missing);
  const s = parsed.data;
  const located = (key: string) => { const p = data.keyAt([], key); return { file, slot: key, line: p?.line, column: p?.column }; };
  const slotKeys = (['m', 'h_w', 'h_l', 'Lambda', 'Lambda_w', 'Lambda_l'] as const).filter((k) => s[k] !== undefined);
  if (s.responses !== undefined && slotKeys.length) {
    return fail({ code: 'E_SPEC', message: `a loss over ranked responses (responses: ${s.responses}) is written whole as L; this file also gives ${slotKeys.join(', ')}`,
      at: located(slotKeys[0]), hint: 'the slots belong to the two-response form; write every term into L, in logp_1 … logp_K' });
  }
  if (s.L !== undefined && slotKeys.length) {
    return fail({ code: 'E_SPEC', message: `a loss is written either whole as L or as m, h_w, h_l, Lambda, Lambda_l; this file gives L and ${slotKeys.join(', ')}`,
      at: located(slotKeys[0]), hint: "write the slots' terms into L (in logp_w and logp_l), or drop L" });
  }
  if (s.Lambda !== undefined && s.Lambda_w !== undefined) {
    return fail({ code: 'E_SPEC', message: 'Lambda_w is another name for Lambda; give one of them', at: located('Lambda_w'),
      hint: 'Lambda (or Lambda_w) is the chosen-side term Λ_w(logp_w); Lambda_l is the rejected-side term' });
  }
  // fromEntries makes own properties: a key `__proto__` stays a (refused) name instead of replacing the prototype.
  const params: Record<string, ParamDecl> = Object.fromEntries(Object.entries(s.params ?? {}).map(([k, v]) =>
    [k, typeof v === 'number' ? { default: v, description: k } : { description: k, ...v }]));
  const citation = typeof s.citation === 'string'
    ? { key: s.citation, authors: '', title: s.citation, venue: '', year: 0 }
    : s.citation ? { authors: '', title: s.citation.key, venue: '', year: 0, ...s.citation } : undefined;
  return ok({ id: s.id ?? s.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'), name: s.name, citation, params,
    m: String(s.m ?? '0'), h_w: String(s.h_w ?? '0'), h_l: String(s.h_l ?? '0'), Lambda: String(s.Lambda ?? s.Lambda_w ?? '0'), Lambda_l: String(s.Lambda_l ?? '0'),
    ...(s.L !== undefined ? { L: String(s.L) } : {}),
    ...(s.responses !== undefined ? { responses: s.responses } : {}),
    ...(s.where ? { where: Object.fromEntries(Object.entries(s.where).map(([k, v]) => [k, String(v)])) } : {}),
    notes: s.notes, origin: file, locations: expressionStarts(data, s.where ? Object.keys(s.where) : []) });
}

/** Keys a spec file may spell two ways, and the slot each names. */
const ALIASES: Readonly<Record<string, string>> = { Lambda_w: 'Lambda' };

/** Where each expression of a spec starts (slots, L, and `where.name`), so errors inside it are located in the file. */
function expressionStarts(data: YamlData, whereNames: readonly string[]): Record<string, TextStart> {
  const out: Record<string, TextStart> = {};
  for (const key of ['m', 'h_w', 'h_l', 'Lambda', 'Lambda_w', 'Lambda_l', 'L']) {
    const p = data.scalarStart([key]);
    if (p) out[ALIASES[key] ?? key] = p;
  }
  for (const name of whereNames) {
    const p = data.scalarStart(['where', name]);
    if (p) out[`where.${name}`] = p;
  }
  return out;
}

export async function parseSpecText(text: string, file: string): Promise<Result<LossSource>> {
  const r = await parseSpecDoc(text, file);
  return r.ok ? ok(r.value.source) : r;
}

export interface InlineLoss {
  /** The slots' form needs m; the general form gives L instead. */
  readonly m?: string;
  readonly L?: string;
  readonly hw?: string;
  readonly hl?: string;
  readonly Lambda?: string;
  readonly Lambda_l?: string;
  readonly params?: Readonly<Record<string, number>>;
  readonly name?: string;
}

export function inlineLoss(i: InlineLoss): Result<LossSpec> {
  const params: Record<string, ParamDecl> = Object.fromEntries(Object.entries(i.params ?? {}).map(([k, v]) => [k, { default: v, description: k }]));
  if (i.L !== undefined) {
    // The slots given beside L are kept as given, so that checkLoss refuses the mixture by name.
    return checkLoss({ id: 'inline', name: i.name ?? 'inline loss', params, L: i.L, m: i.m ?? '0', h_w: i.hw ?? '0', h_l: i.hl ?? '0',
      Lambda: i.Lambda ?? '0', Lambda_l: i.Lambda_l ?? '0', origin: 'command line' });
  }
  return checkLoss({ id: 'inline', name: i.name ?? 'inline loss', params, m: i.m ?? '0', h_w: i.hw ?? 'a', h_l: i.hl ?? 'a',
    Lambda: i.Lambda ?? '0', Lambda_l: i.Lambda_l ?? '0', origin: 'command line' });
}
