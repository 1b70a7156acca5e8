// Messages between the page and its worker. The worker does the slow parts — the direction audit and
// proofs, Table 1's cases, the Table 2 row, and the theorem checks — so typing never waits on them.

import type { CaseGroup } from '../../src/report/table/cases.js';
import type { MarginError } from '../../src/errors.js';
import type { LossSource } from '../../src/loss/types.js';
import type { PrecisionReport } from '../../src/numeric/webgpu/index.js';
import type { Verdict } from '../../src/numeric/verdict.js';
import type { Sweep, SweepRequest } from '../../src/symbolic/sweep.js';
import type { DerivationJson } from './export.js';

export type BackendName = 'cpu' | 'webgpu';

export type Request =
  | { readonly type: 'analyse'; readonly id: number; readonly source: LossSource }
  /**
   * `inject` names one of the WebGPU backend's test faults (src/numeric/webgpu: a lost device, a shader
   * that does not compile); the page never sends it — the e2e test adds it to prove a GPU fault ends in
   * the CPU's result with a note.
   */
  | { readonly type: 'verify'; readonly id: number; readonly backend: BackendName; readonly inject?: string }
  /** A sweep of the loss (src/symbolic/sweep.ts): every value from evaluateAt, refusals as gaps. */
  | { readonly type: 'sweep'; readonly id: number; readonly source: LossSource; readonly request: SweepRequest };

export type Reply =
  | { readonly type: 'sweep'; readonly id: number; readonly sweep: Sweep; readonly ms: number }
  | { readonly type: 'analysis'; readonly id: number; readonly json: DerivationJson; readonly cases: readonly CaseGroup[]; readonly tableLatex: string; readonly ms: number }
  | { readonly type: 'failed'; readonly id: number; readonly errors: readonly MarginError[] }
  | { readonly type: 'check-start'; readonly id: number; readonly check: string; readonly title: string; readonly index: number; readonly count: number }
  | { readonly type: 'progress'; readonly id: number; readonly check: string; readonly done: number; readonly total: number }
  /** Where the checks actually run: the worker's own answer (its navigator.gpu may differ from the page's). */
  | { readonly type: 'backend'; readonly id: number; readonly backend: BackendName; readonly adapter?: string; readonly note?: string; readonly samples?: string }
  /**
   * One check's verdict, on `backend`. On WebGPU `precision` is the f32 comparison against float64;
   * `note` says why a check that was meant for the GPU carries the CPU's result instead (a GPU fault).
   */
  | { readonly type: 'verdict'; readonly id: number; readonly verdict: Verdict; readonly backend: BackendName; readonly adapter?: string; readonly precision?: PrecisionReport; readonly note?: string }
  /** `backend` is 'webgpu' only when every check ran there; `onGpu` counts those that did. */
  | { readonly type: 'verify-done'; readonly id: number; readonly backend: BackendName; readonly onGpu: number };
