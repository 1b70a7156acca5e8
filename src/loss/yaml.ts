// Spec and claims files as YAML (JSON is a subset): the data, and where in the text each value sits, so a
// complaint about `params.beta` names the line and column of beta's value and not only the file. Pure
// text in, no file system (the playground bundles it); yaml loads only when a file is read.

import { load as loadYaml } from '../util/packages/yaml.js';
import { type MarginError, type Result, fail, ok } from '../errors.js';

/** A 1-based line and column in the file's text. */
export interface TextPosition { readonly line: number; readonly column: number }

export interface YamlData {
  readonly value: unknown;
  /** Where the value at `path` starts; for a path that is missing, where its nearest present parent starts. */
  readonly at: (path: readonly PropertyKey[]) => TextPosition | undefined;
  /** Where the key `key` of the mapping at `path` is written (for an unknown key). */
  readonly keyAt: (path: readonly PropertyKey[], key: string) => TextPosition | undefined;
  /** Where the expression held by the scalar at `path` starts: its line, and the column of its first character
   * where it sits on one line (after a quote), so columns inside it map to the file's; undefined if absent. */
  readonly scalarStart: (path: readonly PropertyKey[]) => { readonly line: number; readonly column?: number } | undefined;
}

/** yaml's message without the file's own text: quoted tokens and alias names are left out (a file that fails
 * to parse may be anything — a secret opened by mistake — and its contents must not reach a CI log). */
function yamlMessage(message: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?\s*$/, '');
  return first.replace(/"[^"]*"?/g, '"…"').replace(/\): .*$/, ')').slice(0, 160);
}

/** Aliases yaml may expand before it refuses (its own default): a spec file needs none. */
const MAX_ALIAS_COUNT = 100;

/** YAML (or JSON) text → plain data and a locator, with E_SPEC errors located at line and column. */
export async function parseYamlDoc(text: string, file: string): Promise<Result<YamlData>> {
  const { parseDocument, LineCounter, visit, isMap, isScalar, isCollection } = await loadYaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter });
  if (doc.errors.length > 0) {
    return fail(...doc.errors.map((e): MarginError => ({ code: 'E_SPEC', message: yamlMessage(e.message),
      at: { file, line: e.linePos?.[0]?.line, column: e.linePos?.[0]?.col } })));
  }
  const position = (offset: number | undefined): TextPosition | undefined => {
    if (offset === undefined) return undefined;
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  type Node = { range?: [number, number, number] | null };
  // The deepest node present along the path (a missing key is located at the mapping that lacks it).
  const nodeAt = (path: readonly PropertyKey[]): Node | undefined => {
    let node: unknown = doc.contents;
    for (const k of path) {
      if (!isCollection(node)) break;
      const child = node.get(typeof k === 'number' ? k : String(k), true);
      if (child === undefined || child === null) break;
      node = child;
    }
    return node as Node | undefined;
  };
  const at = (path: readonly PropertyKey[]) => position(nodeAt(path)?.range?.[0]);
  const keyAt = (path: readonly PropertyKey[], key: string) => {
    const map = nodeAt(path);
    if (!isMap(map)) return undefined;
    const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    return pair && isScalar(pair.key) ? position(pair.key.range?.[0]) : undefined;
  };
  const scalarStart = (path: readonly PropertyKey[]) => {
    let node: unknown = doc.contents;
    for (const k of path) {
      if (!isCollection(node)) return undefined;
      node = node.get(typeof k === 'number' ? k : String(k), true);
    }
    if (!isScalar(node) || !node.range) return undefined;
    const start = position(node.range[0])!, end = position(node.range[1])!;
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
    return (quoted || node.type === 'PLAIN') && start.line === end.line ? { line: start.line, column: start.column + (quoted ? 1 : 0) } : { line: start.line };
  };
  try {
    return ok({ value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), at, keyAt, scalarStart });
  } catch {
    // A billion-laughs file: aliases that expand exponentially. Located at its first alias.
    let where: { line?: number; column?: number } = {};
    visit(doc, { Alias(_key, node) {
      where = position(node.range?.[0]) ?? {};
      return visit.BREAK;
    } });
    return fail({ code: 'E_SPEC', message: `the YAML's aliases expand more than ${MAX_ALIAS_COUNT} times (an alias bomb)`, at: { file, ...where },
      hint: 'write the values out; spec and claims files need no anchors or aliases' });
  }
}

/** The plain value at a path (own keys only: `__proto__` is a key like any other). */
export const valueAt = (data: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' && Object.hasOwn(v, k as string) ? (v as Record<string, unknown>)[k as string] : undefined), data);

/** The part of a file under `prefix` (a claims file's `loss:` mapping), located in the whole file. */
export function within(data: YamlData, prefix: readonly PropertyKey[]): YamlData {
  return { value: valueAt(data.value, prefix), at: (p) => data.at([...prefix, ...p]), keyAt: (p, key) => data.keyAt([...prefix, ...p], key),
    scalarStart: (p) => data.scalarStart([...prefix, ...p]) };
}

/** YAML (or JSON, a subset) text → plain data, with E_SPEC errors located at line and column. */
export async function parseYamlText(text: string, file: string): Promise<Result<unknown>> {
  const r = await parseYamlDoc(text, file);
  return r.ok ? ok(r.value.value) : r;
}
