// The playground page: wires the form, the library and the worker together. It holds no mathematics:
// parsing, checking, deriving, evaluating and classifying are library calls; this file decides only what
// is shown where and when.
//
// What this file imports is what the first derivation needs (KaTeX, mathjs's parser, the library's
// derive, the derivation and the plane); everything shown later — Table 1's cases and the audit from the
// worker, the LaTeX and YAML exports, Verify, a training run's metrics — is loaded with import() when it
// is needed, so a cold load compiles and runs only the first part before the derivation is on screen.

import 'katex/dist/katex.min.css';
import './style.css';
import { CATALOGUE, findEntry } from '../../src/loss/catalogue/index.js';
import { type MarginError, formatError } from '../../src/errors.js';
import { fromCatalogue, parseSpecText } from '../../src/loss/source.js';
import type { LossSource, LossSpec } from '../../src/loss/types.js';
import { derivationJson } from '../../src/report/derivation.js';
import { type Derivation, derive } from '../../src/symbolic/derive.js';
import { compileDerivation } from '../../src/symbolic/point.js';
import { derivationView } from './derivation-view.js';
import { byId, fill, h } from './dom.js';
import type { DerivationJson } from './export.js';
import { showErrors } from './field-errors.js';
import { FIELDS, type Field, type Fields, buildLoss, fieldsOf, locateError } from './loss.js';
import { initialPlaneState, planeView } from './plane.js';
import type { Reply, Request } from './protocol.js';
import { readHash, shareHash } from './share.js';

// Loaded on demand (each import() is fetched once; later calls reuse the module).
const analysisViews = () => import('./analysis-view.js');
const sweepModule = () => import('./sweep-view.js');
const exportModule = () => import('./export.js');

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
  // The worker's answer for the previous loss would be thrown away: stop it before deriving this one, so
  // the two do not share the CPU.
  dropBusyAnalysis();
  const json = derivationJson(d.value);
  fill(byId('derivation'), derivationView(json));
  fill(byId('plane'), planeView(d.value, compileDerivation(d.value), plane));
  // The derivation and the plane are in the page now: the first time, that is the moment the e2e test
  // times from navigation start (test/playground/e2e.test.ts).
  if (firstRender) { firstRender = false; performance.mark('marginlab:first-derivation'); }
  showExports(spec, json, key);
  showSweep(d.value, spec.source, key);
  history.replaceState(null, '', shareHash(spec.source));
  byId<HTMLInputElement>('x-link').value = location.href;
  requestAnalysis(spec.source);
}

/** The LaTeX and YAML exports, once their module (and YAML's) has loaded, unless the loss changed meanwhile. */
function showExports(spec: LossSpec, json: DerivationJson, key: string): void {
  void exportModule().then(async ({ derivationLatex, specYaml }) => {
    if (key !== lastKey) return;
    byId<HTMLTextAreaElement>('x-derivation').value = derivationLatex(json);
    const yaml = await specYaml(spec.source);
    if (key === lastKey) byId<HTMLTextAreaElement>('x-yaml').value = yaml;
  }).catch((e) => fatal(String(e)));
}

/** The sweep's controls, once their module has loaded, unless the loss changed meanwhile. */
function showSweep(d: Derivation, source: LossSource, key: string): void {
  void sweepModule().then(({ sweepView }) => { if (key === lastKey) fill(byId('sweep'), sweepView(d, source, plane, worker)); }).catch((e) => fatal(String(e)));
}

function worker(): Worker {
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
}

/** A worker still busy with an older loss is dropped rather than waited for. */
function dropBusyAnalysis(): void {
  if (analysisWorker && analysisBusy) { analysisWorker.terminate(); analysisWorker = undefined; analysisBusy = false; }
}

function requestAnalysis(source: LossSource): void {
  dropBusyAnalysis();
  if (!analysisWorker) {
    analysisWorker = worker();
    analysisWorker.onmessage = (ev: MessageEvent<Reply>) => { onAnalysis(ev.data).catch((e) => fatal(String(e))); };
  }
  const id = ++requestId;
  analysisBusy = true;
  // Fetch the views for the worker's answer while it computes.
  void analysisViews().catch(() => undefined);
  pending('cases', 'computing Table 1 for this loss…');
  pending('audit', 'sampling and proving the signs of d_w and d_l…');
  byId<HTMLTextAreaElement>('x-table').value = '% computing…';
  analysisWorker.postMessage({ type: 'analyse', id, source } satisfies Request);
}

async function onAnalysis(m: Reply): Promise<void> {
  if (m.id !== requestId) return;
  analysisBusy = false;
  if (m.type === 'failed') {
    fill(byId('audit'), h('p', { class: 'error-text' }, m.errors.map(formatError).join('; ')));
    fill(byId('cases'));
    return;
  }
  if (m.type !== 'analysis') return;
  const [{ auditView, casesView }, { derivationLatex }] = await Promise.all([analysisViews(), exportModule()]);
  // A newer loss may have been typed while the views loaded.
  if (m.id !== requestId) return;
  fill(byId('derivation'), derivationView(m.json));
  fill(byId('cases'), casesView(m.cases));
  fill(byId('audit'), auditView(m.json), h('p', { class: 'note' }, `computed in the worker in ${Math.round(m.ms)} ms`));
  byId<HTMLTextAreaElement>('x-derivation').value = derivationLatex(m.json);
  byId<HTMLTextAreaElement>('x-table').value = m.tableLatex;
}

/** Verify's code is loaded on the first click; the section says it is running from the click on. */
function startVerify(): void {
  const button = byId<HTMLButtonElement>('verify');
  const status = byId('verify-status');
  button.disabled = true;
  status.dataset.state = 'running';
  import('./verify-view.js').then(({ verify }) => verify(worker)).catch((e) => {
    status.dataset.state = 'error';
    button.disabled = false;
    fatal(String(e));
  });
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
  byId('verify').addEventListener('click', startVerify);
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
    const [{ metricsView }, text] = await Promise.all([import('./metrics.js'), file.text()]);
    fill(byId('metrics'), metricsView(text, file.name));
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
