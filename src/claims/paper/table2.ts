// Table 2, row by row, checked as printed: each printed row is derived as a loss of its own and its
// weights compared with those of the loss as its authors define it (the catalogue entry).

import { makeRng } from '../../util/prng.js';
import { findEntry } from '../../loss/catalogue/index.js';
import { toText } from '../../symbolic/print.js';
import { directionAudit } from '../../symbolic/audit.js';
import type { Claim } from '../types.js';
import { type Weights, lossOf, paperIds, printedOf, r4, relErr, roundEnv, sampleWeights, verdict, weightsAt } from '../tools.js';
import type { CatalogueEntry } from '../../loss/catalogue/index.js';
import type { CompiledDerivation } from '../../symbolic/point.js';

/** The authors' weights at each sample against the printed row's: how often they (and their ratio) differ, and the worst. */
function againstPrinted(printed: CompiledDerivation, ws: readonly Weights[]) {
  let differ = 0, ratioDiffer = 0, worstErr = 0;
  let worst: Record<string, unknown> | undefined;
  for (const w of ws) {
    const q = weightsAt(printed, w.env);
    if (!q) continue;
    const err = Math.max(relErr(w.dW, q.dW), relErr(w.dL, q.dL));
    if (err > 1e-9) differ++;
    const r1 = w.dL !== 0 ? w.dW / w.dL : NaN, r2 = q.dL !== 0 ? q.dW / q.dL : NaN;
    if (Number.isFinite(r1) && Number.isFinite(r2) && relErr(r1, r2) > 1e-9) ratioDiffer++;
    if (err > worstErr) {
      worstErr = err;
      worst = { point: roundEnv(w.env), authors: { dW: r4(w.dW), dL: r4(w.dL) }, printed: { dW: r4(q.dW), dL: r4(q.dL) } };
    }
  }
  return { differ, ratioDiffer, worstErr, worst };
}

/** The row's notes: its recorded discrepancies, where the printed row's own weights turn negative, and the derived ratio. */
function rowNotes(entry: CatalogueEntry, truth: CompiledDerivation, printed: CompiledDerivation, o: { samples: number; seed: number }): string[] {
  const audit = directionAudit(printed, { samples: Math.min(o.samples * 4, 4000), seed: o.seed });
  const notes = [...entry.printed!.discrepancies];
  if (audit.dW.negative) notes.push(`Printed row: d_w < 0 at ${audit.dW.negative}/${audit.valid} audit samples (it would push the chosen response down), e.g. ${JSON.stringify(roundEnv(audit.dW.witness!.values))}.`);
  if (audit.dL.negative) notes.push(`Printed row: d_l < 0 at ${audit.dL.negative}/${audit.valid} audit samples (it would push the rejected response up), e.g. ${JSON.stringify(roundEnv(audit.dL.witness!.values))}.`);
  const derivedRatio = truth.derivation.regimes.map((r) => (r.ratio ? toText(r.ratio) : 'undefined')).join(' | ');
  notes.push(`Derived d_w/d_l (authors' loss): ${derivedRatio}.`);
  return notes;
}

function rowClaim(id: string): Claim {
  const entry = findEntry(id)!;
  const p = entry.printed!;
  return {
    id: `table2-${id}`,
    where: `Table 2, row ${entry.name}`,
    statement: `m(a) = ${p.m}, h_w(a) = ${p.h_w}, h_l(a) = ${p.h_l}, Λ(a) = ${p.Lambda}`,
    method: 'symbolic+numeric',
    how: `The printed row is derived as a loss and its d_w, d_l compared at sampled points with those of ${entry.name} as ${entry.citation?.authors.split(',')[0]} et al. define it; the printed row also gets its own direction audit.`,
    check: ({ seed, samples }) => {
      const truth = lossOf(id), printed = printedOf(id);
      const ws = sampleWeights(truth, makeRng(seed), samples);
      const { differ, ratioDiffer, worstErr, worst } = againstPrinted(printed, ws);
      const notes = rowNotes(entry, truth, printed, { samples, seed });
      if (differ === 0) return verdict(`table2-${id}`, 'verified', `The printed row has the same d_w and d_l as ${entry.name} at all ${ws.length} samples.`,
        { samples: ws.length, seed, maxRelError: worstErr, notes });
      return verdict(`table2-${id}`, 'refuted',
        `The printed row's d_w, d_l differ from ${entry.name}'s at ${differ}/${ws.length} samples (worst relative difference ${r4(worstErr)}); the ratio d_w/d_l ${ratioDiffer ? `differs at ${ratioDiffer}` : 'agrees at every sample'}.`,
        { samples: ws.length, seed, maxRelError: worstErr, worst, notes });
    },
  };
}

export const table2: readonly Claim[] = paperIds().map(rowClaim);
