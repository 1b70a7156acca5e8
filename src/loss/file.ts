// Where a loss comes from: a catalogue id, a spec file (JSON or YAML), or inline expressions. The parts
// that need no file system live in source.ts (the playground bundles them); this file adds reading files.

import { existsSync } from 'node:fs';
import { CATALOGUE, findEntry } from './catalogue/index.js';
import { type MarginError, type Result, didYouMean, fail } from '../errors.js';
import { checkLoss } from './check.js';
import { readTextFile } from './files.js';
import { fromCatalogue, parseSpecDoc } from './source.js';
import type { YamlData } from './yaml.js';
import type { LossSource, LossSpec } from './types.js';

export { fromCatalogue, printedSource, parseSpecText, inlineLoss, type InlineLoss } from './source.js';

/**
 * Attach file, line and column to errors raised while checking a loss read from a file. An expression's own
 * columns count from its first character; they are moved to the file's where its value sits on one line (a
 * value folded over several lines keeps only its line, since its columns do not map one to one). A
 * parameter's error is located at its value.
 */
export function locate(errors: readonly MarginError[], file: string, data: YamlData, starts: LossSource['locations'] = {}): MarginError[] {
  return errors.map((e) => {
    const slot = e.at?.slot;
    if (slot === 'params' && e.at?.symbol !== undefined) {
      const p = data.at(['params', e.at.symbol]);
      return { ...e, at: { ...e.at, file, line: p?.line, column: p?.column } };
    }
    const start = slot && Object.hasOwn(starts, slot) ? starts[slot] : undefined;
    if (start) {
      const column = start.column !== undefined && e.at?.column !== undefined ? start.column + e.at.column - 1 : undefined;
      return { ...e, at: { ...e.at, file, line: start.line, column } };
    }
    const p = slot ? data.at([slot]) : undefined;
    return { ...e, at: { ...e.at, file, line: p?.line ?? e.at?.line } };
  });
}

export async function loadSpecFile(path: string): Promise<Result<LossSpec>> {
  const read = readTextFile(path, { what: 'spec file' });
  if (!read.ok) return read;
  const src = await parseSpecDoc(read.value, path);
  if (!src.ok) return src;
  const spec = checkLoss(src.value.source);
  return spec.ok ? spec : { ok: false, errors: locate(spec.errors, path, src.value.data, src.value.source.locations) };
}

/** A catalogue id or a path to a spec file. */
export async function resolveLoss(ref: string): Promise<Result<LossSpec>> {
  const entry = findEntry(ref);
  if (entry) return checkLoss(fromCatalogue(entry));
  if (/\.(ya?ml|json)$/i.test(ref) || existsSync(ref)) return loadSpecFile(ref);
  return fail(unknownLoss(ref, ref));
}

/** E_UNKNOWN_LOSS with a did-you-mean; `shown` is how the name may be echoed (sanitised when it came from a file). */
export function unknownLoss(ref: string, shown: string): MarginError {
  const guess = didYouMean(ref, CATALOGUE.map((e) => e.id));
  return { code: 'E_UNKNOWN_LOSS', message: `'${shown}' is neither a catalogue id nor a spec file`, at: { slot: '<loss>', symbol: shown },
    hint: guess ? `did you mean '${guess}'?` : `catalogue: ${CATALOGUE.map((e) => e.id).join(', ')}` };
}
