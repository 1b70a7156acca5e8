// The direction audit, proved: in each regime, is d_w > 0 and d_l > 0 on the whole audit domain
// (logp < 0, params over their ranges)? c_ref is replaced by c_ref_w − c_ref_l first, so that the
// prover sees the dependence and its witnesses are consistent points.

import { type Expr, sub, substitute, sym } from '../../expr/expr.js';
import { simplify } from '../simplify.js';
import type { Derivation } from '../derive.js';
import { type ProofResult, type ProveOptions, type SignOp, prove } from './prove.js';
import { auditBox } from './domain.js';

/** c_ref replaced by c_ref_w − c_ref_l, the tree otherwise as written. */
export const substituteCref = (e: Expr): Expr => substitute(e, { c_ref: sub(sym('c_ref_w'), sym('c_ref_l')) });
export const expandCref = (e: Expr): Expr => simplify(substituteCref(e));

export interface WeightProof { readonly weight: 'dW' | 'dL'; readonly claim: string; readonly result: ProofResult }
export interface RegimeProofs { readonly index: number; readonly label: string; readonly dW: WeightProof; readonly dL: WeightProof }

export function proveSign(d: Derivation, regimeIndex: number, e: Expr, op: SignOp, budget: number, opts: Pick<ProveOptions, 'candidates' | 'timeLimitMs' | 'strategy' | 'probes'> = {}): ProofResult {
  const r = d.regimes[regimeIndex];
  const conditions = r.constraints.map((c) => ({ g: expandCref(c.g), side: c.side }));
  return prove(expandCref(e), op, auditBox(d.spec), { budget, conditions, ...opts });
}

/**
 * d_w > 0 and d_l > 0 in every regime. `candidates` (the sampled audit's witnesses) are tried first:
 * a sampled point whose certified enclosure has the wrong sign refutes, so the proof never says
 * UNDECIDED where the audit has already found a genuine counterexample.
 */
export function proveDirections(d: Derivation, budget = 20_000, opts: Pick<ProveOptions, 'candidates' | 'timeLimitMs' | 'strategy' | 'probes'> & { onProof?: (done: number, total: number) => void } = {}): RegimeProofs[] {
  const { onProof, ...o } = opts;
  const total = 2 * d.regimes.length;
  let done = 0;
  const one = (weight: 'dW' | 'dL', claim: string, e: Expr, index: number): WeightProof => {
    const result = proveSign(d, index, e, '>', budget, o);
    onProof?.(++done, total);
    return { weight, claim, result };
  };
  return d.regimes.map((r) => ({
    index: r.index,
    label: r.label,
    dW: one('dW', 'd_w > 0', r.dW, r.index),
    dL: one('dL', 'd_l > 0', r.dL, r.index),
  }));
}
