// `marginlab sweep` as a Vega-Lite spec, drawn by the same pipeline as the training figures (render.ts):
// over one variable, a line per quantity (one panel each, x shared) with a point at every sample, the
// regime boundaries as dashed rules and refused samples as red rules — a gap in the line, never a
// number; over two, a heatmap per quantity with the regime boundaries (black) and the edge of Table 1's
// case-1 region (green, dashed) drawn over it, and refused cells in grey. Every mark carries its value
// at full precision in its ARIA label, so the SVG can be read back as data.

import type { TopLevelSpec } from 'vega-lite';
import { type Sweep as AnySweep, axisValues, cellEdges, quantityText } from '../../symbolic/sweep.js';

/** A sweep of either form: two responses (SweepQuantity) or K ranked responses (d_1 … d_K, L, dLogp_k). */
type Sweep = AnySweep<string>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const W = 520, H = 150, CELL = 300;

/** Table 1's cases, coloured as in the playground's plane (0: nothing moves). */
export const CASE_COLOURS: Readonly<Record<number, string>> = { 0: '#d9d9d9', 1: '#8fd19e', 2: '#f4b183', 3: '#9dc3e6', 4: '#e88a8a' };
const CASE_NAMES: Readonly<Record<number, string>> = { 0: '0: nothing moves', 1: '1: chosen ↑ rejected ↓', 2: '2: both ↓', 3: '3: both ↑', 4: '4: chosen ↓ rejected ↑' };

const full = (v: number) => String(v);

/** What the sweep holds fixed, the Gram, and how many values are gaps — the figure's subtitle. */
export function sweepNotes(s: Sweep): string[] {
  const total = s.samples.length;
  const fixed = Object.entries(s.fixed).map(([k, v]) => `${k}=${full(v)}`);
  const defaults = s.defaults.map((d) => `${d.name}=${full(d.value)}`);
  const notes = [[fixed.length ? `fixed: ${fixed.join(', ')}` : '', defaults.length ? `defaults: ${defaults.join(', ')}` : ''].filter(Boolean).join('; ')];
  if (s.gram) notes.push(`⟨a,b⟩ = ${full(s.gram.innerWL)}, ‖a‖² = ${full(s.gram.normW2)}, ‖b‖² = ${full(s.gram.normL2)}, η = ${full(s.eta)}`);
  if (s.gramMatrix) notes.push(`G = ${JSON.stringify(s.gramMatrix)}, η = ${full(s.eta)}`);
  const codes = Object.entries(s.refused.byCode).map(([k, n]) => `${k}: ${n}`).join(', ');
  notes.push(s.refused.samples
    ? `${s.refused.samples} of ${total} points refused (${codes}): drawn as gaps, never as numbers`
    : `all ${total} points certified`);
  if (s.ratioUndefined) notes.push(`d_w/d_l undefined (d_l = 0) at ${s.ratioUndefined} points`);
  return notes.filter(Boolean);
}

const axisTitle = (s: Sweep, i: number) => `${s.axes[i].name}${s.axes[i].log ? ' (log scale)' : ''}`;
const scaleOf = (s: Sweep, i: number) => (s.axes[i].log ? { type: 'log', domain: [s.axes[i].lo, s.axes[i].hi], nice: false }
  : { type: 'linear', domain: [s.axes[i].lo, s.axes[i].hi], nice: false, zero: false });

/**
 * A quantity's colours: where it takes both signs, a diverging scale centred on 0 (positive blue,
 * negative red: the signs are what the paper is about); where it keeps one sign, a sequential one.
 */
function colourScale(values: readonly number[]) {
  const lo = Math.min(...values), hi = Math.max(...values);
  if (lo < 0 && hi > 0) return { scheme: 'redblue', domainMid: 0 };
  return hi <= 0 ? { scheme: 'reds', reverse: true } : { scheme: 'blues' };
}

function linePanel(s: Sweep, q: string) {
  const x = s.axes[0].name;
  const rows = s.samples.map((p) => ({ x: p.at[0], v: p.values[q] ?? null, label: `${x} = ${full(p.at[0])}; ${quantityText(q)} = ${p.values[q] === null || p.values[q] === undefined ? 'none' : full(p.values[q] as number)}` }));
  const gaps = s.samples.filter((p) => p.gaps[q]).map((p) => ({ x: p.at[0], label: `${x} = ${full(p.at[0])}; ${quantityText(q)} refused: ${p.gaps[q]!.code}` }));
  const xEnc = { field: 'x', type: 'quantitative', title: axisTitle(s, 0), scale: scaleOf(s, 0) };
  const layers: unknown[] = [
    { mark: { type: 'line', color: '#1f5fa8' }, data: { values: rows }, encoding: { x: xEnc, y: { field: 'v', type: 'quantitative', title: quantityText(q), scale: { zero: false } }, description: { value: `${quantityText(q)} over ${x}` } } },
    { mark: { type: 'point', filled: true, size: 10, color: '#1f5fa8' }, data: { values: rows.filter((r) => r.v !== null) }, encoding: { x: xEnc, y: { field: 'v', type: 'quantitative' }, description: { field: 'label' } } },
  ];
  if (gaps.length) layers.push({ mark: { type: 'rule', color: '#d62728', opacity: 0.5 }, data: { values: gaps }, encoding: { x: xEnc, description: { field: 'label' } } });
  if (s.boundaries.length) {
    layers.push({ mark: { type: 'rule', strokeDash: [4, 3], color: '#333' }, data: { values: s.boundaries.map((b) => ({ x: b.at, label: `regime boundary at ${x} = ${full(b.at)}: regime ${b.from + 1} → ${b.to + 1}` })) },
      encoding: { x: xEnc, description: { field: 'label' } } });
  }
  return { width: W, height: H, layer: layers };
}

function caseStrip(s: Sweep) {
  const x = s.axes[0].name;
  const edges = cellEdges(s.axes[0], axisValues(s.axes[0]));
  const rows = s.samples.map((p, i) => ({ x: edges[i], x2: edges[i + 1], k: p.values.case ?? null, label: `${x} = ${full(p.at[0])}; case ${p.values.case ?? 'refused'}` }));
  return {
    width: W, height: 24, data: { values: rows.filter((r) => r.k !== null).map((r) => ({ ...r, name: CASE_NAMES[r.k as number] })) }, mark: 'rect',
    encoding: {
      x: { field: 'x', type: 'quantitative', title: axisTitle(s, 0), scale: scaleOf(s, 0) }, x2: { field: 'x2' },
      color: { field: 'name', type: 'nominal', title: "Table 1's case", scale: { domain: Object.values(CASE_NAMES), range: Object.values(CASE_COLOURS) } },
      description: { field: 'label' },
    },
  };
}

function heatPanel(s: Sweep, q: string) {
  const [ax, ay] = s.axes;
  const ex = cellEdges(ax, axisValues(ax)), ey = cellEdges(ay, axisValues(ay));
  const ny = axisValues(ay).length;
  const cell = (i: number) => { const xi = Math.floor(i / ny), yj = i % ny; return { x: ex[xi], x2: ex[xi + 1], y: ey[yj], y2: ey[yj + 1] }; };
  const valued = s.samples.flatMap((p, i) => (p.values[q] === null || p.values[q] === undefined ? [] : [{ ...cell(i), v: p.values[q] as number,
    label: `${ax.name} = ${full(p.at[0])}, ${ay.name} = ${full(p.at[1])}; ${quantityText(q)} = ${full(p.values[q] as number)}` }]));
  const refused = s.samples.flatMap((p, i) => (p.gaps[q] ? [{ ...cell(i), label: `${ax.name} = ${full(p.at[0])}, ${ay.name} = ${full(p.at[1])}; ${quantityText(q)} refused: ${p.gaps[q]!.code}` }] : []));
  const xEnc = { field: 'x', type: 'quantitative', title: axisTitle(s, 0), scale: scaleOf(s, 0) };
  const yEnc = { field: 'y', type: 'quantitative', title: axisTitle(s, 1), scale: scaleOf(s, 1) };
  const colour = q === 'case'
    ? { field: 'name', type: 'nominal', title: "Table 1's case", scale: { domain: Object.values(CASE_NAMES), range: Object.values(CASE_COLOURS) } }
    : { field: 'v', type: 'quantitative', title: quantityText(q), scale: colourScale(valued.map((r) => r.v)) };
  const layers: unknown[] = [
    { data: { values: q === 'case' ? valued.map((r) => ({ ...r, name: CASE_NAMES[r.v] })) : valued }, mark: 'rect',
      encoding: { x: xEnc, x2: { field: 'x2' }, y: yEnc, y2: { field: 'y2' }, color: colour, description: { field: 'label' } } },
  ];
  if (refused.length) layers.push({ data: { values: refused }, mark: { type: 'rect', color: '#9a9a9a' }, encoding: { x: xEnc, x2: { field: 'x2' }, y: yEnc, y2: { field: 'y2' }, description: { field: 'label' } } });
  const edges = (es: Sweep['regimeEdges'], label: string) => es.map((e) => ({ ...e, label }));
  if (s.regimeEdges.length) {
    layers.push({ data: { values: edges(s.regimeEdges, 'regime boundary') }, mark: { type: 'rule', color: '#111', strokeWidth: 2 },
      encoding: { x: { field: 'x1', type: 'quantitative', scale: scaleOf(s, 0) }, y: { field: 'y1', type: 'quantitative', scale: scaleOf(s, 1) }, x2: { field: 'x2' }, y2: { field: 'y2' }, description: { field: 'label' } } });
  }
  if (s.case1Edges.length) {
    layers.push({ data: { values: edges(s.case1Edges, 'edge of the case-1 region') }, mark: { type: 'rule', color: '#138a36', strokeWidth: 2.5, strokeDash: [5, 3] },
      encoding: { x: { field: 'x1', type: 'quantitative', scale: scaleOf(s, 0) }, y: { field: 'y1', type: 'quantitative', scale: scaleOf(s, 1) }, x2: { field: 'x2' }, y2: { field: 'y2' }, description: { field: 'label' } } });
  }
  return { title: quantityText(q), width: CELL, height: CELL, layer: layers, resolve: { scale: { color: 'independent' } } };
}

/** The figure of a sweep: lines over one variable, heatmaps over two. */
export function sweepSpec(s: Sweep): TopLevelSpec {
  const over = s.axes.map((a) => a.name).join(' and ');
  const title = { text: `${s.loss.name}: ${s.of.map((q) => quantityText(q)).join(', ')} over ${over}`, subtitle: [
    ...sweepNotes(s),
    ...(s.axes.length === 2 ? [`black: regime boundaries${s.gram ? '; green dashed: edge of the case-1 region (chosen ↑, rejected ↓)' : ''}; grey: refused`] : []),
    ...(s.axes.length === 1 && s.boundaries.length ? ['dashed: regime boundaries; red: refused points'] : []),
  ] };
  if (s.axes.length === 1) {
    const panels = s.of.map((q) => (q === 'case' ? caseStrip(s) : linePanel(s, q)));
    return { $schema: SCHEMA, title, vconcat: panels, resolve: { scale: { x: 'shared', color: 'independent' } }, config: { legend: { orient: 'bottom', labelLimit: 300 } } } as unknown as TopLevelSpec;
  }
  return { $schema: SCHEMA, title, concat: s.of.map((q) => heatPanel(s, q)), columns: 2, resolve: { scale: { color: 'independent' } }, config: { legend: { labelLimit: 300 } } } as unknown as TopLevelSpec;
}
