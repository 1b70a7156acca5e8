// zod's complaints about a spec or claims file, said for a person: what was expected and what was found
// (`beta: expected a number or {default, range}, got "abc"`, `m is missing — every loss needs m, h_w, h_l`),
// at the line and column of the value in the file. A union's complaint is resolved to the branch the value
// meant to take (an object with a bad `default` is a bad default, not "Invalid input").
//
// What is echoed from the file stays small: names pass through shownName, and a value found is quoted only
// when short and plain (a file opened by mistake may hold secrets, and this line reaches CI logs).

import { type MarginError, shownName } from '../errors.js';
import { type TextPosition, type YamlData, valueAt } from './yaml.js';

/** The parts of a zod issue read here (zod v4's shape). */
export interface SchemaIssue {
  readonly code?: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
  readonly expected?: string;
  readonly minimum?: number | bigint;
  readonly origin?: string;
  readonly values?: readonly unknown[];
  readonly errors?: readonly (readonly SchemaIssue[])[];
}

/** The words for one kind of file: what each field holds and why a required one must be there. Keys are
 * dotted paths, `*` standing for any name or index: `params.*` → 'a number or {default, range}'. */
export interface SchemaWords {
  readonly expected: Readonly<Record<string, string>>;
  readonly required: Readonly<Record<string, string>>;
}

const matches = (pattern: string, path: readonly PropertyKey[]): boolean => {
  const parts = pattern.split('.');
  return parts.length === path.length && parts.every((p, i) => p === '*' || p === String(path[i]));
};
const lookup = (table: Readonly<Record<string, string>>, path: readonly PropertyKey[]): string | undefined =>
  Object.entries(table).find(([k]) => matches(k, path))?.[1];

/** A union's complaint as the complaints of the branch the value was meant for: one that got past the
 * value's type (its issues lie deeper, or are not a type mismatch at the value itself). */
function resolveUnion(i: SchemaIssue, prefix: readonly PropertyKey[]): SchemaIssue[] {
  const path = [...prefix, ...i.path];
  if (i.code !== 'invalid_union' || !i.errors?.length) return [{ ...i, path }];
  const typeMismatch = (b: readonly SchemaIssue[]) => b.every((x) => x.code === 'invalid_type' && x.path.length === 0);
  const depth = (b: readonly SchemaIssue[]) => Math.min(...b.map((x) => x.path.length));
  const meant = i.errors.filter((b) => b.length > 0 && !typeMismatch(b)).sort((a, b) => depth(b) - depth(a))[0];
  return meant ? meant.flatMap((x) => resolveUnion(x, path)) : [{ ...i, path }];
}

/** What was found, echoed only when short and plain, and only under a key the file type knows (the whole
 * of a file opened by mistake, `hunter2`, is described, not echoed). */
export function foundText(v: unknown, echo = true): string {
  if (typeof v === 'string') return v === '' ? 'an empty string' : echo && /^[A-Za-z0-9_.+-]{1,16}$/.test(v) ? `"${v}"` : `a string of ${[...v].length} characters`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return 'nothing (null)';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  return typeof v === 'object' ? 'a mapping' : typeof v;
}

/** zod's own expectation, where the words for the file have none. */
function zodExpected(i: SchemaIssue): string {
  const named: Record<string, string> = { object: 'a mapping', array: 'a list', record: 'a mapping' };
  if (i.code === 'invalid_type' && i.expected) return named[i.expected] ?? (/^[aeiou]/.test(i.expected) ? `an ${i.expected}` : `a ${i.expected}`);
  if (i.code === 'too_small' && i.origin === 'string') return 'a non-empty string';
  if (i.code === 'too_small' && i.origin === 'array') return `a list of at least ${i.minimum}`;
  if (i.code === 'too_small' || i.code === 'too_big' || i.code === 'not_multiple_of') return i.message.replace(/^Too (small|big): /, '').replace(/^Invalid input: /, '');
  if (i.code === 'invalid_value' && i.values) return `one of ${i.values.map(String).join(', ')}`;
  return i.message.replace(/^Invalid input: /, '');
}

const segment = (k: PropertyKey) => (typeof k === 'number' ? `[${k}]` : shownName(String(k)));
/** The path under its top-level key (which the location names as the slot): `params.beta` → `beta`. */
function shownPath(path: readonly PropertyKey[]): string {
  if (path.length <= 1) return path.length ? segment(path[0]) : 'file';
  const rest = path.slice(1);
  const text = rest.map((k, j) => (typeof k === 'number' || j === 0 ? segment(k) : `.${segment(k)}`)).join('');
  return typeof rest[0] === 'number' ? `${segment(path[0])}${text}` : text;
}

/** Every complaint of a failed schema parse as a located E_SPEC. */
export function schemaErrors(issues: readonly SchemaIssue[], data: YamlData, file: string, words: SchemaWords): MarginError[] {
  return issues.flatMap((top) => resolveUnion(top, [])).map((i): MarginError => {
    const slot = i.path.length ? shownName(String(i.path[0])) : undefined;
    const loc = (p: TextPosition | undefined) => ({ file, slot, line: p?.line, column: p?.column });
    if (i.code === 'unrecognized_keys' && i.keys?.length) {
      const more = i.keys.length > 1 ? ` (and ${i.keys.length - 1} more)` : '';
      const message = `unknown key '${shownName(i.keys[0])}'${more}`;
      return { code: 'E_SPEC', message: i.path.length ? `${shownPath(i.path)}: ${message}` : message, at: loc(data.keyAt(i.path, i.keys[0]) ?? data.at(i.path)) };
    }
    const expected = lookup(words.expected, i.path) ?? zodExpected(i);
    const value = valueAt(data.value, i.path);
    if (value === undefined && i.path.length) {
      const why = lookup(words.required, i.path) ?? `expected ${expected}`;
      return { code: 'E_SPEC', message: `${segment(i.path[i.path.length - 1])} is missing — ${why}`, at: loc(data.at(i.path)) };
    }
    return { code: 'E_SPEC', message: `${shownPath(i.path)}: expected ${expected}, got ${foundText(value, i.path.length > 0)}`, at: loc(data.at(i.path)) };
  });
}
