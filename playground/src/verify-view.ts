// The Verify section: marginlab's theorem checks run in a worker, on WebGPU when the page and the worker
// get an adapter, else on the CPU in float64; each verdict becomes a row as it arrives. Loaded on the
// first click, so none of it is on the way to the page's first derivation.

import { formatError } from '../../src/errors.js';
import { backendLabel, chooseBackend } from './backends.js';
import { byId, fill, h } from './dom.js';
import type { BackendName, Reply, Request } from './protocol.js';

const sci = (x: number) => (Number.isFinite(x) ? x.toExponential(1) : String(x));

/** One check's row: verdict, backend (and adapter), samples, seconds, the f32 comparison, and any fallback note. */
function verdictRow(m: Reply & { type: 'verdict' }, pass: boolean): HTMLElement {
  const v = m.verdict;
  const p = m.precision;
  let f32: HTMLElement;
  if (p) {
    const used = `largest f32 error ${p.worstRatio.toFixed(3)} of its bound over ${p.ops} GPU operations (f32 ${sci(p.f32MaxRelError)} vs float64 ${sci(p.f64MaxRelError)} max rel error)`;
    f32 = h('td', { class: p.tooCoarse ? 'f32 coarse' : 'f32', attrs: { 'data-f32': p.violations ? 'wrong' : p.tooCoarse ? 'too-coarse' : 'ok', title: p.note } },
      p.violations ? `WRONG: ${p.violations} values outside their f32 bound` : p.tooCoarse ? `f32 too coarse for this claim; ${used}` : `f32 suffices; ${used}`);
  } else {
    f32 = h('td', { class: 'f32', attrs: { 'data-f32': 'none' } }, m.note ? '' : 'float64 only');
  }
  const where = m.backend === 'webgpu' ? `WebGPU (${m.adapter ?? 'unknown adapter'})` : backendLabel('cpu');
  const summary = h('td', { class: 'summary' }, v.summary);
  if (m.note) summary.append(h('div', { class: 'error-text fallback-note' }, m.note));
  return h('tr', { attrs: { 'data-check': v.id, 'data-status': v.status, 'data-backend': m.backend } },
    h('td', {}, v.id), h('td', { class: pass ? 'pass' : 'fail' }, pass ? 'pass' : 'FAIL'), h('td', {}, v.status),
    h('td', { class: 'backend' }, where), h('td', {}, `${v.evidence.samples} samples`), h('td', {}, `${(v.seconds ?? 0).toFixed(2)} s`), f32, summary);
}

/** Runs the checks in a fresh worker (`startWorker`) and fills the Verify section as verdicts arrive. */
export async function verify(startWorker: () => Worker): Promise<void> {
  const button = byId<HTMLButtonElement>('verify');
  button.disabled = true;
  const status = byId('verify-status');
  const progress = byId<HTMLProgressElement>('verify-progress');
  const rows = byId('verify-results');
  fill(rows);
  progress.value = 0;
  progress.hidden = false;
  status.dataset.state = 'running';
  const choice = await chooseBackend();
  const where = byId('verify-backend');
  const showBackend = (backend: BackendName, detail: string, adapter?: string) => {
    where.dataset.backend = backend;
    where.dataset.adapter = String(choice.adapter);
    if (adapter) where.dataset.adapterName = adapter; else delete where.dataset.adapterName;
    delete where.dataset.fallback;
    fill(where, 'Backend: ', h('strong', {}, backendLabel(backend)), adapter ? ` on ${adapter}` : '', ` — ${detail}.`);
  };
  showBackend(choice.backend, choice.reason);
  const w = startWorker();
  const id = 1;
  let failed = 0, count = 0, fellBack = 0;
  w.onmessage = (ev: MessageEvent<Reply>) => {
    const m = ev.data;
    if (m.type === 'backend') {
      if (m.backend === 'webgpu') showBackend('webgpu', `${choice.reason}; for speed the page runs few samples per check on the GPU (${m.samples}), where the CPU path runs the checks’ full defaults`, m.adapter);
      else if (m.note) { showBackend('cpu', m.note); where.dataset.fallback = 'true'; }
    } else if (m.type === 'check-start') { count = m.count; fill(status, `running ${m.check} (${m.index + 1}/${m.count}): ${m.title}`); progress.value = m.index / m.count; }
    else if (m.type === 'progress') {
      const i = ['theorem1', 'corollary2', 'theorem3', 'taylor', 'cases'].indexOf(m.check);
      if (count) progress.value = (Math.max(0, i) + m.done / m.total) / count;
    } else if (m.type === 'verdict') {
      const v = m.verdict;
      const pass = v.status !== 'refuted';
      if (!pass) failed++;
      if (m.note) fellBack++;
      rows.append(verdictRow(m, pass));
    } else if (m.type === 'verify-done') {
      progress.value = 1;
      status.dataset.state = failed ? 'failed' : 'passed';
      const on = m.backend === 'webgpu' || !fellBack ? `on ${backendLabel(m.backend)}` : `(${m.onGpu} on WebGPU, ${count - m.onGpu} on ${backendLabel('cpu')} after a WebGPU fault)`;
      fill(status, failed ? `${failed} of ${count} checks failed ${on}` : `all ${count} checks passed ${on}`);
      if (fellBack) status.dataset.fallback = String(fellBack); else delete status.dataset.fallback;
      w.terminate();
      button.disabled = false;
    } else if (m.type === 'failed') {
      status.dataset.state = 'error';
      fill(status, h('span', { class: 'error-text' }, m.errors.map(formatError).join('; ')));
      w.terminate();
      button.disabled = false;
    }
  };
  w.onerror = (ev) => {
    ev.preventDefault();
    status.dataset.state = 'error';
    fill(status, h('span', { class: 'error-text' }, `the verify worker stopped: ${ev.message || 'unknown error'}`));
    w.terminate();
    button.disabled = false;
  };
  w.postMessage({ type: 'verify', id, backend: choice.backend } satisfies Request);
}
