// The figures as Vega-Lite specs, one function each, from run data only (no I/O): chosen and rejected
// log-probability over steps (Figures 1–3), cos_wl over steps with one line per run (Figure 4a), the token
// cosine heatmap (Figure 4b), and predicted-vs-observed sign agreement per logged step.

import type { TopLevelSpec } from 'vega-lite';
import type { RunData, TokenCosine } from './run.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const W = 420, H = 260;

/** Figures 1–3: the whole responses' log π (full_logp_* where a masked variant trained on fewer tokens). */
export function logpSpec(runs: readonly RunData[]): TopLevelSpec {
  const values = runs.flatMap((r) => r.rows.flatMap((row) => [
    { run: r.label, step: row.step, series: 'chosen log π_w', value: row.full_logp_w ?? row.logp_w },
    { run: r.label, step: row.step, series: 'rejected log π_l', value: row.full_logp_l ?? row.logp_l },
  ]));
  return {
    $schema: SCHEMA, title: 'Chosen and rejected log-probability (batch means)', width: W, height: H,
    data: { values }, mark: { type: 'line', point: false },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'value', type: 'quantitative', title: 'log-probability', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null },
      ...(runs.length > 1 ? { strokeDash: { field: 'run', type: 'nominal', title: 'run' } } : {}),
      detail: { field: 'run', type: 'nominal' },
    },
  } as TopLevelSpec;
}

/** Figure 4a: cos(∇log π_w, ∇log π_l) over steps, one line per run (pass several runs to compare tasks). */
export function cosineSpec(runs: readonly RunData[]): TopLevelSpec {
  const values = runs.flatMap((r) => r.rows.map((row) => ({ run: r.label, step: row.step, cos_wl: row.cos_wl })));
  return {
    $schema: SCHEMA, title: 'Gradient cosine cos_wl over steps (batch mean)', width: W, height: H,
    data: { values }, mark: 'line',
    encoding: {
      x: { field: 'step', type: 'quantitative' },
      y: { field: 'cos_wl', type: 'quantitative', title: 'cos(∇log π_w, ∇log π_l)', scale: { domain: [-1, 1] } },
      color: { field: 'run', type: 'nominal', title: 'run', legend: { labelLimit: 400 } },
    },
  } as TopLevelSpec;
}

/** Figure 4b: the token-level cosine matrix at each recorded step (typically before and after training). */
export function heatmapSpec(label: string, mats: readonly TokenCosine[]): TopLevelSpec {
  const cell = (m: TokenCosine) => m.cos.flatMap((row, i) => row.map((c, j) => ({
    // Tokens are numbered so a word that occurs twice keeps two rows.
    w: `${i + 1} ${m.tokens_w[i]}`, l: `${j + 1} ${m.tokens_l[j]}`, cos: c, i, j,
  })));
  return {
    $schema: SCHEMA, title: `Token gradient cosine, ${label}`,
    hconcat: mats.map((m) => ({
      title: `step ${m.step}`, width: 16 * m.tokens_l.length, height: 16 * m.tokens_w.length,
      data: { values: cell(m) }, mark: 'rect',
      encoding: {
        x: { field: 'l', type: 'ordinal', sort: { field: 'j' }, title: 'rejected token' },
        y: { field: 'w', type: 'ordinal', sort: { field: 'i' }, title: 'chosen token' },
        color: { field: 'cos', type: 'quantitative', scale: { domain: [-1, 1], scheme: 'redblue', reverse: true } },
      },
    })),
    resolve: { scale: { color: 'shared' } },
  } as TopLevelSpec;
}

/** Predicted (conditions (9)/(10)) vs observed signs: the share of pairs that agree at each logged step. */
export function agreementSpec(runs: readonly RunData[]): TopLevelSpec {
  const values = runs.flatMap((r) => r.rows.flatMap((row) => [
    { run: r.label, step: row.step, source: 'trainer prediction', rate: row.agree_rate },
    ...(row.ml_agree_rate === null ? [] : [{ run: r.label, step: row.step, source: "marginlab's conditions", rate: row.ml_agree_rate }]),
  ]));
  const overall = runs.map((r) => `${r.label}: ${r.agreement === null ? 'n/a' : `${(100 * r.agreement).toFixed(1)}%`}`).join('; ');
  return {
    $schema: SCHEMA, title: { text: 'Predicted vs observed signs of Δlog π_w, Δlog π_l', subtitle: `overall agreement — ${overall}` },
    width: W, height: H, data: { values }, mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'step', type: 'quantitative' },
      y: { field: 'rate', type: 'quantitative', title: 'share of pairs agreeing', scale: { domain: [0, 1] } },
      color: { field: 'source', type: 'nominal', title: null },
      detail: { field: 'run', type: 'nominal' },
    },
  } as TopLevelSpec;
}
