// The generated loss checked against marginlab's own derivation: at the probe points (values marginlab sent)
// and on the first measured batch (marginlab re-evaluates d_w, d_l at each pair the trainer reports).

import type { TrainerError } from './errors.js';
import { type Result, ok } from '../errors.js';
import type { TrainerRequest } from './protocol/schema.js';
import type { PairRow } from './metrics.js';

export interface ChecksumReport {
  readonly probes: number;
  readonly probeMaxRelErr: number;
  readonly firstBatchPairs: number;
  readonly firstBatchMaxRelErr: number;
}

/** The relative error a checksum allows: the trainer computes in the request's dtype. */
export const checksumTolerance = (dtype: 'float64' | 'float32'): number => (dtype === 'float64' ? 1e-6 : 1e-3);

export const relErr = (got: number, want: number): number => Math.abs(got - want) / Math.max(Math.abs(want), 1e-12);

export function checkProbes(checks: TrainerRequest['checks'], results: readonly { L: number; dW: number; dL: number }[], tol: number):
  Result<{ maxRelErr: number }, TrainerError> {
  if (results.length !== checks.length) {
    return { ok: false, errors: [{ code: 'E_CHECKSUM', message: `sent ${checks.length} probe points, the trainer answered ${results.length}` }] };
  }
  let worst = 0;
  for (let i = 0; i < checks.length; i++) {
    for (const k of ['L', 'dW', 'dL'] as const) {
      const err = relErr(results[i][k], checks[i].expected[k]);
      worst = Math.max(worst, err);
      if (!(err <= tol)) {
        return { ok: false, errors: [{ code: 'E_CHECKSUM', message: `at probe ${i + 1} the generated loss gives ${k} = ${results[i][k]}, marginlab derives ${checks[i].expected[k]} (relative error ${err.toExponential(2)})`,
          hint: 'the PyTorch printer and the symbolic derivation disagree; report it with the loss spec' }] };
      }
    }
  }
  return ok({ maxRelErr: worst });
}

export function checkFirstBatch(pairs: readonly PairRow[], tol: number): Result<{ maxRelErr: number; n: number }, TrainerError> {
  let worst = 0, n = 0;
  for (const p of pairs) {
    if (p.ml_dW === null || p.ml_dL === null) continue;
    n++;
    for (const [got, want, name] of [[p.dW as number, p.ml_dW, 'd_w'], [p.dL as number, p.ml_dL, 'd_l']] as const) {
      const err = Math.abs(got - want) / Math.max(Math.abs(want), 1e-9);
      worst = Math.max(worst, err);
      if (!(err <= tol)) {
        return { ok: false, errors: [{ code: 'E_CHECKSUM', message: `on the first batch the trainer's ${name} = ${got}, marginlab derives ${want} at logp_w=${p.logp_w}, logp_l=${p.logp_l}` }] };
      }
    }
  }
  return ok({ maxRelErr: worst, n });
}
