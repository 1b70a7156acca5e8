// `marginlab sweep` as data, text and files: the JSON (schema marginlab/sweep@1), a summary a person
// reads in the terminal, and the figure as SVG or PNG through the report's Vega-Lite pipeline.

import { type Result, fail, ok } from '../errors.js';
import { type Sweep as AnySweep, quantityText } from '../symbolic/sweep.js';

/** Two-response or K-response (ranked-sweep.ts) sweeps alike. */
type Sweep = AnySweep<string>;
import { sweepNotes, sweepSpec } from './plots/sweep.js';

export const SWEEP_SCHEMA = 'marginlab/sweep@1';

export function sweepJson(s: Sweep) {
  return {
    schema: SWEEP_SCHEMA,
    loss: s.loss, axes: s.axes, of: s.of, gram: s.gram, ...(s.gramMatrix !== undefined ? { gramMatrix: s.gramMatrix } : {}), eta: s.eta, fixed: s.fixed, defaults: s.defaults, regimes: s.regimes,
    samples: s.samples.map((p) => ({ at: Object.fromEntries(s.axes.map((a, i) => [a.name, p.at[i]])), regime: p.regime, values: p.values,
      ...(Object.keys(p.gaps).length ? { gaps: p.gaps } : {}), ...(s.gram ? { case: p.caseId } : {}) })),
    refused: s.refused, ratioUndefined: s.ratioUndefined, boundaries: s.boundaries, regimeEdges: s.regimeEdges, case1Edges: s.case1Edges,
  };
}

const range = (vs: readonly number[]) => (vs.length ? `${Math.min(...vs)} … ${Math.max(...vs)}` : 'no value');

/** What `sweep` prints without --out: the notes, each quantity's range, and where the regime changes. */
export function sweepText(s: Sweep): string {
  const lines = [`${s.loss.name}: ${s.samples.length} points over ${s.axes.map((a) => `${a.name} = ${a.lo}…${a.hi}${a.log ? ' (log-spaced)' : ''}`).join(' × ')}`, ...sweepNotes(s)];
  for (const q of s.of) {
    const vs = s.samples.map((p) => p.values[q]).filter((v): v is number => typeof v === 'number');
    lines.push(q === 'case' ? `  ${quantityText(q)}: ${[...new Set(vs)].sort().join(', ') || 'none certified'}` : `  ${quantityText(q).padEnd(8)} ${range(vs)}`);
  }
  for (const b of s.boundaries) lines.push(`  regime boundary at ${s.axes[0].name} = ${b.at}: ${s.regimes[b.from]} → ${s.regimes[b.to]}`);
  if (s.axes.length === 2 && s.regimeEdges.length) lines.push(`  the regime changes across ${s.regimeEdges.length} cell edges`);
  lines.push('draw it with --out FILE.svg (or .png); the values with --out FILE.json or --json');
  return lines.join('\n');
}

export type SweepFormat = 'svg' | 'png' | 'json';

/** The format a path asks for, by its extension. */
export function sweepFormat(path: string): Result<SweepFormat> {
  const ext = /\.([A-Za-z]+)$/.exec(path)?.[1]?.toLowerCase();
  if (ext === 'svg' || ext === 'png' || ext === 'json') return ok(ext);
  return fail({ code: 'E_USAGE', message: `cannot tell what to write from '${path}'`, at: { slot: '--out', file: path }, hint: 'end it in .svg, .png or .json' });
}

/** The file's content. The renderer loads only when a figure is asked for (vega and resvg are heavy). */
export async function sweepOutput(s: Sweep, format: SweepFormat): Promise<string | Uint8Array> {
  if (format === 'json') return `${JSON.stringify(sweepJson(s), null, 2)}\n`;
  const { toSvg, svgToPng } = await import('./plots/render.js');
  const svg = await toSvg(sweepSpec(s));
  return format === 'svg' ? svg : svgToPng(svg);
}
