// The page's worker: the library's analysis pipeline and theorem checks, off the main thread.

import { CHECKS, CHECK_IDS } from '../../src/numeric/theorems/index.js';
import { cpuBackend } from '../../src/numeric/cpu.js';
import { derivationJson } from '../../src/report/derivation.js';
import { casesFor } from '../../src/report/table/cases.js';
import { DEFAULT_COLUMNS } from '../../src/report/table/columns.js';
import { table2Latex } from '../../src/report/table/latex.js';
import { buildTable2 } from '../../src/report/table/model.js';
import { checkLoss } from '../../src/spec/check.js';
import { MarginFault } from '../../src/spec/errors.js';
import { analyse } from '../../src/symbolic/analyse.js';
import type { Reply, Request } from './protocol.js';

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

async function runVerify(id: number, backendName: 'cpu' | 'webgpu'): Promise<void> {
  // The WebGPU backend (src/numeric/webgpu) is not part of the library yet; the page asks for it only
  // once it is, so 'webgpu' never reaches here today. Checked rather than assumed:
  if (backendName !== 'cpu') throw new Error(`backend '${backendName}' is not available in this build`);
  const backend = cpuBackend;
  for (const [index, checkId] of CHECK_IDS.entries()) {
    const entry = CHECKS[checkId];
    post({ type: 'check-start', id, check: checkId, title: entry.title, index, count: CHECK_IDS.length });
    let last = 0;
    const verdict = await entry.run({
      backend,
      onProgress: (done, total) => {
        // At most ~20 messages a second per check.
        const now = performance.now();
        if (done === total || now - last > 50) { last = now; post({ type: 'progress', id, check: checkId, done, total }); }
      },
    });
    post({ type: 'verdict', id, verdict });
  }
  post({ type: 'verify-done', id, backend: backend.kind });
}

self.onmessage = (ev: MessageEvent<Request>) => {
  const m = ev.data;
  try {
    if (m.type === 'analyse') runAnalysis(m.id, m);
    else runVerify(m.id, m.backend).catch((e: unknown) => post({ type: 'failed', id: m.id, errors: [fault(e)] }));
  } catch (e) {
    post({ type: 'failed', id: m.id, errors: [fault(e)] });
  }
};

function fault(e: unknown) {
  if (e instanceof MarginFault) return e.error;
  return { code: 'E_UNSUPPORTED' as const, message: e instanceof Error ? e.message : String(e) };
}
