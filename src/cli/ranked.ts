// The ranked-response branch of eval, classify and derive: a loss with `responses: K` has weights d_1 … d_K
// (symbolic/ranked.ts) and a K×K Gram matrix (symbolic/gram.ts) in place of d_w, d_l and --inner/--norm-*.

import { existsSync } from 'node:fs';
import type { LossSpec } from '../loss/types.js';
import { readTextFile } from '../loss/files.js';
import { parseGram, patternVerdicts, rankedStep } from '../symbolic/gram.js';
import { parseAssignments } from '../symbolic/point.js';
import { proveRankedSigns } from '../symbolic/interval/ranked-signs.js';
import { compileRanked, completeRankedPoint, deriveRanked, evaluateRanked, type RankedEvaluation } from '../symbolic/ranked.js';
import { rankedClassificationJson, rankedClassificationText, rankedDerivationJson, rankedDerivationText, rankedEvaluationJson, rankedEvaluationText } from '../report/ranked.js';
import { UsageError, json, need, out } from './common.js';

function evaluated(spec: LossSpec, o: { at: string; outsideDomain?: boolean }): RankedEvaluation {
  const d = need(deriveRanked(spec));
  return need(evaluateRanked(compileRanked(d), need(completeRankedPoint(d, need(parseAssignments(o.at)), { outsideDomain: o.outsideDomain }))), { slot: '--at' });
}

export function rankedEval(spec: LossSpec, o: { at: string; outsideDomain?: boolean; json?: boolean }): void {
  const e = evaluated(spec, o);
  if (o.json) json(rankedEvaluationJson(e)); else out(rankedEvaluationText(e));
}

/** --gram: the K² entries row by row, or a JSON file holding them. */
function gramText(v: string): string {
  return /\.json$/i.test(v) || existsSync(v) ? need(readTextFile(v, { what: 'Gram matrix file' }), { slot: '--gram' }) : v;
}

export function rankedClassify(spec: LossSpec, o: { at: string; gram?: string; eta: number; outsideDomain?: boolean; json?: boolean; inner?: number }): void {
  const K = spec.ranked!.K;
  if (o.gram === undefined || o.inner !== undefined) {
    throw new UsageError([{ code: 'E_USAGE', message: `a loss over ${K} ranked responses takes its step's gradients as --gram (a ${K}×${K} Gram matrix), not --inner/--norm-w2/--norm-l2`, at: { slot: '--gram' },
      hint: `e.g. --gram ${Array.from({ length: K * K }, (_, i) => (i % (K + 1) === 0 ? 1 : 0)).join(',')} (the identity: orthogonal unit gradients)` }]);
  }
  const G = need(parseGram(gramText(o.gram), K));
  const e = evaluated(spec, o);
  const step = rankedStep(e.certified, G, o.eta);
  const patterns = patternVerdicts(e.certified);
  if (o.json) json(rankedClassificationJson(e, G, o.eta, step, patterns)); else out(rankedClassificationText(e, G, o.eta, step, patterns));
}

/** derive: the weights, each response's condition, and each weight's sign proved on the whole domain (--budget, --no-prove). */
export function rankedDerive(spec: LossSpec, o: { json?: boolean; budget?: number; prove?: boolean }): void {
  const d = need(deriveRanked(spec));
  const signs = o.prove === false ? undefined : proveRankedSigns(d, { timeLimitMs: o.budget });
  if (o.json) json(rankedDerivationJson(d, signs)); else out(rankedDerivationText(d, signs ?? 'not proved'));
}
