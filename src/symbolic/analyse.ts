// One call for the common pipeline: derive, compile, audit.

import { size } from '../expr/expr.js';
import type { Result } from '../errors.js';
import type { LossSpec } from '../loss/types.js';
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
 * The work the direction proofs may spend, over all regimes, in node-evaluations: a box costs its interval
 * evaluation (in proportion to the size of what it evaluates) plus a fixed share for splitting and bookkeeping,
 * measured at about 6 µs per node and 25 µs per box on a loaded two-core machine (so BOX_COST ≈ 4 nodes). A
 * large loss gets fewer boxes and its proof ends UNDECIDED (said so, with the boxes it examined) within about
 * half a second, instead of running for minutes. The catalogue needs one box per proof; its largest loss
 * (ORPO) keeps about 800 of the 20,000.
 */
export const PROOF_WORK = 80_000;
export const BOX_COST = 4;

export function proofBudget(d: Derivation, budget = 20_000): number {
  const work = d.regimes.reduce((s, r) => {
    const conditions = r.constraints.reduce((t, c) => t + size(c.g), 0);
    return s + size(r.dW) + size(r.dL) + 2 * (conditions + BOX_COST);
  }, 0);
  return Math.max(1, Math.min(budget, Math.floor(PROOF_WORK / Math.max(1, work))));
}

export function analyse(spec: LossSpec, opts: { samples?: number; seed?: number; budget?: number } = {}): Result<Analysis> {
  const d = derive(spec);
  if (!d.ok) return d;
  const compiled = compileDerivation(d.value);
  const audit = directionAudit(compiled, opts);
  const candidates = [audit.dW.witness?.values, audit.dL.witness?.values].filter((x): x is Readonly<Record<string, number>> => x !== undefined);
  return { ok: true, value: { derivation: d.value, compiled, audit, proofs: proveDirections(d.value, proofBudget(d.value, opts.budget), { candidates }) } };
}
