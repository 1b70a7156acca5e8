// Test helpers: catalogue losses as checked specs, and derivations compiled once per file.
import { CATALOGUE, type CatalogueEntry } from '../../src/loss/catalogue/index.js';
import { checkLoss } from '../../src/loss/check.js';
import { fromCatalogue, printedSource } from '../../src/loss/file.js';
import type { LossSpec } from '../../src/loss/types.js';
import { parseExpression } from '../../src/loss/parse.js';
import type { Expr } from '../../src/expr/expr.js';

export function specOf(id: string): LossSpec {
  const e = CATALOGUE.find((x) => x.id === id);
  if (!e) throw new Error(`no catalogue entry ${id}`);
  const r = checkLoss(fromCatalogue(e));
  if (!r.ok) throw new Error(r.errors.map((x) => x.message).join('; '));
  return r.value;
}

export function printedSpecOf(entry: CatalogueEntry): LossSpec {
  const src = printedSource(entry);
  if (!src) throw new Error(`${entry.id} has no printed row`);
  const r = checkLoss(src);
  if (!r.ok) throw new Error(r.errors.map((x) => x.message).join('; '));
  return r.value;
}

/** Parse an expression over the given symbols, failing the test on error. */
export function expr(text: string, symbols: readonly string[]): Expr {
  const r = parseExpression(text, { slot: 'test', symbols: new Set(symbols) });
  if (!r.ok) throw new Error(r.errors.map((x) => x.message).join('; '));
  return r.value;
}

export { CATALOGUE };
