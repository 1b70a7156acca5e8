// The sweep of `marginlab sweep`, in the page: pick one or two variables and the quantities, and the
// worker runs the library's sweep (every value from evaluateAt, refusals as gaps) while this file draws
// the library's Vega-Lite spec (src/report/plots/sweep.ts) with Vega. The page's CSP allows no eval, so
// Vega runs its expressions through vega-interpreter. Everything the sweep does not vary is held where
// the plane's sliders put it (references and lengths included), and the gradient pair is the plane's.

import type { Derivation } from '../../src/symbolic/derive.js';
import { completePoint } from '../../src/symbolic/point.js';
import { QUANTITY_TEXT, SWEEP_QUANTITIES, STEP_QUANTITIES, type Sweep, type SweepAxis, type SweepQuantity, type SweepRequest, DEFAULT_SAMPLES, symbolsRead } from '../../src/symbolic/sweep.js';
import { sweepNotes, sweepSpec } from '../../src/report/plots/sweep.js';
import { formatError } from '../../src/errors.js';
import type { LossSource } from '../../src/loss/types.js';
import { CONTEXT_SYMBOLS, LOGP_L, LOGP_W } from '../../src/loss/symbols.js';
import { h, fill } from './dom.js';
import type { PlaneState } from './plane.js';
import type { Reply, Request } from './protocol.js';

interface Range { lo: number; hi: number; log: boolean }

/** The variables a sweep may vary for this loss, each with a sensible first range. */
function variables(d: Derivation): Map<string, Range> {
  const used = symbolsRead(d);
  const out = new Map<string, Range>([[LOGP_W, { lo: -40, hi: -1, log: false }], [LOGP_L, { lo: -40, hi: -1, log: false }]]);
  for (const [name, p] of Object.entries(d.spec.source.params)) {
    const [lo, hi] = p.range ?? (p.default > 0 ? [p.default / 100, p.default * 100] : [p.default - 10, p.default + 10]);
    out.set(name, { lo, hi, log: lo > 0 });
  }
  const CTX: Record<string, Range> = { c_ref_w: { lo: -40, hi: -1, log: false }, c_ref_l: { lo: -40, hi: -1, log: false },
    len_w: { lo: 1, hi: 1000, log: true }, len_l: { lo: 1, hi: 1000, log: true }, z_ref: { lo: 0, hi: 10, log: false } };
  for (const c of CONTEXT_SYMBOLS) if (used.has(c.name) && CTX[c.name]) out.set(c.name, CTX[c.name]);
  return out;
}

function numberInput(label: string, value: number, cls: string): HTMLInputElement {
  const el = h('input', { class: cls, attrs: { type: 'number', step: 'any', 'aria-label': label } });
  el.value = String(value);
  return el;
}

interface AxisControls { readonly name: HTMLSelectElement; readonly lo: HTMLInputElement; readonly hi: HTMLInputElement; readonly log: HTMLInputElement; readonly row: HTMLElement }

function axisControls(which: number, vars: Map<string, Range>, optional: boolean): AxisControls {
  const name = h('select', { class: `sweep-var`, attrs: { 'aria-label': `variable ${which}`, 'data-axis': String(which) } });
  if (optional) name.append(h('option', { attrs: { value: '' } }, '— one variable —'));
  for (const v of vars.keys()) name.append(h('option', { attrs: { value: v } }, v));
  const first = optional ? '' : LOGP_W;
  name.value = first;
  const r = vars.get(first) ?? { lo: -40, hi: -1, log: false };
  const lo = numberInput(`from (variable ${which})`, r.lo, 'sweep-lo'), hi = numberInput(`to (variable ${which})`, r.hi, 'sweep-hi');
  const log = h('input', { attrs: { type: 'checkbox', 'aria-label': `log-spaced (variable ${which})` } });
  log.checked = r.log;
  name.addEventListener('change', () => {
    const v = vars.get(name.value);
    if (v) { lo.value = String(v.lo); hi.value = String(v.hi); log.checked = v.log; }
  });
  const row = h('div', { class: 'row sweep-axis' }, h('span', {}, which === 1 ? 'over' : 'and'), name, 'from', lo, 'to', hi, h('label', {}, log, ' log'));
  return { name, lo, hi, log, row };
}

let sweepWorker: Worker | undefined;
let lastId = 0;
let view: { finalize(): void } | undefined;

/** Draw a sweep with the library's spec, through Vega's SVG renderer and the CSP-safe interpreter. */
async function draw(el: HTMLElement, s: Sweep): Promise<void> {
  const [{ compile }, vega, { expressionInterpreter }] = await Promise.all([import('vega-lite'), import('vega'), import('vega-interpreter')]);
  view?.finalize();
  el.replaceChildren();
  const runtime = vega.parse(compile(sweepSpec(s)).spec, undefined, { ast: true });
  const v = new vega.View(runtime, { expr: expressionInterpreter, renderer: 'svg', container: el, hover: false });
  view = v;
  await v.runAsync();
}

/** The sweep section for a loss; `plane` is read when Draw is pressed, so the sliders' latest values count. */
export function sweepView(d: Derivation, source: LossSource, plane: PlaneState, worker: () => Worker): HTMLElement {
  const vars = variables(d);
  const a1 = axisControls(1, vars, false), a2 = axisControls(2, vars, true);
  const boxes = new Map<SweepQuantity, HTMLInputElement>();
  const quantityRow = h('div', { class: 'row sweep-of' }, 'show');
  for (const q of SWEEP_QUANTITIES) {
    const b = h('input', { attrs: { type: 'checkbox', 'data-quantity': q, 'aria-label': QUANTITY_TEXT[q] } });
    b.checked = q === 'dW' || q === 'dL' || q === 'ratio';
    boxes.set(q, b);
    quantityRow.append(h('label', {}, b, ` ${QUANTITY_TEXT[q]}`));
  }
  const withGram = h('input', { attrs: { type: 'checkbox', id: 'sweep-gram', 'aria-label': 'with the plane\'s gradient pair' } });
  const button = h('button', { id: 'sweep-draw', attrs: { type: 'button' } }, 'Draw');
  const status = h('p', { id: 'sweep-status', class: 'note' });
  const figure = h('div', { id: 'sweep-figure', class: 'sweep-figure' });

  const request = (): SweepRequest | string => {
    const chosen = [a1, a2].filter((a) => a.name.value);
    const axes: SweepAxis[] = chosen.map((a) => ({ name: a.name.value, lo: Number(a.lo.value), hi: Number(a.hi.value), log: a.log.checked, n: DEFAULT_SAMPLES[chosen.length] }));
    const of = SWEEP_QUANTITIES.filter((q) => boxes.get(q)!.checked);
    const gram = withGram.checked || of.some((q) => STEP_QUANTITIES.has(q))
      ? { normW2: 1, normL2: plane.normRatio ** 2, innerWL: plane.cos * plane.normRatio } : undefined;
    // Everything not swept is held at the sliders' point (its documented defaults filled in).
    const p = completePoint(d, plane.given);
    if (!p.ok) return p.errors.map(formatError).join('; ');
    const reads = new Set([LOGP_W, LOGP_L, ...vars.keys()]);
    const at = Object.fromEntries(Object.entries(p.value.values).filter(([k]) => reads.has(k) && k !== 'c_ref' && !axes.some((a) => a.name === k)));
    return { axes, of, at, gram };
  };

  button.addEventListener('click', () => {
    const r = request();
    if (typeof r === 'string') { status.className = 'error-text'; fill(status, r); return; }
    sweepWorker?.terminate();
    sweepWorker = worker();
    const id = ++lastId;
    status.className = 'note';
    fill(status, 'sweeping…');
    figure.dataset.state = 'running';
    sweepWorker.onmessage = (ev: MessageEvent<Reply>) => {
      const m = ev.data;
      if (m.id !== id) return;
      if (m.type === 'failed') {
        status.className = 'error-text';
        fill(status, m.errors.map(formatError).join('; '));
        figure.dataset.state = 'failed';
        return;
      }
      if (m.type !== 'sweep') return;
      draw(figure, m.sweep).then(() => {
        if (id !== lastId) return;
        // What was drawn, for a reader (and for the e2e test, which recomputes it with the library).
        figure.dataset.request = JSON.stringify(r);
        figure.dataset.state = 'drawn';
        fill(status, `${sweepNotes(m.sweep).join(' · ')} · computed in ${Math.round(m.ms)} ms`);
      }).catch((e: unknown) => { status.className = 'error-text'; fill(status, `drawing failed: ${String(e)}`); figure.dataset.state = 'failed'; });
    };
    sweepWorker.postMessage({ type: 'sweep', id, source, request: r } satisfies Request);
  });

  return h('div', { class: 'sweep' },
    a1.row, a2.row, quantityRow,
    h('div', { class: 'row' }, h('label', {}, withGram, ' with the plane\'s gradient pair (‖a‖ = 1; needed for Δlogp and the case)')),
    h('p', { class: 'help' }, 'Everything not swept is held where the sliders above put it. Points where float64 cannot certify a value are gaps, counted below — never numbers.'),
    h('div', { class: 'row' }, button, status),
    figure);
}
