// Running a proof check on WebGPU honestly. The check runs twice on the same seed — hence on the same
// sampled inputs (samplers draw on the CPU): once on the float64 CPU backend, which decides the
// mathematical verdict, and once on the WebGPU backend through ./checked.ts, which holds every f32 result
// to its derived bound against float64 and lets the check conclude on f32 numbers. The verdict keeps the
// two apart: `status` is the mathematics, `precision` the f32 error — and where the f32 run concludes
// differently although every operation stayed within its bound, f32 is too coarse for that claim (the
// check's tolerances, e.g. 1e-9 relative or central differences at η = 1e-5, are below f32 resolution).

import { cpuBackend } from '../cpu.js';
import type { CheckOptions } from '../theorems/evidence.js';
import type { Verdict, VerdictStatus } from '../verdict.js';
import type { WebGpuBackend } from './backend.js';
import { U } from './bounds.js';
import { checkedBackend } from './checked.js';
import { isWebGpuFault, type WebGpuFault } from './faults.js';
import { type OpStats, type Violation, newLedger, opCount, worstRatio } from './ledger.js';

export interface PrecisionReport {
  readonly adapter: string;
  /** Operations run on the GPU and compared with float64. */
  readonly ops: number;
  /** Results outside their derived f32 bound: a wrong kernel. Must be 0. */
  readonly violations: number;
  readonly firstViolation?: Violation;
  /** Largest |f32 − f64| / bound over all operations (how much of the tolerance was used). */
  readonly worstRatio: number;
  readonly byOp: Readonly<Record<string, OpStats>>;
  /** The check's own conclusion on f32 results. */
  readonly f32Status: VerdictStatus;
  readonly f32MaxRelError: number;
  readonly f64MaxRelError: number;
  /** f32 reached a different conclusion with every operation within bound: too coarse for the claim. */
  readonly tooCoarse: boolean;
  readonly note: string;
}

export type ComparedVerdict = Verdict & { readonly precision: PrecisionReport };

export type CompareOutcome =
  | { readonly ok: true; readonly verdict: ComparedVerdict }
  /** The GPU failed mid-run; `cpu` is the float64 verdict, complete and correct. */
  | { readonly ok: false; readonly fault: WebGpuFault; readonly cpu: Verdict };

type Run = (o: CheckOptions) => Promise<Verdict>;

export async function compareCheck(run: Run, opts: CheckOptions, gpu: WebGpuBackend): Promise<CompareOutcome> {
  const cpu = await run({ ...opts, backend: cpuBackend, onProgress: undefined });
  const checked = checkedBackend(gpu, newLedger());
  let f32: Verdict;
  try {
    f32 = await run({ ...opts, backend: checked });
  } catch (e) {
    if (isWebGpuFault(e)) return { ok: false, fault: e, cpu };
    // A check that throws on f32 numbers (a NaN reaching a RangeError, say) concluded nothing.
    f32 = { ...cpu, status: 'undecided', evidence: { ...cpu.evidence, maxRelError: NaN, notes: [`the f32 run stopped: ${(e as Error).message}`] } };
  }
  const l = checked.ledger;
  const tooCoarse = l.violations === 0 && f32.status !== cpu.status;
  const v = l.firstViolation;
  const note = l.violations > 0
    ? `WRONG RESULT from WebGPU: ${l.violations} values outside their f32 bound; first ${v!.op} (${v!.shape}) element ${v!.index}: f32 ${v!.f32} vs f64 ${v!.f64}, bound ${v!.bound.toExponential(2)}`
    : tooCoarse
      ? `f32 is too coarse for this claim: every one of ${opCount(l)} GPU operations was within its derived bound (worst ${worstRatio(l).toFixed(3)} of it), yet on f32 numbers the check concludes '${f32.status}' (max rel error ${f32.evidence.maxRelError.toExponential(2)}) where float64 concludes '${cpu.status}' (${cpu.evidence.maxRelError.toExponential(2)}); the verdict is float64's`
      : `f32 suffices: ${opCount(l)} GPU operations within their derived bounds (worst ${worstRatio(l).toFixed(3)} of it, u = 2^-24 = ${U.toExponential(2)}), and the check concludes '${f32.status}' on f32 numbers too`;
  const precision: PrecisionReport = {
    adapter: gpu.adapter.name, ops: opCount(l), violations: l.violations, firstViolation: l.firstViolation, worstRatio: worstRatio(l),
    byOp: l.ops, f32Status: f32.status, f32MaxRelError: f32.evidence.maxRelError, f64MaxRelError: cpu.evidence.maxRelError, tooCoarse, note,
  };
  return { ok: true, verdict: { ...cpu, backend: 'webgpu', seconds: (cpu.seconds ?? 0) + (f32.seconds ?? 0), precision } };
}
