// One call for the common pipeline: derive, compile, audit.

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

export function analyse(spec: LossSpec, opts: { samples?: number; seed?: number; budget?: number } = {}): Result<Analysis> {
  const d = derive(spec);
  if (!d.ok) return d;
  const compiled = compileDerivation(d.value);
  const audit = directionAudit(compiled, opts);
  const candidates = [audit.dW.witness?.values, audit.dL.witness?.values].filter((x): x is Readonly<Record<string, number>> => x !== undefined);
  return { ok: true, value: { derivation: d.value, compiled, audit, proofs: proveDirections(d.value, opts.budget ?? 20_000, { candidates }) } };
}
