// One call for the common pipeline: derive, compile, audit.

import { size } from '../expr/expr.js';
import type { Result } from '../errors.js';
import type { LossSpec } from '../loss/types.js';
import { type DirectionAudit, directionAudit, skippedAudit } from './audit.js';
import { type Derivation, derive } from './derive.js';
import { type CompiledDerivation, compileDerivation } from './point.js';
import { type RegimeProofs, proveDirections } from './interval/direction.js';
import { AUDIT_SHARE, type CheckBudget, deadlineAfter } from './check-budget.js';

export interface Analysis {
  readonly derivation: Derivation;
  readonly compiled: CompiledDerivation;
  readonly audit: DirectionAudit;
  /** The same questions decided on the whole domain by interval branch and bound; absent with `prove: false`. */
  readonly proofs?: readonly RegimeProofs[];
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

/**
 * `time` bounds the audit and the proofs together (check-budget.ts): the audit may use AUDIT_SHARE of it
 * when proofs follow, and each proof an equal share of what is left when the proofs start.
 */
const provedEverywhere = (proofs: readonly RegimeProofs[]) => proofs.every((p) => p.dW.result.status === 'proved' && p.dL.result.status === 'proved');

/**
 * `audit: 'unless-proved'` (the command line's default for derive) first tries the proofs the cheap way —
 * the natural interval extension on the whole domain, one box, no probes — and, when that proves the sign
 * of both weights in every regime (most of the catalogue), skips the sampled audit: it would only agree.
 * Otherwise the audit and the proofs run as with 'always' (the library's default, so the generated docs
 * keep their audit counts).
 */
export function analyse(spec: LossSpec, opts: { samples?: number; seed?: number; budget?: number; time?: CheckBudget; audit?: 'always' | 'unless-proved';
  /** Progress for a watcher: samples drawn, then proofs done, out of their sum. */
  onProgress?: (done: number, total: number, step: string) => void; } = {}): Result<Analysis> {
  const d = derive(spec);
  if (!d.ok) return d;
  const t0 = performance.now();
  const prove = opts.time?.prove ?? true;
  const ms = opts.time?.ms;
  const compiled = compileDerivation(d.value);
  const samples = opts.samples ?? 4000;
  const proofCount = prove ? 2 * d.value.regimes.length : 0;
  const onProgress = opts.onProgress;
  if (prove && opts.audit === 'unless-proved') {
    const quick = proveDirections(d.value, 1, { strategy: 'bisect', probes: 0 });
    if (provedEverywhere(quick)) return { ok: true, value: { derivation: d.value, compiled, audit: skippedAudit(samples, opts.seed), proofs: quick } };
  }
  const audit = directionAudit(compiled, { samples, seed: opts.seed, deadline: deadlineAfter(ms === undefined || opts.time?.audit === 'complete' ? undefined : prove ? ms * AUDIT_SHARE : ms, t0), budgetMs: ms,
    onProgress: onProgress && ((i) => onProgress(i, samples + proofCount, 'audit')) });
  if (!prove) return { ok: true, value: { derivation: d.value, compiled, audit } };
  const candidates = [audit.dW.witness?.values, audit.dL.witness?.values].filter((x): x is Readonly<Record<string, number>> => x !== undefined);
  const left = ms === undefined ? undefined : Math.max(0, deadlineAfter(ms, t0) - performance.now());
  const timeLimitMs = left === undefined ? undefined : left / (2 * d.value.regimes.length);
  return { ok: true, value: { derivation: d.value, compiled, audit, proofs: proveDirections(d.value, proofBudget(d.value, opts.budget), { candidates, timeLimitMs,
    onProof: onProgress && ((i, n) => onProgress(samples + i, samples + n, 'proofs')) }) } };
}
