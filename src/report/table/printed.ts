// Does the paper's printed Table 2 row give the same gradient weights as the loss itself? Both are
// derived and compared at seeded random points of the audit domain; where d_w or d_l differ, the table
// carries a footnote quoting the entry's `printed.discrepancies` instead of copying the printed row.

import type { CatalogueEntry } from '../../loss/catalogue/index.js';
import { checkLoss } from '../../loss/check.js';
import { printedSource } from '../../loss/source.js';
import type { LossSpec } from '../../loss/types.js';
import { samplePoint } from '../../symbolic/audit.js';
import { derive } from '../../symbolic/derive.js';
import { type CompiledDerivation, compileDerivation, regimeAt } from '../../symbolic/point.js';
import { MarginFault } from '../../errors.js';
import { makeRng } from '../../util/prng.js';

export interface PrintedComparison {
  readonly id: string;
  /** Points where both forms were finite and off every regime boundary. */
  readonly compared: number;
  /** Of those, where d_w or d_l differ beyond rounding. */
  readonly differing: number;
  /** One such point, for the footnote. */
  readonly witness?: { values: Record<string, number>; derived: [number, number]; printed: [number, number] };
  readonly discrepancies: readonly string[];
}

function weightsAt(c: CompiledDerivation, env: Record<string, number>): [number, number] | undefined {
  try {
    const r = c.regimes[regimeAt(c, env)];
    const w: [number, number] = [r.dW(env), r.dL(env)];
    return w.every(Number.isFinite) ? w : undefined;
  } catch (e) {
    if (e instanceof MarginFault) return undefined;
    throw e;
  }
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

export function comparePrinted(entry: CatalogueEntry, spec: LossSpec, opts: { samples?: number; seed?: number } = {}): PrintedComparison | undefined {
  const src = printedSource(entry);
  if (!src) return undefined;
  const printedSpec = checkLoss(src);
  const a = derive(spec);
  const b = printedSpec.ok ? derive(printedSpec.value) : undefined;
  if (!a.ok || !b?.ok) return { id: entry.id, compared: 0, differing: 0, discrepancies: entry.printed?.discrepancies ?? [] };
  const ca = compileDerivation(a.value), cb = compileDerivation(b.value);
  const rng = makeRng(opts.seed ?? 7);
  let compared = 0, differing = 0;
  let witness: PrintedComparison['witness'];
  for (let i = 0; i < (opts.samples ?? 500); i++) {
    // The printed row may declare extra params; sampling its spec covers both forms.
    const env = samplePoint(printedSpec.ok ? printedSpec.value : spec, rng);
    const wa = weightsAt(ca, env), wb = weightsAt(cb, env);
    if (!wa || !wb) continue;
    compared++;
    if (!close(wa[0], wb[0]) || !close(wa[1], wb[1])) {
      differing++;
      witness ??= { values: env, derived: wa, printed: wb };
    }
  }
  return { id: entry.id, compared, differing, witness, discrepancies: entry.printed?.discrepancies ?? [] };
}
