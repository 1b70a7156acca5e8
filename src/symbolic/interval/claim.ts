// `lhs op rhs` claims over a box, proved by branch and bound on lhs − rhs. Used by `marginlab prove`
// and by claims files; the loss's weights dW, dL and ratio may appear, and are proved regime by regime.

import { type Expr, sub, substitute, symbolsOf } from '../../expr/expr.js';
import type { Derivation } from '../derive.js';
import { simplify } from '../simplify.js';
import type { Box } from './evaluate.js';
import { type ProofResult, type SideCondition, type SignOp, prove } from './prove.js';
import { expandCref } from './direction.js';

export interface Comparison { readonly left: Expr; readonly op: SignOp; readonly right: Expr }

export interface RegimeProof { readonly regime: string; readonly result: ProofResult }

/** The claim as `lhs − rhs op 0`, with side conditions from assumptions (same form). */
function asSign(c: Comparison): { e: Expr; op: SignOp } {
  return { e: simplify(sub(c.left, c.right)), op: c.op };
}

export function assumptionConditions(cs: readonly Comparison[]): SideCondition[] {
  return cs.map((c) => {
    const { e, op } = asSign(c);
    return { g: expandCref(e), side: op === '>' || op === '>=' ? 'above' : 'below', strict: op === '>' || op === '<' };
  });
}

/** Prove `claim` on `box` under `assuming`; with a derivation, dW, dL and ratio are bound per regime. */
export function proveClaim(claim: Comparison, box: Box, opts: { assuming?: readonly Comparison[]; derivation?: Derivation; budget?: number } = {}): RegimeProof[] {
  const { e, op } = asSign(claim);
  const extra = assumptionConditions(opts.assuming ?? []);
  const d = opts.derivation;
  if (!d) return [{ regime: 'everywhere', result: prove(expandCref(e), op, box, { budget: opts.budget, conditions: extra }) }];
  return d.regimes.map((r) => {
    if (!r.ratio && symbolsOf(e).has('ratio')) {
      return { regime: r.label, result: { status: 'undecided' as const, boxes: 0, probes: 0, remaining: 1, remainingShare: 1, seconds: 0 } };
    }
    const bind: Record<string, Expr> = { dW: r.dW, dL: r.dL };
    if (r.ratio) bind.ratio = r.ratio;
    const conds = [...r.constraints.map((c) => ({ g: expandCref(c.g), side: c.side })), ...extra.map((x) => ({ ...x, g: expandCref(simplify(substitute(x.g, bind))) }))];
    return { regime: r.label, result: prove(expandCref(simplify(substitute(e, bind))), op, box, { budget: opts.budget, conditions: conds }) };
  });
}

/** Combine per-regime results: refuted if any is, proved if all are, else undecided. */
export function combine(rs: readonly RegimeProof[]): ProofResult['status'] {
  if (rs.some((r) => r.result.status === 'refuted')) return 'refuted';
  return rs.every((r) => r.result.status === 'proved') ? 'proved' : 'undecided';
}
