// The page's worker: the library's analysis pipeline and theorem checks, off the main thread.

import { CHECKS, CHECK_IDS } from '../../src/numeric/theorems/index.js';
import { type WebGpuBackend, compareCheck, createWebGpuBackend, isWebGpuFault, parseInjection } from '../../src/numeric/webgpu/index.js';
import { cpuBackend } from '../../src/numeric/cpu.js';
import { derivationJson } from '../../src/report/derivation.js';
import { casesFor } from '../../src/report/table/cases.js';
import { DEFAULT_COLUMNS } from '../../src/report/table/columns.js';
import { table2Latex } from '../../src/report/table/latex.js';
import { buildTable2 } from '../../src/report/table/model.js';
import { checkLoss } from '../../src/loss/check.js';
import { MarginFault } from '../../src/errors.js';
import { analyse } from '../../src/symbolic/analyse.js';
import { derive } from '../../src/symbolic/derive.js';
import { compileDerivation } from '../../src/symbolic/point.js';
import { sweep } from '../../src/symbolic/sweep.js';
import { GPU_SIZES, gpuSamplesText } from './backends.js';
import type { BackendName, Reply, Request } from './protocol.js';

const post = (m: Reply) => (self as unknown as { postMessage(m: Reply): void }).postMessage(m);

function runAnalysis(id: number, source: Request & { type: 'analyse' }): void {
  const t0 = performance.now();
  const spec = checkLoss(source.source);
  if (!spec.ok) return post({ type: 'failed', id, errors: spec.errors });
  const a = analyse(spec.value);
  if (!a.ok) return post({ type: 'failed', id, errors: a.errors });
  const json = derivationJson(a.value.derivation, a.value.audit, a.value.proofs);
  const cases = casesFor(spec.value);
  const tableLatex = table2Latex(buildTable2([spec.value]), DEFAULT_COLUMNS);
  post({ type: 'analysis', id, json, cases, tableLatex, ms: performance.now() - t0 });
}

function runSweep(m: Request & { type: 'sweep' }): void {
  const t0 = performance.now();
  const spec = checkLoss(m.source);
  if (!spec.ok) return post({ type: 'failed', id: m.id, errors: spec.errors });
  const d = derive(spec.value);
  if (!d.ok) return post({ type: 'failed', id: m.id, errors: d.errors });
  const s = sweep(compileDerivation(d.value), m.request);
  if (!s.ok) return post({ type: 'failed', id: m.id, errors: s.errors });
  post({ type: 'sweep', id: m.id, sweep: s.value, ms: performance.now() - t0 });
}

/** The worker's own WebGPU backend, or why there is none (the page's adapter does not promise the worker's). */
async function openGpu(inject?: string): Promise<{ gpu?: WebGpuBackend; why?: string }> {
  if (!(navigator as Navigator & { gpu?: unknown }).gpu) return { why: 'navigator.gpu is absent in the worker' };
  const fault = inject === undefined ? undefined : parseInjection(inject);
  try {
    return { gpu: await createWebGpuBackend({ inject: fault }) };
  } catch (e) {
    return { why: isWebGpuFault(e) ? `${e.code}: ${e.message}` : `WebGPU could not start: ${(e as Error).message ?? String(e)}` };
  }
}

async function runVerify(id: number, asked: BackendName, inject?: string): Promise<void> {
  let gpu: WebGpuBackend | undefined;
  if (asked === 'webgpu') {
    const g = await openGpu(inject);
    gpu = g.gpu;
    if (gpu) post({ type: 'backend', id, backend: 'webgpu', adapter: gpu.adapter.name, samples: gpuSamplesText() });
    else post({ type: 'backend', id, backend: 'cpu', note: `the page has a WebGPU adapter but the worker could not use it (${g.why}); running on the CPU` });
  } else {
    post({ type: 'backend', id, backend: 'cpu' });
  }
  let onGpu = 0;
  try {
    for (const [index, checkId] of CHECK_IDS.entries()) {
      const entry = CHECKS[checkId];
      post({ type: 'check-start', id, check: checkId, title: entry.title, index, count: CHECK_IDS.length });
      let last = 0;
      const onProgress = (done: number, total: number) => {
        // At most ~20 messages a second per check.
        const now = performance.now();
        if (done === total || now - last > 50) { last = now; post({ type: 'progress', id, check: checkId, done, total }); }
      };
      if (!gpu) {
        const verdict = await entry.run({ backend: cpuBackend, onProgress });
        post({ type: 'verdict', id, verdict, backend: 'cpu' });
        continue;
      }
      const { samples, vocab, dim } = GPU_SIZES[checkId];
      const r = await compareCheck(entry.run, { samples, vocab, dim, onProgress }, gpu);
      if (r.ok && r.verdict.precision.violations === 0) {
        onGpu++;
        post({ type: 'verdict', id, verdict: r.verdict, backend: 'webgpu', adapter: gpu.adapter.name, precision: r.verdict.precision });
        continue;
      }
      // A GPU fault, or a GPU result outside its f32 bound: the float64 result, said out loud, and the CPU from here on.
      const why = r.ok ? r.verdict.precision.note : `${r.fault.code}: ${r.fault.message}`;
      const verdict = r.ok ? { ...r.verdict, backend: 'cpu' as const, precision: undefined } : r.cpu;
      post({ type: 'verdict', id, verdict, backend: 'cpu', adapter: gpu.adapter.name,
        note: `WebGPU failed during ${checkId} (${why}); this is the CPU (float64) result, and the remaining checks run on the CPU` });
      gpu.dispose();
      gpu = undefined;
    }
  } finally {
    gpu?.dispose();
  }
  post({ type: 'verify-done', id, backend: onGpu === CHECK_IDS.length ? 'webgpu' : 'cpu', onGpu });
}

self.onmessage = (ev: MessageEvent<Request>) => {
  const m = ev.data;
  try {
    if (m.type === 'analyse') runAnalysis(m.id, m);
    else if (m.type === 'sweep') runSweep(m);
    else runVerify(m.id, m.backend, m.inject).catch((e: unknown) => post({ type: 'failed', id: m.id, errors: [fault(e)] }));
  } catch (e) {
    post({ type: 'failed', id: m.id, errors: [fault(e)] });
  }
};

function fault(e: unknown) {
  if (e instanceof MarginFault) return e.error;
  return { code: 'E_UNSUPPORTED' as const, message: e instanceof Error ? e.message : String(e) };
}
