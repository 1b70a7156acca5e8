// Where a loss comes from: a catalogue id, a spec file (JSON or YAML), or inline expressions. The parts
// that need no file system live in source.ts (the playground bundles them); this file adds reading files.

import { existsSync } from 'node:fs';
import { CATALOGUE, findEntry } from './catalogue/index.js';
import { type MarginError, type Result, didYouMean, fail } from '../errors.js';
import { checkLoss } from './check.js';
import { readTextFile } from './files.js';
import { fromCatalogue, lineOfKey, parseSpecText } from './source.js';
import type { LossSpec } from './types.js';

export { fromCatalogue, printedSource, parseSpecText, inlineLoss, type InlineLoss } from './source.js';

/** Attach file and line to errors raised while checking a loss read from a file. */
function locate(errors: readonly MarginError[], file: string, text: string): MarginError[] {
  return errors.map((e) => {
    const slot = e.at?.slot;
    const line = slot ? lineOfKey(text, slot) : undefined;
    return { ...e, at: { ...e.at, file, line: line ?? e.at?.line } };
  });
}

export async function loadSpecFile(path: string): Promise<Result<LossSpec>> {
  const read = readTextFile(path, { what: 'spec file' });
  if (!read.ok) return read;
  const text = read.value;
  const src = await parseSpecText(text, path);
  if (!src.ok) return src;
  const spec = checkLoss(src.value);
  // Column numbers inside a file are relative to the expression's own text; the line is the key's.
  return spec.ok ? spec : { ok: false, errors: locate(spec.errors, path, text) };
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
