// The sampled direction audit of a loss over K ranked responses: over the domain (logp_k < 0, c_ref_k < 0 —
// at the start of training, c_ref_k = logp_k, a quarter of the points — len_k ≥ 1, params in their ranges,
// their defaults a fifth of the draws, as audit.ts samples a pair), which signs does each d_k take? A sign
// counts only where an enclosure certifies it; a sampled "never" is evidence, not proof (the interval proofs
// of ranked-signs.ts are the proof), and says how many points it rests on.
import { MarginFault } from '../errors.js';
import { logpName, rankedName } from '../loss/ranked.js';
import type { LossSpec } from '../loss/types.js';
import { type Rng, logUniform, makeRng } from '../util/prng.js';
import { signAt } from './interval/enclose.js';
import { regimeAt } from './point.js';
import { auditLength, sampleContext } from './audit.js';
import type { CompiledRanked } from './ranked.js';

export interface RankedWeightAudit {
  readonly positive: number;
  readonly negative: number;
  readonly zero: number;
  /** Samples whose sign float64 could not certify: counted, never taken as evidence. */
  readonly uncertain: number;
  /** A point where the weight is certified ≤ 0 (the first found), when there is one. */
  readonly nonPositiveAt?: Readonly<Record<string, number>>;
}

export interface RankedAudit { readonly seed: number; readonly samples: number; readonly drawn: number; readonly weights: readonly RankedWeightAudit[] }

function rankedPoint(spec: LossSpec, K: number, rng: Rng): Record<string, number> {
  const logp = () => -logUniform(rng, 1e-3, 1e3);
  const v: Record<string, number> = {};
  const atStart = rng.next() < 0.25;
  for (let k = 1; k <= K; k++) {
    v[logpName(k)] = logp();
    v[rankedName('c_ref', k)] = atStart ? v[logpName(k)] : logp();
    v[rankedName('len', k)] = auditLength(rng);
  }
  return sampleContext(spec, rng, v);
}

/** `deadline` (performance.now()'s clock) stops the sampling early; `drawn` says how far it got. */
export function rankedAudit(c: CompiledRanked, o: { samples?: number; seed?: number; deadline?: number } = {}): RankedAudit {
  const K = c.derivation.K, samples = o.samples ?? 4000, seed = o.seed ?? 1;
  const rng = makeRng(seed);
  const w = Array.from({ length: K }, () => ({ positive: 0, negative: 0, zero: 0, uncertain: 0 } as { positive: number; negative: number; zero: number; uncertain: number; nonPositiveAt?: Record<string, number> }));
  let drawn = 0;
  for (let i = 0; i < samples; i++) {
    if (i % 64 === 0 && i > 0 && performance.now() > (o.deadline ?? Infinity)) break;
    drawn++;
    const env = rankedPoint(c.derivation.spec, K, rng);
    let r: number;
    try { r = regimeAt(c, env); } catch (e) { if (e instanceof MarginFault) continue; throw e; }
    c.regimes[r].regime.d.forEach((e, k) => {
      const s = signAt(e, env);
      if (s === 'positive') w[k].positive++;
      else if (s === 'negative' || s === 'zero') { w[k][s]++; w[k].nonPositiveAt ??= { ...env }; }
      else w[k].uncertain++;
    });
  }
  return { seed, samples, drawn, weights: w };
}
