// A loss over K ranked responses (issue 18, item 3): `responses: K` with L written whole in logp_1 … logp_K
// (response 1 the most preferred, in rank order), c_ref_1 … c_ref_K, len_1 … len_K and the params. The
// two-response names (logp_w, c_ref_l, the slots m, h_w, …) have no meaning here, and a symbol past K
// (logp_4 of a three-response loss) names a response the loss does not have: both are refused, located.

import { type Expr, dependsOn, num } from '../expr/expr.js';
import { type MarginError, type Result, fail, ok } from '../errors.js';
import { parseExpression } from './parse.js';
import { ARG, CONTEXT_NAMES, LOGP_L, LOGP_W } from './symbols.js';
import { applyWhere, expandWhere } from './where.js';
import { SLOTS, type LossSource, type LossSpec, type ParamDecl } from './types.js';

export const MIN_RESPONSES = 2;
export const MAX_RESPONSES = 8;

/** The per-response symbols, by rank: logp_k, c_ref_k, len_k. */
export const RANKED_KINDS = ['logp', 'c_ref', 'len'] as const;
export const rankedName = (kind: (typeof RANKED_KINDS)[number], k: number): string => `${kind}_${k}`;
export const logpName = (k: number): string => rankedName('logp', k);
const ranks = (K: number): number[] => Array.from({ length: K }, (_, i) => i + 1);

/** The symbols a K-response L may name (besides its where definitions). */
export function rankedSymbols(K: number, params: Readonly<Record<string, ParamDecl>>): Set<string> {
  return new Set([...RANKED_KINDS.flatMap((kind) => ranks(K).map((k) => rankedName(kind, k))), ...Object.keys(params)]);
}

/** Why a name a ranked L may not use is refused, and what to write instead. */
export function rankedHints(K: number): Record<string, string> {
  const range = (kind: string) => `${kind}_1 … ${kind}_${K}`;
  const hints: Record<string, string> = {};
  // Past K: a response the loss does not declare (up to 16, well past the limit of 8, for a plain message).
  for (const kind of RANKED_KINDS) {
    for (let k = K + 1; k <= 16; k++) hints[rankedName(kind, k)] = `this loss declares responses: ${K}, so its symbols are ${range(kind)}; raise responses to use ${rankedName(kind, k)}`;
    hints[rankedName(kind, 0)] = `responses are ranked from 1 (the most preferred) to ${K}: ${range(kind)}`;
  }
  const twoSided = `a loss over ranked responses names them by rank: ${range('logp')} (1 the most preferred), ${range('c_ref')}, ${range('len')}`;
  for (const name of [LOGP_W, LOGP_L, ...CONTEXT_NAMES]) hints[name] = `${name} belongs to the two-response form; ${twoSided}`;
  hints[ARG] = `L is written in the log-probabilities themselves; there is no argument 'a'. ${twoSided}`;
  return hints;
}

const rankedError = (message: string, slot: string, hint?: string): MarginError => ({ code: 'E_SPEC', message, at: { slot }, ...(hint ? { hint } : {}) });

/** `responses: K` with L: K a whole number in [2, 8], no slot beside L, and L depending on some logp_k. */
export function checkRanked(source: LossSource, reserved: ReadonlySet<string>): Result<LossSpec> {
  const K = source.responses;
  if (typeof K !== 'number' || !Number.isInteger(K) || K < MIN_RESPONSES || K > MAX_RESPONSES) {
    return fail(rankedError(`responses must be a whole number from ${MIN_RESPONSES} to ${MAX_RESPONSES}, got ${String(K).slice(0, 20)}`, 'responses',
      'the number of ranked responses per prompt; write the loss as L in logp_1 … logp_K'));
  }
  const mixed = SLOTS.filter((k) => source[k] !== undefined && !['0', ''].includes(String(source[k]).trim()));
  if (mixed.length) {
    return fail(rankedError(`a loss over ${K} ranked responses is written whole as L; this one also gives ${mixed.join(', ')}`, mixed[0],
      'the slots m, h_w, h_l, Lambda, Lambda_l belong to the two-response form; write every term into L, in logp_1 … logp_K'));
  }
  if (source.L === undefined || String(source.L).trim() === '') {
    return fail(rankedError(`a loss over ${K} ranked responses needs L, an expression in logp_1 … logp_${K}`, 'L'));
  }
  const symbols = rankedSymbols(K, source.params);
  const hints = rankedHints(K);
  const where = source.where ? expandWhere(source.where, symbols, new Set([...reserved, ...Object.keys(hints)])) : ok<Record<string, Expr>>({});
  if (!where.ok) return where;
  const r = parseExpression(String(source.L), { slot: 'L', symbols: new Set([...symbols, ...Object.keys(where.value)]), symbolHints: hints });
  if (!r.ok) return r;
  const L = applyWhere(r.value, 'L', where.value);
  if (!L.ok) return L;
  if (!ranks(K).some((k) => dependsOn(L.value, logpName(k)))) {
    return fail({ code: 'E_NO_DEPENDENCE', message: `the loss depends on none of logp_1 … logp_${K}`, at: { slot: 'L' }, hint: 'a preference loss moves the log-probabilities of its responses' });
  }
  const zero = num(0);
  return ok({ source, m: zero, h_w: zero, h_l: zero, Lambda: zero, Lambda_l: zero, ranked: { K, L: L.value } });
}
