// Where a loss comes from, the parts that need no file system: a catalogue entry, the text of a spec
// file (JSON or YAML), or inline expressions. Kept apart from file.ts so that a browser bundle (the
// playground) can take them without pulling in node:fs.

import type { CatalogueEntry } from './catalogue/index.js';
import { type MarginError, type Result, fail, ok, shownName } from '../errors.js';
import { checkLoss, checkParams } from './check.js';
import type { LossSource, LossSpec, ParamDecl, TextStart } from './types.js';

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
  // Either the slots (m, h_w, h_l required) or L alone: checked after the schema, with the line of the key.
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

/** Keys a spec file may spell two ways, and the slot each names. */
const ALIASES: Readonly<Record<string, string>> = { Lambda_w: 'Lambda' };

/**
 * Where each top-level value of a YAML mapping starts (and each value of a nested mapping, as `key.sub`): the
 * line, and the column of the expression's first character where the value sits on one line (after the
 * quote of a quoted scalar). Expressions are located from this in the file's own coordinates.
 */
function valueStarts(doc: import('yaml').Document, lineCounter: import('yaml').LineCounter, yaml: typeof import('yaml')): Record<string, TextStart> {
  const out: Record<string, TextStart> = {};
  const walk = (node: unknown, prefix: string): void => {
    if (!yaml.isMap(node)) return;
    for (const pair of node.items) {
      if (!yaml.isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      const name = prefix ? `${prefix}.${key}` : ALIASES[key] ?? key;
      const v = pair.value;
      if (yaml.isScalar(v) && v.range) {
        const start = lineCounter.linePos(v.range[0]);
        const end = lineCounter.linePos(v.range[1]);
        const quoted = v.type === 'QUOTE_DOUBLE' || v.type === 'QUOTE_SINGLE';
        const plain = quoted || v.type === 'PLAIN';
        out[name] = plain && start.line === end.line ? { line: start.line, column: start.col + (quoted ? 1 : 0) } : { line: start.line };
      } else if (!prefix) walk(v, key);
    }
  };
  walk(doc.contents, '');
  return out;
}

/** YAML (or JSON, a subset) text → plain data, with E_SPEC errors located at line and column. */
export async function parseYamlText(text: string, file: string): Promise<Result<unknown>> {
  const r = await parseYamlDocument(text, file);
  return r.ok ? ok(r.value.data) : r;
}

async function parseYamlDocument(text: string, file: string): Promise<Result<{ data: unknown; starts: Record<string, TextStart> }>> {
  const yaml = await import('yaml');
  const { parseDocument, LineCounter, visit } = yaml;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter });
  if (doc.errors.length > 0) {
    return fail(...doc.errors.map((e): MarginError => ({ code: 'E_SPEC', message: yamlMessage(e.message),
      at: { file, line: e.linePos?.[0]?.line, column: e.linePos?.[0]?.col } })));
  }
  try {
    const data: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return { ok: true, value: { data, starts: valueStarts(doc, lineCounter, yaml) } };
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
  const doc = await parseYamlDocument(text, file);
  if (!doc.ok) return doc;
  const data = { value: doc.value.data };
  // zod builds records by assignment, so a key `__proto__` would vanish into the prototype; names are
  // checked on the data as parsed, where every key is an own property.
  const raw = data.value as { params?: unknown } | null;
  const rawParams = raw && typeof raw === 'object' && raw.params && typeof raw.params === 'object' ? Object.keys(raw.params) : [];
  const badNames = checkParams(Object.fromEntries(rawParams.filter((k) => !/^[A-Za-z][A-Za-z0-9_]*$/.test(k)).map((k) => [k, { default: 0, description: k }])));
  if (badNames.length) return fail(...badNames.map((e) => ({ ...e, at: { ...e.at, file, line: lineOfKey(text, 'params') } })));
  const rawWhere = raw && typeof raw === 'object' && 'where' in raw && raw.where && typeof raw.where === 'object' ? Object.keys(raw.where) : [];
  const badWhere = rawWhere.filter((k) => !/^[A-Za-z][A-Za-z0-9_]*$/.test(k));
  if (badWhere.length) {
    return fail({ code: 'E_SPEC', message: `'${shownName(badWhere[0])}' is not a valid name for a where definition`, at: { file, slot: 'where', line: lineOfKey(text, 'where') },
      hint: 'letters, digits and _, starting with a letter' });
  }
  const parsed = (await specSchema()).safeParse(data.value);
  const given = raw && typeof raw === 'object' ? raw as Record<string, unknown> : {};
  // The slots' form needs m, h_w and h_l unless the loss is written whole as L (said with the schema's complaints).
  const missing = given.L === undefined && given.responses === undefined ? (['m', 'h_w', 'h_l'] as const).filter((k) => given[k] === undefined)
    .map((k): MarginError => ({ code: 'E_SPEC', message: `${k}: required (or write the whole loss as L)`, at: { file, slot: k } })) : [];
  if (!parsed.success) {
    return fail(...parsed.error.issues.map((i): MarginError => {
      const field = String(i.path[0] ?? '');
      return { code: 'E_SPEC', message: schemaIssue(i as Parameters<typeof schemaIssue>[0]), at: { file, slot: field ? shownName(field) : undefined, line: field ? lineOfKey(text, field) : undefined } };
    }), ...missing);
  }
  if (missing.length) return fail(...missing);
  const s = parsed.data;
  const slotKeys = (['m', 'h_w', 'h_l', 'Lambda', 'Lambda_w', 'Lambda_l'] as const).filter((k) => s[k] !== undefined);
  if (s.responses !== undefined && slotKeys.length) {
    return fail({ code: 'E_SPEC', message: `a loss over ranked responses (responses: ${s.responses}) is written whole as L; this file also gives ${slotKeys.join(', ')}`,
      at: { file, slot: slotKeys[0], line: lineOfKey(text, slotKeys[0]) }, hint: 'the slots belong to the two-response form; write every term into L, in logp_1 … logp_K' });
  }
  if (s.L !== undefined && slotKeys.length) {
    return fail({ code: 'E_SPEC', message: `a loss is written either whole as L or as m, h_w, h_l, Lambda, Lambda_l; this file gives L and ${slotKeys.join(', ')}`,
      at: { file, slot: slotKeys[0], line: lineOfKey(text, slotKeys[0]) }, hint: "write the slots' terms into L (in logp_w and logp_l), or drop L" });
  }
  if (s.Lambda !== undefined && s.Lambda_w !== undefined) {
    return fail({ code: 'E_SPEC', message: 'Lambda_w is another name for Lambda; give one of them', at: { file, slot: 'Lambda_w', line: lineOfKey(text, 'Lambda_w') },
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
    notes: s.notes, origin: file, locations: doc.value.starts });
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
