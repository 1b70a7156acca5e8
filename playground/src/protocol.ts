// Messages between the page and its worker. The worker does the slow parts — the direction audit and
// proofs, Table 1's cases, the Table 2 row, and the theorem checks — so typing never waits on them.

import type { CaseGroup } from '../../src/report/table/cases.js';
import type { MarginError } from '../../src/spec/errors.js';
import type { LossSource } from '../../src/spec/types.js';
import type { Verdict } from '../../src/numeric/verdict.js';
import type { DerivationJson } from './export.js';

export type BackendName = 'cpu' | 'webgpu';

export type Request =
  | { readonly type: 'analyse'; readonly id: number; readonly source: LossSource }
  | { readonly type: 'verify'; readonly id: number; readonly backend: BackendName };

export type Reply =
  | { readonly type: 'analysis'; readonly id: number; readonly json: DerivationJson; readonly cases: readonly CaseGroup[]; readonly tableLatex: string; readonly ms: number }
  | { readonly type: 'failed'; readonly id: number; readonly errors: readonly MarginError[] }
  | { readonly type: 'check-start'; readonly id: number; readonly check: string; readonly title: string; readonly index: number; readonly count: number }
  | { readonly type: 'progress'; readonly id: number; readonly check: string; readonly done: number; readonly total: number }
  | { readonly type: 'verdict'; readonly id: number; readonly verdict: Verdict }
  | { readonly type: 'verify-done'; readonly id: number; readonly backend: BackendName };
