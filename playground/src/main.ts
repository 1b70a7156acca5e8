// The playground page: wires the form, the library and the worker together. It holds no mathematics:
// parsing, checking, deriving, evaluating and classifying are library calls; this file decides only what
// is shown where and when.

import 'katex/dist/katex.min.css';
import './style.css';
import { CATALOGUE, findEntry } from '../../src/spec/catalogue/index.js';
import { type MarginError, formatError } from '../../src/spec/errors.js';
import { fromCatalogue, parseSpecText } from '../../src/spec/source.js';
import type { LossSource, LossSpec } from '../../src/spec/types.js';
import { derivationJson } from '../../src/report/derivation.js';
import { derive } from '../../src/symbolic/derive.js';
import { compileDerivation } from '../../src/symbolic/point.js';
import { auditView, casesView } from './analysis-view.js';
import { backendLabel, chooseBackend } from './backends.js';
import { derivationView } from './derivation-view.js';
import { byId, fill, h } from './dom.js';
import { derivationLatex, specYaml } from './export.js';
import { showErrors } from './field-errors.js';
import { FIELDS, type Field, type Fields, buildLoss, fieldsOf, locateError } from './loss.js';
import { metricsView } from './metrics.js';
import { initialPlaneState, planeView } from './plane.js';
import type { BackendName, Reply, Request } from './protocol.js';
import { readHash, shareHash } from './share.js';

const CUSTOM = '';
const BLANK: Fields = { name: 'my loss', m: 'logsigmoid(a)', h_w: 'beta*a', h_l: 'beta*a', Lambda: '0', params: 'beta=0.1' };

const input = (f: Field | 'name') => byId<HTMLInputElement>(`f-${f}`);
let base: LossSource | undefined;
let lastKey = '';
let requestId = 0;
let analysisWorker: Worker | undefined;
let analysisBusy = false;
const plane = initialPlaneState();
let firstRender = true;

function readFields(): Fields {
  return { name: input('name').value, m: input('m').value, h_w: input('h_w').value, h_l: input('h_l').value, Lambda: input('Lambda').value, params: input('params').value };
}

function writeFields(f: Fields): void {
  for (const k of ['name', ...FIELDS] as const) input(k).value = f[k];
}

function clearFieldErrors(): void {
  for (const k of FIELDS) showErrors(byId(`e-${k}`), input(k), []);
  showErrors(byId('e-form'), null, []);
}

function showLossErrors(errors: readonly MarginError[], f: Fields): void {
  const by = new Map<string, { error: MarginError; column?: number }[]>();
  for (const e of errors) {
    const { field, column } = locateError(e, f);
    by.set(field, [...(by.get(field) ?? []), { error: e, column }]);
  }
  for (const k of FIELDS) showErrors(byId(`e-${k}`), input(k), by.get(k) ?? []);
  showErrors(byId('e-form'), null, by.get('form') ?? []);
}

function setStale(stale: boolean): void {
  byId('output').classList.toggle('stale', stale);
}

function pending(id: string, text: string): void {
  fill(byId(id), h('p', { class: 'note pending' }, text));
}

function update(): void {
  const f = readFields();
  const built = buildLoss(base, f);
  const select = byId<HTMLSelectElement>('catalogue');
  if (built.source && built.source !== base && select.value !== CUSTOM) select.value = CUSTOM;
  if (!built.result.ok) { showLossErrors(built.result.errors, f); setStale(true); return; }
  const spec = built.result.value;
  const d = derive(spec);
  if (!d.ok) { showLossErrors(d.errors, f); setStale(true); return; }
  clearFieldErrors();
  setStale(false);
  const key = JSON.stringify(spec.source);
  if (key === lastKey) return;
  lastKey = key;
  const json = derivationJson(d.value);
  fill(byId('derivation'), derivationView(json));
  fill(byId('plane'), planeView(d.value, compileDerivation(d.value), plane));
  if (firstRender) { firstRender = false; performance.mark('marginlab:first-derivation'); }
  showExports(spec, json);
  history.replaceState(null, '', shareHash(spec.source));
  byId<HTMLInputElement>('x-link').value = location.href;
  requestAnalysis(spec.source);
}

function showExports(spec: LossSpec, json: ReturnType<typeof derivationJson>): void {
  byId<HTMLTextAreaElement>('x-derivation').value = derivationLatex(json);
  void specYaml(spec.source).then((y) => { byId<HTMLTextAreaElement>('x-yaml').value = y; });
}

function worker(): Worker {
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
}

function requestAnalysis(source: LossSource): void {
  // A worker still busy with an older loss is dropped rather than waited for.
  if (analysisWorker && analysisBusy) { analysisWorker.terminate(); analysisWorker = undefined; }
  if (!analysisWorker) {
    analysisWorker = worker();
    analysisWorker.onmessage = (ev: MessageEvent<Reply>) => onAnalysis(ev.data);
  }
  const id = ++requestId;
  analysisBusy = true;
  pending('cases', 'computing Table 1 for this loss…');
  pending('audit', 'sampling and proving the signs of d_w and d_l…');
  byId<HTMLTextAreaElement>('x-table').value = '% computing…';
  analysisWorker.postMessage({ type: 'analyse', id, source } satisfies Request);
}

function onAnalysis(m: Reply): void {
  if (m.id !== requestId) return;
  analysisBusy = false;
  if (m.type === 'failed') {
    fill(byId('audit'), h('p', { class: 'error-text' }, m.errors.map(formatError).join('; ')));
    fill(byId('cases'));
    return;
  }
  if (m.type !== 'analysis') return;
  fill(byId('derivation'), derivationView(m.json));
  fill(byId('cases'), casesView(m.cases));
  fill(byId('audit'), auditView(m.json), h('p', { class: 'note' }, `computed in the worker in ${Math.round(m.ms)} ms`));
  byId<HTMLTextAreaElement>('x-derivation').value = derivationLatex(m.json);
  byId<HTMLTextAreaElement>('x-table').value = m.tableLatex;
}

// ---------- Verify ----------

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

async function verify(): Promise<void> {
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
  const w = worker();
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

// ---------- spec files, links, metrics ----------

async function useSpecText(text: string, file: string): Promise<void> {
  const r = await parseSpecText(text, file);
  const box = byId('e-spec');
  const area = byId<HTMLTextAreaElement>('spec-text');
  if (!r.ok) {
    showErrors(box, area, r.errors.map((error) => ({ error, line: error.at?.line, column: error.at?.column })));
    return;
  }
  showErrors(box, area, []);
  loadSource(r.value);
}

function loadSource(s: LossSource): void {
  base = s;
  const entry = s.origin === `catalogue:${s.id}` ? findEntry(s.id) : undefined;
  byId<HTMLSelectElement>('catalogue').value = entry ? entry.id : CUSTOM;
  writeFields(fieldsOf(s));
  update();
}

async function loadFromHash(): Promise<boolean> {
  const r = await readHash(location.hash);
  const box = byId('url-error');
  if (r.kind === 'error') {
    box.hidden = false;
    fill(box, h('strong', {}, 'The link’s loss was not loaded: '), ...r.errors.map((e) => h('div', { class: 'error-text' }, formatError(e))));
    return false;
  }
  box.hidden = true;
  if (r.kind === 'ok') { loadSource(r.source); return true; }
  return false;
}

function copyButton(button: HTMLButtonElement, source: HTMLInputElement | HTMLTextAreaElement): void {
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(source.value);
    } catch {
      source.select();
      document.execCommand('copy');
    }
    const old = button.textContent;
    button.textContent = 'copied';
    setTimeout(() => { button.textContent = old; }, 1200);
  });
}

function debounce(f: () => void, ms: number): () => void {
  let t: ReturnType<typeof setTimeout> | undefined;
  return () => { if (t) clearTimeout(t); t = setTimeout(f, ms); };
}

function fatal(message: string): void {
  const box = byId('fatal');
  box.hidden = false;
  fill(box, h('strong', {}, 'Something went wrong: '), message);
}

async function start(): Promise<void> {
  const select = byId<HTMLSelectElement>('catalogue');
  select.append(h('option', { attrs: { value: CUSTOM } }, 'custom…'));
  for (const e of CATALOGUE) select.append(h('option', { attrs: { value: e.id } }, `${e.name}${e.inPaper ? '' : ' (beyond Table 2)'}`));
  select.addEventListener('change', () => {
    const entry = findEntry(select.value);
    if (entry) loadSource(fromCatalogue(entry));
    else { base = undefined; writeFields(BLANK); update(); }
  });
  const later = debounce(() => { try { update(); } catch (e) { fatal(String(e)); } }, 120);
  for (const k of ['name', ...FIELDS] as const) input(k).addEventListener('input', later);
  byId('verify').addEventListener('click', () => { verify().catch((e) => fatal(String(e))); });
  byId('spec-load').addEventListener('click', () => { void useSpecText(byId<HTMLTextAreaElement>('spec-text').value, 'pasted spec'); });
  byId<HTMLInputElement>('spec-file').addEventListener('change', async (ev) => {
    const file = (ev.target as HTMLInputElement).files?.[0];
    if (!file) return;
    const text = await file.text();
    byId<HTMLTextAreaElement>('spec-text').value = text;
    await useSpecText(text, file.name);
  });
  const area = byId<HTMLTextAreaElement>('spec-text');
  area.addEventListener('dragover', (ev) => { ev.preventDefault(); });
  area.addEventListener('drop', async (ev) => {
    ev.preventDefault();
    const file = ev.dataTransfer?.files[0];
    if (!file) return;
    const text = await file.text();
    area.value = text;
    await useSpecText(text, file.name);
  });
  byId<HTMLInputElement>('metrics-file').addEventListener('change', async (ev) => {
    const file = (ev.target as HTMLInputElement).files?.[0];
    if (!file) return;
    fill(byId('metrics'), metricsView(await file.text(), file.name));
  });
  copyButton(byId('c-derivation'), byId('x-derivation'));
  copyButton(byId('c-table'), byId('x-table'));
  copyButton(byId('c-yaml'), byId('x-yaml'));
  copyButton(byId('c-link'), byId('x-link'));
  window.addEventListener('hashchange', () => { void loadFromHash(); });
  if (!(await loadFromHash())) loadSource(fromCatalogue(findEntry('dpo')!));
}

window.addEventListener('error', (ev) => fatal(ev.message));
window.addEventListener('unhandledrejection', (ev) => fatal(String(ev.reason)));
start().catch((e) => fatal(String(e)));
