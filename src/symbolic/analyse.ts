// One call for the common pipeline: derive, compile, audit.

import { size } from '../expr/expr.js';
import type { Result } from '../spec/errors.js';
import type { LossSpec } from '../spec/types.js';
import { type DirectionAudit, directionAudit } from './audit.js';
import { type Derivation, derive } from './derive.js';
import { type CompiledDerivation, compileDerivation } from './point.js';
import { type RegimeProofs, proveDirections } from './interval/direction.js';

export interface Analysis {
  readonly derivation: Derivation;
  readonly compiled: CompiledDerivation;
  readonly audit: DirectionAudit;
  /** The same questions decided on the whole domain by interval branch and bound. */
  readonly proofs: readonly RegimeProofs[];
}

/**
 * Boxes × nodes the direction proofs may spend, over all regimes: an interval evaluation costs in proportion
 * to the size of what it evaluates, so a large loss gets fewer boxes and its proof ends UNDECIDED (said so,
 * with the boxes it examined) instead of running for minutes. The catalogue needs one box per proof; its
 * largest loss (ORPO, 96 nodes) keeps 1,562 of the 20,000 (measured: 6 µs per node and box on a loaded 2-core machine, so a proof stays near a second).
 */
export const PROOF_WORK = 150_000;

export function proofBudget(d: Derivation, budget = 20_000): number {
  const work = d.regimes.reduce((s, r) => s + size(r.dW) + size(r.dL) + r.constraints.reduce((t, c) => t + size(c.g), 0), 0);
  return Math.max(1, Math.min(budget, Math.floor(PROOF_WORK / Math.max(1, work))));
}

export function analyse(spec: LossSpec, opts: { samples?: number; seed?: number; budget?: number } = {}): Result<Analysis> {
  const d = derive(spec);
  if (!d.ok) return d;
  const compiled = compileDerivation(d.value);
  return { ok: true, value: { derivation: d.value, compiled, audit: directionAudit(compiled, opts), proofs: proveDirections(d.value, proofBudget(d.value, opts.budget)) } };
}
