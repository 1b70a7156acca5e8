// Where a loss comes from, the parts that need no file system: a catalogue entry, the text of a spec
// file (JSON or YAML), or inline expressions. Kept apart from resolve.ts so that a browser bundle (the
// playground) can take them without pulling in node:fs.

import type { CatalogueEntry } from './catalogue/index.js';
import { type MarginError, type Result, fail, ok } from './errors.js';
import { checkLoss } from './check.js';
import type { LossSource, LossSpec, ParamDecl } from './types.js';

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
  }),
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
  const re = new RegExp(`^\\s*["']?${key}["']?\\s*:`, 'm');
  const m = re.exec(text);
  return m ? text.slice(0, m.index).split('\n').length : undefined;
}

/** YAML (or JSON, a subset) text → plain data, with E_SPEC errors located at line and column. */
export async function parseYamlText(text: string, file: string): Promise<Result<unknown>> {
  const { parseDocument } = await import('yaml');
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    return fail(...doc.errors.map((e): MarginError => ({ code: 'E_SPEC', message: e.message.split('\n')[0],
      at: { file, line: e.linePos?.[0]?.line, column: e.linePos?.[0]?.col } })));
  }
  return { ok: true, value: doc.toJS() };
}

export async function parseSpecText(text: string, file: string): Promise<Result<LossSource>> {
  const data = await parseYamlText(text, file);
  if (!data.ok) return data;
  const parsed = (await specSchema()).safeParse(data.value);
  if (!parsed.success) {
    return fail(...parsed.error.issues.map((i): MarginError => {
      const field = String(i.path[0] ?? '');
      return { code: 'E_SPEC', message: `${i.path.join('.') || 'spec'}: ${i.message}`, at: { file, slot: field || undefined, line: field ? lineOfKey(text, field) : undefined } };
    }));
  }
  const s = parsed.data;
  const params: Record<string, ParamDecl> = {};
  for (const [k, v] of Object.entries(s.params ?? {})) {
    params[k] = typeof v === 'number' ? { default: v, description: k } : { description: k, ...v };
  }
  const citation = typeof s.citation === 'string'
    ? { key: s.citation, authors: '', title: s.citation, venue: '', year: 0 }
    : s.citation ? { authors: '', title: s.citation.key, venue: '', year: 0, ...s.citation } : undefined;
  return ok({ id: s.id ?? s.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'), name: s.name, citation, params,
    m: String(s.m), h_w: String(s.h_w), h_l: String(s.h_l), Lambda: String(s.Lambda ?? '0'), notes: s.notes, origin: file });
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
  const params: Record<string, ParamDecl> = {};
  for (const [k, v] of Object.entries(i.params ?? {})) params[k] = { default: v, description: k };
  return checkLoss({ id: 'inline', name: i.name ?? 'inline loss', params, m: i.m, h_w: i.hw ?? 'a', h_l: i.hl ?? 'a',
    Lambda: i.Lambda ?? '0', origin: 'command line' });
}
