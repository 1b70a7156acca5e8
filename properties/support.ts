// Shared plumbing for the suites: the run count in force, and derivations cached by loss text (a
// random loss is re-drawn as a fresh object on every run and every shrink step).
import fc from 'fast-check';
import { derive } from '../src/symbolic/derive.js';
import { type CompiledDerivation, compileDerivation } from '../src/symbolic/point.js';
import type { LossSpec } from '../src/loss/types.js';
import { type CompiledRanked, compileRanked, deriveRanked } from '../src/symbolic/ranked.js';
import { RANDOM_PARAMS } from './arbitraries/expr.js';
import { pointArb } from './arbitraries/domain.js';
import { DERIVE_DEADLINE_MS, deriveTerminates } from './watchdog.js';

/** numRuns from FC_NUM_RUNS (properties/setup.ts). */
export const RUNS = fc.readConfigureGlobal().numRuns ?? 100;

const cache = new Map<string, CompiledDerivation | null>();

/** The compiled derivation of a loss, or null when the engine refuses it (e.g. > 64 regimes). */
export function compiled(spec: LossSpec, cacheKey?: string): CompiledDerivation | null {
  const k = cacheKey ?? `${spec.source.id}|${spec.source.m}|${spec.source.h_w}|${spec.source.h_l}|${spec.source.Lambda}|${spec.source.Lambda_l}|${JSON.stringify(spec.source.params)}`;
  if (cache.has(k)) return cache.get(k)!;
  const d = derive(spec);
  const c = d.ok ? compileDerivation(d.value) : null;
  if (cache.size > 5000) cache.clear();
  cache.set(k, c);
  return c;
}

/** Points for random losses (their one param is β). */
export const randomLossPointArb = pointArb({ source: { params: RANDOM_PARAMS } } as unknown as LossSpec);

const hung = new Set<string>();

/**
 * compiled() for a random loss: derived first under the watchdog, so an engine that never returns
 * fails the property (and fast-check shrinks the loss) instead of hanging the suite.
 */
export function compiledGuarded(spec: LossSpec, text: string): CompiledDerivation | null {
  if (!cache.has(text)) {
    if (hung.has(text) || deriveTerminates(spec) === 'timeout') {
      hung.add(text);
      throw new Error(`derive did not terminate within ${DERIVE_DEADLINE_MS} ms: ${text}`);
    }
  }
  return compiled(spec, text);
}

const rankedCache = new Map<string, CompiledRanked | null>();

/** compiledGuarded() for a loss over K ranked responses: derived under the watchdog, then cached by its text. */
export function compiledRankedGuarded(spec: LossSpec, text: string): CompiledRanked | null {
  if (rankedCache.has(text)) return rankedCache.get(text)!;
  if (hung.has(text) || deriveTerminates(spec) === 'timeout') {
    hung.add(text);
    throw new Error(`derive did not terminate within ${DERIVE_DEADLINE_MS} ms: ${text}`);
  }
  const d = deriveRanked(spec);
  const c = d.ok ? compileRanked(d.value) : null;
  if (rankedCache.size > 5000) rankedCache.clear();
  rankedCache.set(text, c);
  return c;
}
