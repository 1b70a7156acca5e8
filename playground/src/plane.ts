// The picture of conditions (9)/(10): the plane (x, y) = (⟨a,b⟩/‖a‖², ⟨a,b⟩/‖b‖²), a = ∇log π_w,
// b = ∇log π_l. One descent step moves log π_w by ‖a‖²(d_w − d_l x) and log π_l by ‖b‖²(d_w y − d_l),
// so (9) is a vertical line x = d_w/d_l and (10) a horizontal line y = d_l/d_w; DPO's are x = 1, y = 1.
// Cauchy–Schwarz leaves only xy ≤ 1 with x, y of one sign (x·y = cos²). Each cell between the lines is
// coloured by the case the library's classify() gives at its centre — the page decides no case itself.
// Plain SVG: a handful of rectangles, two lines and a curve need no charting library.

import type { Derivation } from '../../src/symbolic/derive.js';
import { CASES, classify } from '../../src/symbolic/conditions.js';
import { type CompiledDerivation, completePoint, evaluateAt } from '../../src/symbolic/point.js';
import { inDomain, paramDomain } from '../../src/loss/domain.js';
import { symbolsOf } from '../../src/expr/expr.js';
import { formatError } from '../../src/errors.js';
import { CONTEXT_SYMBOLS } from '../../src/loss/symbols.js';
import { h, svg, fill } from './dom.js';

export interface PlaneState {
  /** Values the reader set; names left out take completePoint's documented defaults. */
  given: Record<string, number>;
  /** cos∠(a, b) and ‖b‖/‖a‖: where the marker sits. */
  cos: number;
  normRatio: number;
}

export const initialPlaneState = (): PlaneState => ({ given: { logp_w: -10, logp_l: -12 }, cos: 0.9, normRatio: 1 });

const CASE_COLOUR: Record<number, string> = { 0: '#d9d9d9', 1: '#8fd19e', 2: '#f4b183', 3: '#9dc3e6', 4: '#e88a8a' };
const fmt = (v: number) => String(+v.toPrecision(4));

interface Slider { readonly name: string; readonly label: string; readonly lo: number; readonly hi: number; readonly log: boolean; readonly value: number; readonly isDefault?: string }

function sliderRow(s: Slider, onInput: (v: number) => void): HTMLElement {
  const toPos = (v: number) => (s.log ? Math.log(v / s.lo) / Math.log(s.hi / s.lo) : (v - s.lo) / (s.hi - s.lo));
  const fromPos = (p: number) => (s.log ? s.lo * Math.pow(s.hi / s.lo, p) : s.lo + p * (s.hi - s.lo));
  const range = h('input', { attrs: { type: 'range', min: '0', max: '1000', step: '1', 'aria-label': s.label, 'data-name': s.name } });
  range.value = String(Math.round(1000 * Math.min(1, Math.max(0, toPos(s.value)))));
  const out = h('output', {}, fmt(s.value));
  const note = h('span', { class: 'note' }, s.isDefault ? ` (${s.isDefault})` : '');
  range.addEventListener('input', () => {
    const v = Number(fmt(fromPos(Number(range.value) / 1000)));
    out.textContent = fmt(v);
    note.textContent = '';
    onInput(v);
  });
  return h('label', { class: 'slider' }, h('span', { class: 'slider-name' }, s.label), range, out, note);
}

function sliders(d: Derivation, st: PlaneState, values: Record<string, number>, onChange: () => void): HTMLElement {
  const used = new Set<string>();
  symbolsOf(d.L, used);
  for (const r of d.regimes) { symbolsOf(r.dW, used); symbolsOf(r.dL, used); }
  if (used.has('c_ref')) { used.add('c_ref_w'); used.add('c_ref_l'); }
  const set = (name: string) => (v: number) => { st.given[name] = v; onChange(); };
  const rows: HTMLElement[] = [
    sliderRow({ name: 'logp_w', label: 'log π_w', lo: -50, hi: -0.1, log: false, value: values.logp_w }, set('logp_w')),
    sliderRow({ name: 'logp_l', label: 'log π_l', lo: -50, hi: -0.1, log: false, value: values.logp_l }, set('logp_l')),
  ];
  for (const [name, p] of Object.entries(d.spec.source.params)) {
    const v = values[name];
    // A slider stays inside the parameter's domain (spec/domain.ts), where a value set by hand is accepted.
    const around = p.default > 0 ? [p.default / 100, p.default * 100] : [p.default - 10, p.default + 10];
    const dom = paramDomain(p);
    const [lo, hi] = p.range ?? (inDomain(dom, p.default) ? [Math.max(around[0], dom.lo), Math.min(around[1], dom.hi)] : around);
    rows.push(sliderRow({ name, label: name, lo, hi, log: lo > 0, value: v }, set(name)));
  }
  const CTX: Record<string, Omit<Slider, 'value' | 'name' | 'label'>> = {
    c_ref_w: { lo: -50, hi: -0.1, log: false }, c_ref_l: { lo: -50, hi: -0.1, log: false },
    len_w: { lo: 1, hi: 1000, log: true }, len_l: { lo: 1, hi: 1000, log: true }, z_ref: { lo: 0, hi: 10, log: false },
  };
  for (const c of CONTEXT_SYMBOLS) {
    if (!used.has(c.name) || !CTX[c.name]) continue;
    const isDefault = st.given[c.name] === undefined ? `default: ${c.defaultText}` : undefined;
    rows.push(sliderRow({ name: c.name, label: c.name, ...CTX[c.name], value: values[c.name], isDefault }, set(c.name)));
  }
  rows.push(h('div', { class: 'slider-sep' }, 'gradients a = ∇log π_w, b = ∇log π_l (the marker):'));
  rows.push(sliderRow({ name: 'cos', label: 'cos∠(a,b)', lo: -1, hi: 1, log: false, value: st.cos }, (v) => { st.cos = v; onChange(); }));
  rows.push(sliderRow({ name: 'normRatio', label: '‖b‖/‖a‖', lo: 0.1, hi: 10, log: true, value: st.normRatio }, (v) => { st.normRatio = v; onChange(); }));
  return h('div', { class: 'sliders' }, ...rows);
}

const W = 380, H = 380, PAD = 36;

function extent(vals: readonly number[]): [number, number] {
  const finite = vals.filter(Number.isFinite);
  const hi = Math.min(40, Math.max(2.5, ...finite.filter((v) => v > 0).map((v) => 1.25 * v)));
  const lo = -Math.min(40, Math.max(1, ...finite.filter((v) => v < 0).map((v) => -1.25 * v)));
  return [lo, hi];
}

function picture(w: { dW: number; dL: number } | null, st: PlaneState): SVGElement {
  const mx = st.cos * st.normRatio, my = st.cos / st.normRatio;
  const bx = w && w.dL !== 0 ? w.dW / w.dL : null;
  const by = w && w.dW !== 0 ? w.dL / w.dW : null;
  const [x0, x1] = extent([1, mx, bx ?? 1]);
  const [y0, y1] = extent([1, my, by ?? 1]);
  const X = (x: number) => PAD + ((x - x0) / (x1 - x0)) * (W - 2 * PAD);
  const Y = (y: number) => H - PAD - ((y - y0) / (y1 - y0)) * (H - 2 * PAD);
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': 'conditions (9) and (10) in the plane of gradient ratios',
    'data-bx': bx === null ? 'none' : fmt(bx), 'data-by': by === null ? 'none' : fmt(by) });
  const cuts = (lo: number, hi: number, b: number | null) => [...new Set([lo, 0, ...(b !== null && b > lo && b < hi ? [b] : []), hi])].sort((a, c) => a - c);
  const xs = cuts(x0, x1, bx), ys = cuts(y0, y1, by);
  for (let i = 0; i + 1 < xs.length; i++) {
    for (let j = 0; j + 1 < ys.length; j++) {
      const cx = (xs[i] + xs[i + 1]) / 2, cy = (ys[j] + ys[j + 1]) / 2;
      // x and y of opposite signs cannot happen: both are ⟨a,b⟩ over a positive norm.
      const caseId = !w || cx * cy < 0 ? 0 : classify(w, { normW2: 1, innerWL: cx, normL2: cx / cy }).caseId;
      root.append(svg('rect', { x: X(xs[i]), y: Y(ys[j + 1]), width: X(xs[i + 1]) - X(xs[i]), height: Y(ys[j]) - Y(ys[j + 1]),
        fill: CASE_COLOUR[caseId], 'data-case': caseId, class: 'region' }));
    }
  }
  // Cauchy–Schwarz: xy = cos² ≤ 1. Shade xy > 1 in the first and third quadrants.
  const curve = (a: number, b: number) => Array.from({ length: 61 }, (_, k) => { const x = a + ((b - a) * k) / 60; return `${X(x).toFixed(1)},${Y(1 / x).toFixed(1)}`; });
  if (1 / y1 < x1) root.append(svg('polygon', { points: [...curve(Math.max(1 / y1, 1e-9), x1), `${X(x1)},${Y(y1)}`].join(' '), class: 'infeasible' }));
  if (x0 < 0 && y0 < 0 && 1 / y0 > x0) root.append(svg('polygon', { points: [...curve(x0, 1 / y0), `${X(x0)},${Y(y0)}`].join(' '), class: 'infeasible' }));
  // Axes, DPO's boundaries (x = 1, y = 1), this loss's boundaries.
  root.append(svg('line', { x1: X(0), x2: X(0), y1: Y(y0), y2: Y(y1), class: 'axis' }), svg('line', { x1: X(x0), x2: X(x1), y1: Y(0), y2: Y(0), class: 'axis' }));
  root.append(svg('line', { x1: X(1), x2: X(1), y1: Y(y0), y2: Y(y1), class: 'dpo' }), svg('line', { x1: X(x0), x2: X(x1), y1: Y(1), y2: Y(1), class: 'dpo' }));
  root.append(svg('text', { x: X(1) + 3, y: PAD - 6, class: 'dpo-label' }, 'DPO x=1'), svg('text', { x: W - PAD - 2, y: Y(1) - 4, class: 'dpo-label', 'text-anchor': 'end' }, 'DPO y=1'));
  if (bx !== null && bx > x0 && bx < x1) root.append(svg('line', { x1: X(bx), x2: X(bx), y1: Y(y0), y2: Y(y1), class: 'bound' }), svg('text', { x: X(bx) + 3, y: H - PAD - 6, class: 'bound-label' }, `(9) x=${fmt(bx)}`));
  if (by !== null && by > y0 && by < y1) root.append(svg('line', { x1: X(x0), x2: X(x1), y1: Y(by), y2: Y(by), class: 'bound' }), svg('text', { x: PAD + 3, y: Y(by) - 4, class: 'bound-label' }, `(10) y=${fmt(by)}`));
  for (const [v, lo, hi, isX] of [[x0, x0, x1, true], [x1, x0, x1, true], [y0, y0, y1, false], [y1, y0, y1, false]] as const) {
    void lo; void hi;
    root.append(isX ? svg('text', { x: X(v), y: H - PAD + 14, class: 'tick', 'text-anchor': 'middle' }, fmt(v)) : svg('text', { x: PAD - 4, y: Y(v) + 4, class: 'tick', 'text-anchor': 'end' }, fmt(v)));
  }
  root.append(svg('text', { x: W / 2, y: H - 6, class: 'axis-label', 'text-anchor': 'middle' }, 'x = ⟨a,b⟩ / ‖a‖²'));
  root.append(svg('text', { x: 12, y: H / 2, class: 'axis-label', 'text-anchor': 'middle', transform: `rotate(-90 12 ${H / 2})` }, 'y = ⟨a,b⟩ / ‖b‖²'));
  if (mx >= x0 && mx <= x1 && my >= y0 && my <= y1) root.append(svg('circle', { cx: X(mx), cy: Y(my), r: 5, class: 'marker' }));
  return root;
}

function legend(): HTMLElement {
  return h('div', { class: 'legend' }, ...CASES.map((k) => h('span', { class: 'legend-item' },
    h('span', { class: 'swatch', attrs: { 'data-case': String(k.id) } }), `${k.id}: ${k.label}`)),
  h('span', { class: 'legend-item' }, h('span', { class: 'swatch infeasible-swatch' }), 'impossible (Cauchy–Schwarz)'));
}

/** The sliders, the picture and a readout; sliders persist while the loss stays the same. */
export function planeView(d: Derivation, compiled: CompiledDerivation, st: PlaneState): HTMLElement {
  // Params from an earlier loss do not belong to this one.
  const known = new Set(['logp_w', 'logp_l', 'c_ref_w', 'c_ref_l', 'len_w', 'len_l', 'z_ref', ...Object.keys(d.spec.source.params)]);
  for (const k of Object.keys(st.given)) if (!known.has(k)) delete st.given[k];
  const pic = h('div', { class: 'picture', id: 'plane-picture' });
  const readout = h('div', { class: 'readout', id: 'plane-readout' });
  const update = () => {
    const p = completePoint(d, st.given);
    const e = p.ok ? evaluateAt(compiled, p.value) : p;
    const defaults = (p.ok ? p.value.defaults : []).filter((x) => !(x.name in d.spec.source.params));
    if (!e.ok) {
      fill(pic, picture(null, st));
      fill(readout, h('p', { class: 'error-text' }, e.errors.map(formatError).join('; ')));
      return;
    }
    const w = { dW: e.value.dW, dL: e.value.dL };
    fill(pic, picture(w, st));
    const g = { normW2: 1, normL2: st.normRatio ** 2, innerWL: st.cos * st.normRatio };
    const c = classify(w, g);
    const label = CASES.find((k) => k.id === c.caseId)?.label ?? 'neither moves';
    fill(readout,
      h('p', {}, `d_w = ${fmt(w.dW)}, d_l = ${fmt(w.dL)}, d_w/d_l = ${e.value.ratio === null ? 'undefined' : fmt(e.value.ratio)}`,
        d.regimes.length > 1 ? ` (regime: ${e.value.regime.label})` : ''),
      h('p', {}, `marker: x = ${fmt(st.cos * st.normRatio)}, y = ${fmt(st.cos / st.normRatio)}; with ‖a‖ = 1 a step of η = 1 gives Δlog π_w ≈ ${fmt(c.dLogpW)}, Δlog π_l ≈ ${fmt(c.dLogpL)} → `,
        h('strong', { attrs: { 'data-case': String(c.caseId) }, class: 'case-name' }, c.caseId ? `case ${c.caseId}: ${label}` : label)),
      defaults.length ? h('p', { class: 'note' }, `defaults: ${defaults.map((x) => x.rule).join('; ')}`) : null);
  };
  const p0 = completePoint(d, st.given);
  const values = p0.ok ? p0.value.values : { ...st.given };
  const root = h('div', { class: 'plane' }, h('div', { class: 'plane-controls' }, sliders(d, st, values, update), readout), h('div', {}, pic, legend()));
  update();
  return root;
}
