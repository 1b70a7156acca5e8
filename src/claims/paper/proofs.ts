// Claims decided on the whole domain by interval branch and bound (src/symbolic/interval): a sampled
// "never found" becomes "proved", and a failure comes with a witness that evaluates to the wrong sign.

import type { Expr } from '../../expr/expr.js';
import type { VerdictStatus } from '../../numeric/verdict.js';
import { type SignOp } from '../../symbolic/interval/prove.js';
import { proveSign } from '../../symbolic/interval/direction.js';
import { toText } from '../../symbolic/print.js';
import { stoppedText } from '../../symbolic/interval/prove.js';
import type { Claim } from '../types.js';
import { lossOf, printedOf, r4, roundEnv, verdict } from '../tools.js';
import type { CompiledDerivation } from '../../symbolic/point.js';

const BUDGET = 20_000;

type Target = (c: CompiledDerivation, regime: number) => Expr | null;
const dW: Target = (c, i) => c.derivation.regimes[i].dW;
const dL: Target = (c, i) => c.derivation.regimes[i].dL;
const ratioMinus = (k: number): Target => (c, i) => {
  const r = c.derivation.regimes[i].ratio;
  if (!r) return null;
  return { kind: 'add', terms: [r, { kind: 'num', value: -k }] };
};

/** Prove `target op 0` in every regime of each loss: the combined status, one line a regime, the work, the first witness. */
function proveOver(losses: readonly (readonly [string, CompiledDerivation])[], target: Target, op: SignOp, timeLimitMs?: number) {
  const parts: string[] = [];
  let status: VerdictStatus = 'proved';
  let witness: Record<string, unknown> | undefined;
  let boxes = 0;
  for (const [lossId, c] of losses) {
    for (let i = 0; i < c.derivation.regimes.length; i++) {
      const e = target(c, i);
      if (!e) continue;
      const r = proveSign(c.derivation, i, e, op, BUDGET, { timeLimitMs });
      boxes += r.boxes + r.probes;
      const where = c.derivation.regimes.length > 1 ? ` (regime ${c.derivation.regimes[i].label})` : '';
      if (r.status === 'refuted') {
        status = 'refuted';
        witness ??= { loss: lossId, regime: c.derivation.regimes[i].label, point: roundEnv(r.witness!), value: r4(r.witnessValue!), expression: toText(e) };
        parts.push(`${lossId}${where}: refuted`);
      } else if (r.status === 'undecided') {
        if (status === 'proved') status = 'undecided';
        parts.push(`${lossId}${where}: undecided (${(100 * r.remainingShare).toPrecision(2)}% of the domain left${r.stopped === 'time' ? `; ${stoppedText.time}` : ''})`);
      } else parts.push(`${lossId}${where}: proved`);
    }
  }
  return { status, parts, boxes, witness };
}

function proofClaim(id: string, where: string, statement: string, lossIds: readonly string[], what: string, target: Target, op: SignOp,
  opts: { printed?: boolean } = {}): Claim {
  return {
    id, where, statement, method: 'symbolic',
    how: `Interval branch and bound (budget ${BUDGET} boxes) over logp_w, logp_l, c_ref < 0, lengths ≥ 1, z_ref ≥ 0 and each parameter's declared range, on ${what}${opts.printed ? ' of the row as printed' : ''}, in every regime.`,
    check: ({ seed, time }) => {
      if (time?.prove === false) return verdict(id, 'undecided', `${what} ${op} 0 — not proved: the interval proofs were not run (--no-prove).`, { samples: 0, seed }, { backend: 'symbolic' });
      const { status, parts, boxes, witness } = proveOver(lossIds.map((l) => [l, opts.printed ? printedOf(l) : lossOf(l)]), target, op, time?.ms);
      return verdict(id, status, `${what} ${op} 0 — ${parts.join('; ')}.`, { samples: boxes, seed, worst: witness }, { backend: 'symbolic' });
    },
  };
}

export const proofs: readonly Claim[] = [
  proofClaim('dpo-dw-positive', 'section 3.1, eq. (4): c(θ) > 0', 'DPO pushes the chosen up on its own: d_w = βc(θ) > 0.', ['dpo'], 'd_w', dW, '>'),
  proofClaim('dpo-dl-positive', 'section 3.1, eq. (4)', 'DPO: d_l = βc(θ) > 0.', ['dpo'], 'd_l', dL, '>'),
  proofClaim('simpo-ratio-positive', 'section 3.2, SimPO', 'SimPO: d_w/d_l = |y_l|/|y_w| > 0.', ['simpo'], 'd_w/d_l', ratioMinus(0), '>'),
  proofClaim('cpo-ratio-gt-1', 'section 3.2, explicit regularisation', 'CPO: d_w/d_l > 1 for λ > 0.', ['cpo'], 'd_w/d_l − 1', ratioMinus(1), '>'),
  proofClaim('regularised-dw-positive', 'section 3.3', 'Losses with explicit regularisation on the chosen (CPO, DPOP, RRHF, SLiC-HF) push the chosen up: d_w > 0.',
    ['cpo', 'dpop', 'rrhf', 'slic-hf'], 'd_w', dW, '>'),
  proofClaim('sppo-dl-positive', 'appendix A.1, "β⁻¹ + log π(l) > 0 … true in practice"', 'SPPO: d_l = 2(β⁻¹ + log π_l) > 0, so conditions (9)/(10) keep their direction.',
    ['sppo'], 'd_l', dL, '>'),
  proofClaim('printed-ipo-dw', 'Table 2, IPO as printed', 'The printed IPO row pushes the chosen up: d_w > 0.', ['ipo'], 'd_w', dW, '>', { printed: true }),
  proofClaim('printed-kto-dl', 'Table 2, KTO as printed', 'The printed KTO row pushes the rejected down: d_l > 0.', ['kto'], 'd_l', dL, '>', { printed: true }),
  proofClaim('printed-sppo-dw', 'Table 2, SPPO as printed', 'The printed SPPO row pushes the chosen up: d_w > 0.', ['sppo'], 'd_w', dW, '>', { printed: true }),
];
