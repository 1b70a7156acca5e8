// A training run's metrics.jsonl (written by `marginlab train`, one row per logged step): chosen and
// rejected log-probabilities over steps — the picture of the paper's figures 1 and 2, where both fall.
// Rows are parsed as JSON only; a bad line is reported by number and skipped, never fatal.

import { h, svg } from './dom.js';

export interface MetricsPoint { readonly step: number; readonly logp_w: number; readonly logp_l: number }
export interface ParsedMetrics { readonly points: readonly MetricsPoint[]; readonly problems: readonly string[] }

const MAX_PROBLEMS = 5;

export function parseMetrics(text: string): ParsedMetrics {
  const points: MetricsPoint[] = [];
  const problems: string[] = [];
  const report = (s: string) => { if (problems.length < MAX_PROBLEMS) problems.push(s); };
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let row: unknown;
    try { row = JSON.parse(line); } catch { report(`line ${i + 1}: not JSON`); return; }
    const r = row as Record<string, unknown>;
    const ok = (k: string) => typeof r?.[k] === 'number' && Number.isFinite(r[k]);
    if (!ok('step') || !ok('logp_w') || !ok('logp_l')) { report(`line ${i + 1}: needs numeric step, logp_w and logp_l`); return; }
    points.push({ step: r.step as number, logp_w: r.logp_w as number, logp_l: r.logp_l as number });
  });
  points.sort((a, b) => a.step - b.step);
  return { points, problems };
}

const W = 560, H = 260, L = 56, R = 12, T = 12, B = 36;
const fmt = (v: number) => String(+v.toPrecision(4));

export function metricsChart(points: readonly MetricsPoint[]): SVGElement {
  const steps = points.map((p) => p.step);
  const ys = points.flatMap((p) => [p.logp_w, p.logp_l]);
  let [s0, s1] = [Math.min(...steps), Math.max(...steps)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (s0 === s1) { s0 -= 1; s1 += 1; }
  if (y0 === y1) { y0 -= 1; y1 += 1; }
  const X = (s: number) => L + ((s - s0) / (s1 - s0)) * (W - L - R);
  const Y = (y: number) => H - B - ((y - y0) / (y1 - y0)) * (H - T - B);
  const line = (k: 'logp_w' | 'logp_l') => points.map((p) => `${X(p.step).toFixed(1)},${Y(p[k]).toFixed(1)}`).join(' ');
  return svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': 'chosen and rejected log-probability over training steps', 'data-points': points.length },
    svg('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, class: 'axis' }), svg('line', { x1: L, x2: L, y1: T, y2: H - B, class: 'axis' }),
    svg('polyline', { points: line('logp_w'), class: 'series-w' }), svg('polyline', { points: line('logp_l'), class: 'series-l' }),
    svg('text', { x: L - 4, y: Y(y1) + 4, class: 'tick', 'text-anchor': 'end' }, fmt(y1)), svg('text', { x: L - 4, y: Y(y0), class: 'tick', 'text-anchor': 'end' }, fmt(y0)),
    svg('text', { x: X(s0), y: H - B + 14, class: 'tick', 'text-anchor': 'start' }, fmt(s0)), svg('text', { x: X(s1), y: H - B + 14, class: 'tick', 'text-anchor': 'end' }, fmt(s1)),
    svg('text', { x: (L + W - R) / 2, y: H - 6, class: 'axis-label', 'text-anchor': 'middle' }, 'step'),
    svg('text', { x: L + 8, y: T + 12, class: 'legend-w' }, '— log π_w (chosen)'), svg('text', { x: L + 8, y: T + 28, class: 'legend-l' }, '— log π_l (rejected)'));
}

export function metricsView(text: string, file: string): HTMLElement {
  const m = parseMetrics(text);
  return h('div', { class: 'metrics' },
    h('p', {}, `${file}: ${m.points.length} step${m.points.length === 1 ? '' : 's'}`),
    m.points.length ? metricsChart(m.points) : null,
    m.problems.length ? h('ul', { class: 'error-text' }, ...m.problems.map((p) => h('li', {}, p))) : null);
}
