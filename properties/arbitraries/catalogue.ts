// Catalogue losses (and Table 2's rows as printed) with random hyperparameters drawn from each param's
// declared range; the spec is re-checked with the drawn values as its defaults.
import fc from 'fast-check';
import { CATALOGUE, type CatalogueEntry } from '../../src/loss/catalogue/index.js';
import { checkLoss } from '../../src/loss/check.js';
import { fromCatalogue, printedSource } from '../../src/loss/file.js';
import type { LossSource, LossSpec } from '../../src/loss/types.js';

export function mustCheck(source: LossSource): LossSpec {
  const r = checkLoss(source);
  if (!r.ok) throw new Error(`${source.id}: ${r.errors.map((e) => e.message).join('; ')}`);
  return r.value;
}

export const catalogueSpec = (e: CatalogueEntry): LossSpec => mustCheck(fromCatalogue(e));

/** Every loss the suite checks by name: the catalogue, and each Table 2 row as printed. */
export const NAMED_LOSSES: readonly { id: string; spec: LossSpec }[] = [
  ...CATALOGUE.map((e) => ({ id: e.id, spec: catalogueSpec(e) })),
  ...CATALOGUE.filter((e) => e.printed).map((e) => ({ id: `${e.id}@printed`, spec: mustCheck(printedSource(e)!) })),
];

/** A catalogue loss with hyperparameters drawn from their ranges (the defaults half the time). */
export function catalogueLossArb(): fc.Arbitrary<{ id: string; spec: LossSpec }> {
  return fc.constantFrom(...CATALOGUE).chain((entry) => {
    const names = Object.keys(entry.params);
    return fc.tuple(...names.map((n) => {
      const d = entry.params[n];
      const [lo, hi] = d.range ?? [1e-3, 1e3];
      const drawn = lo > 0 ? fc.double({ min: Math.log(lo), max: Math.log(hi), noNaN: true }).map((t) => Math.min(hi, Math.max(lo, Math.exp(t))))
        : fc.double({ min: lo, max: hi, noNaN: true });
      return fc.oneof(fc.constant(d.default), drawn);
    })).map((values) => {
      const params = { ...entry.params };
      names.forEach((n, i) => { params[n] = { ...params[n], default: values[i] }; });
      return { id: entry.id, spec: mustCheck({ ...fromCatalogue(entry), params }) };
    });
  });
}
