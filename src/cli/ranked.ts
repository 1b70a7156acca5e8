// The ranked-response branch of eval, classify, derive and sweep: a loss with `responses: K` has weights d_1 … d_K
// (symbolic/ranked.ts) and a K×K Gram matrix (symbolic/gram.ts) in place of d_w, d_l and --inner/--norm-*; remedy
// takes the same, and answers with the cone of weights that lift response 1 and lower the rest.

import { existsSync } from 'node:fs';
import type { LossSpec } from '../loss/types.js';
import { readTextFile } from '../loss/files.js';
import { parseGram, patternVerdicts, rankedStep } from '../symbolic/gram.js';
import { parseAssignments } from '../symbolic/point.js';
import { proveRankedSigns } from '../symbolic/interval/ranked-signs.js';
import { rankedAudit } from '../symbolic/ranked-audit.js';
import { compileRanked, completeRankedPoint, deriveRanked, evaluateRanked, type RankedEvaluation } from '../symbolic/ranked.js';
import { rankedClassificationJson, rankedClassificationText, rankedDerivationJson, rankedDerivationText, rankedEvaluationJson, rankedEvaluationText } from '../report/ranked.js';
import { UsageError, json, need, out } from './common.js';
import { MarginFault, withLocation } from '../errors.js';
import { rankedRemedy } from '../symbolic/ranked-remedy.js';
import { rankedRemedyJson, rankedRemedyText } from '../report/remedy.js';
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

/** The K×K Gram matrix a ranked loss's step takes, from --gram (refusing the two-response --inner/--norm-*). */
function rankedGram(K: number, o: { gram?: string; inner?: number; normW2?: number; normL2?: number }): number[][] {
  if (o.gram === undefined || o.inner !== undefined || o.normW2 !== undefined || o.normL2 !== undefined) {
    throw new UsageError([{ code: 'E_USAGE', message: `a loss over ${K} ranked responses takes its step's gradients as --gram (a ${K}×${K} Gram matrix), not --inner/--norm-w2/--norm-l2`, at: { slot: '--gram' },
      hint: `e.g. --gram ${Array.from({ length: K * K }, (_, i) => (i % (K + 1) === 0 ? 1 : 0)).join(',')} (the identity: orthogonal unit gradients)` }]);
  }
  return need(parseGram(gramText(o.gram), K));
}

export function rankedClassify(spec: LossSpec, o: { at: string; gram?: string; eta: number; outsideDomain?: boolean; json?: boolean; inner?: number }): void {
  const G = rankedGram(spec.ranked!.K, o);
  const e = evaluated(spec, o);
  const step = rankedStep(e.certified, G, o.eta);
  const patterns = patternVerdicts(e.certified);
  if (o.json) json(rankedClassificationJson(e, G, o.eta, step, patterns)); else out(rankedClassificationText(e, G, o.eta, step, patterns));
}

/** derive: the weights, each response's condition, and each weight's sign proved on the whole domain (--budget, --no-prove). */
export function rankedDerive(spec: LossSpec, o: { json?: boolean; budget?: number; prove?: boolean; samples?: number; seed?: number }): void {
  const d = need(deriveRanked(spec));
  // --budget: half for the sampled audit, half for the proofs (as for two responses); all of it with --no-prove.
  const half = o.budget === undefined ? undefined : o.prove === false ? o.budget : o.budget / 2;
  const audit = rankedAudit(compileRanked(d), { samples: o.samples, seed: o.seed, deadline: half === undefined ? undefined : performance.now() + half });
  const signs = o.prove === false ? undefined : proveRankedSigns(d, { timeLimitMs: half });
  if (o.json) json(rankedDerivationJson(d, signs, audit)); else out(rankedDerivationText(d, signs ?? 'not proved', audit));
}

/** `remedy` for a ranked loss: the cone of weights with response 1 ↑ and the rest ↓ (symbolic/ranked-remedy.ts); knobs are params. */
export function rankedRemedyCommand(spec: LossSpec, o: { at: string; gram?: string; knob?: string[]; outsideDomain?: boolean; json?: boolean; inner?: number; normW2?: number; normL2?: number }): void {
  const G = rankedGram(spec.ranked!.K, o);
  const d = need(deriveRanked(spec));
  const point = need(completeRankedPoint(d, need(parseAssignments(o.at)), { outsideDomain: o.outsideDomain }));
  const params = Object.keys(spec.source.params);
  const knobs = o.knob ?? params;
  for (const k of knobs) {
    if (!params.includes(k)) {
      throw new UsageError([{ code: 'E_PARAM', message: `'${k}' is not a knob of ${spec.source.name}: a loss over ranked responses takes its params as knobs (nll and weights are two-response knobs)`, at: { slot: '--knob', symbol: k }, hint: `knobs: ${params.join(', ') || '(none: this loss has no params)'}` }]);
    }
  }
  let r;
  try { r = rankedRemedy(compileRanked(d), point, G, knobs); } catch (e) {
    if (e instanceof MarginFault) throw new UsageError(withLocation([e.error], { slot: '--at' }));
    throw e;
  }
  if (o.json) json(rankedRemedyJson(r, G, point.outside)); else out(rankedRemedyText(r, point.outside));
}

/** sweep of a ranked loss: one variable, d_1 … d_K (and L; with --gram, Δlogp_k = η·(G·d)_k). */
export function rankedSweepOf(spec: LossSpec, o: { axes: readonly SweepAxis[]; of?: string; at: Record<string, number>; gram?: string; eta: number; pair: boolean }): Sweep<string> {
  const K = spec.ranked!.K;
  if (o.pair) throw refusePair(K);
  const G = o.gram === undefined ? undefined : need(parseGram(gramText(o.gram), K));
  const of = o.of ? need(parseRankedQuantities(o.of, K)) : defaultRankedQuantities(K, G !== undefined);
  return need(rankedSweep(compileRanked(need(deriveRanked(spec))), { axes: o.axes, of, at: o.at, gram: G, eta: o.eta }));
}
