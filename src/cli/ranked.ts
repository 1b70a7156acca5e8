// The ranked-response branch of eval, classify, derive and sweep: a loss with `responses: K` has weights d_1 … d_K
// (symbolic/ranked.ts) and a K×K Gram matrix (symbolic/gram.ts) in place of d_w, d_l and --inner/--norm-*.

import { existsSync } from 'node:fs';
import type { LossSpec } from '../loss/types.js';
import { readTextFile } from '../loss/files.js';
import { parseGram, patternVerdicts, rankedStep } from '../symbolic/gram.js';
import { parseAssignments } from '../symbolic/point.js';
import { compileRanked, completeRankedPoint, deriveRanked, evaluateRanked, type RankedEvaluation } from '../symbolic/ranked.js';
import { rankedClassificationJson, rankedClassificationText, rankedDerivationJson, rankedDerivationText, rankedEvaluationJson, rankedEvaluationText } from '../report/ranked.js';
import { UsageError, json, need, out } from './common.js';
import type { SweepAxis } from '../symbolic/sweep.js';
import { defaultRankedQuantities, parseRankedQuantities, rankedSweep } from '../symbolic/ranked-sweep.js';
import type { Sweep } from '../symbolic/sweep.js';

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

/** A ranked loss's step takes --gram, never a gradient pair's --inner/--norm-w2/--norm-l2. */
function refusePair(K: number): UsageError {
  return new UsageError([{ code: 'E_USAGE', message: `a loss over ${K} ranked responses takes its step's gradients as --gram (a ${K}×${K} Gram matrix), not --inner/--norm-w2/--norm-l2`, at: { slot: '--gram' },
    hint: `e.g. --gram ${Array.from({ length: K * K }, (_, i) => (i % (K + 1) === 0 ? 1 : 0)).join(',')} (the identity: orthogonal unit gradients)` }]);
}

export function rankedClassify(spec: LossSpec, o: { at: string; gram?: string; eta: number; outsideDomain?: boolean; json?: boolean; inner?: number }): void {
  const K = spec.ranked!.K;
  if (o.gram === undefined || o.inner !== undefined) throw refusePair(K);
  const G = need(parseGram(gramText(o.gram), K));
  const e = evaluated(spec, o);
  const step = rankedStep(e.certified, G, o.eta);
  const patterns = patternVerdicts(e.certified);
  if (o.json) json(rankedClassificationJson(e, G, o.eta, step, patterns)); else out(rankedClassificationText(e, G, o.eta, step, patterns));
}

export function rankedDerive(spec: LossSpec, o: { json?: boolean }): void {
  const d = need(deriveRanked(spec));
  if (o.json) json(rankedDerivationJson(d)); else out(rankedDerivationText(d));
}

/** sweep of a ranked loss: one variable, d_1 … d_K (and L; with --gram, Δlogp_k = η·(G·d)_k). */
export function rankedSweepOf(spec: LossSpec, o: { axes: readonly SweepAxis[]; of?: string; at: Record<string, number>; gram?: string; eta: number; pair: boolean }): Sweep<string> {
  const K = spec.ranked!.K;
  if (o.pair) throw refusePair(K);
  const G = o.gram === undefined ? undefined : need(parseGram(gramText(o.gram), K));
  const of = o.of ? need(parseRankedQuantities(o.of, K)) : defaultRankedQuantities(K, G !== undefined);
  return need(rankedSweep(compileRanked(need(deriveRanked(spec))), { axes: o.axes, of, at: o.at, gram: G, eta: o.eta }));
}
