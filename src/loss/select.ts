// The losses a command was asked about: catalogue ids (or every entry) and spec files, each checked;
// every refusal is collected, so one run names all the bad names at once.
import { CATALOGUE, findEntry } from './catalogue/index.js';
import { checkLoss } from './check.js';
import { type MarginError, didYouMean, fail, ok, type Result } from '../errors.js';
import { fromCatalogue, loadSpecFile } from './file.js';
import type { LossSpec } from './types.js';

export interface LossSelection {
  /** Comma-separated catalogue ids, or 'all' for the whole catalogue. */
  ids?: string;
  files?: readonly string[];
}

export async function selectLosses(sel: LossSelection): Promise<Result<LossSpec[]>> {
  const ids = sel.ids === 'all' ? CATALOGUE.map((e) => e.id) : (sel.ids ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!ids.length && !sel.files?.length) return fail({ code: 'E_USAGE', message: 'name the losses: --losses dpo,simpo, --all, --file spec.yaml, or one with --loss or inline --m …', at: { slot: '--losses' } });
  const errors: MarginError[] = [];
  const specs: LossSpec[] = [];
  for (const id of ids) {
    const entry = findEntry(id);
    if (!entry) {
      const guess = didYouMean(id, CATALOGUE.map((e) => e.id));
      errors.push({ code: 'E_UNKNOWN_LOSS', message: `'${id}' is not a catalogue loss`, at: { slot: '--losses', symbol: id }, hint: guess ? `did you mean '${guess}'?` : `catalogue: ${CATALOGUE.map((e) => e.id).join(', ')}` });
      continue;
    }
    const r = checkLoss(fromCatalogue(entry));
    if (r.ok) specs.push(r.value); else errors.push(...r.errors);
  }
  for (const file of sel.files ?? []) {
    const r = await loadSpecFile(file);
    if (r.ok) specs.push(r.value); else errors.push(...r.errors);
  }
  return errors.length ? { ok: false, errors } : ok(specs);
}
