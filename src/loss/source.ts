// Where a loss comes from, the parts that need no file system: a catalogue entry, the text of a spec
// file (JSON or YAML), or inline expressions. Kept apart from file.ts so that a browser bundle (the
// playground) can take them without pulling in node:fs.

import type { CatalogueEntry } from './catalogue/index.js';
import { type MarginError, type Result, fail, ok, shownName } from '../errors.js';
import { checkLoss, checkParams } from './check.js';
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
  const re = new RegExp(`^\\s*["']?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*:`, 'm');
  const m = re.exec(text);
  return m ? text.slice(0, m.index).split('\n').length : undefined;
}

/** yaml's message without the file's own text: quoted tokens and alias names are left out (a file that fails
 * to parse may be anything — a secret opened by mistake — and its contents must not reach a CI log). */
function yamlMessage(message: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?\s*$/, '');
  return first.replace(/"[^"]*"?/g, '"…"').replace(/\): .*$/, ')').slice(0, 160);
}

/** YAML (or JSON, a subset) text → plain data, with E_SPEC errors located at line and column. */
export async function parseYamlText(text: string, file: string): Promise<Result<unknown>> {
  const { parseDocument, LineCounter, visit } = await import('yaml');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter });
  if (doc.errors.length > 0) {
    return fail(...doc.errors.map((e): MarginError => ({ code: 'E_SPEC', message: yamlMessage(e.message),
      at: { file, line: e.linePos?.[0]?.line, column: e.linePos?.[0]?.col } })));
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch {
    // A billion-laughs file: aliases that expand exponentially. Located at its first alias.
    let at: { line?: number; column?: number } = {};
    visit(doc, { Alias(_key, node) {
      const p = node.range ? lineCounter.linePos(node.range[0]) : undefined;
      at = { line: p?.line, column: p?.col };
      return visit.BREAK;
    } });
    return fail({ code: 'E_SPEC', message: `the YAML's aliases expand more than ${MAX_ALIAS_COUNT} times (an alias bomb)`, at: { file, ...at },
      hint: 'write the values out; spec and claims files need no anchors or aliases' });
  }
}

/** Aliases yaml may expand before it refuses (its own default): a spec file needs none. */
const MAX_ALIAS_COUNT = 100;

/** zod's complaint about a file, echoing at most one name taken from the file, and only when short and plain. */
export function schemaIssue(i: { path: readonly PropertyKey[]; message: string; code?: string; keys?: readonly string[] }): string {
  const path = i.path.map((p) => shownName(String(p))).join('.');
  const message = i.code === 'unrecognized_keys' && i.keys
    ? `unknown key '${shownName(i.keys[0])}'${i.keys.length > 1 ? ` (and ${i.keys.length - 1} more)` : ''}`
    : i.message;
  return `${path || 'file'}: ${message}`;
}

export async function parseSpecText(text: string, file: string): Promise<Result<LossSource>> {
  const data = await parseYamlText(text, file);
  if (!data.ok) return data;
  // zod builds records by assignment, so a key `__proto__` would vanish into the prototype; names are
  // checked on the data as parsed, where every key is an own property.
  const raw = data.value as { params?: unknown } | null;
  const rawParams = raw && typeof raw === 'object' && raw.params && typeof raw.params === 'object' ? Object.keys(raw.params) : [];
  const badNames = checkParams(Object.fromEntries(rawParams.filter((k) => !/^[A-Za-z][A-Za-z0-9_]*$/.test(k)).map((k) => [k, { default: 0, description: k }])));
  if (badNames.length) return fail(...badNames.map((e) => ({ ...e, at: { ...e.at, file, line: lineOfKey(text, 'params') } })));
  const parsed = (await specSchema()).safeParse(data.value);
  if (!parsed.success) {
    return fail(...parsed.error.issues.map((i): MarginError => {
      const field = String(i.path[0] ?? '');
      return { code: 'E_SPEC', message: schemaIssue(i as Parameters<typeof schemaIssue>[0]), at: { file, slot: field ? shownName(field) : undefined, line: field ? lineOfKey(text, field) : undefined } };
    }));
  }
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
