// `marginlab report DIR...`: reads the runs, draws each figure to OUT/<name>.svg (and .png), and returns
// what it wrote with the agreement rates. The first run's token heatmap is drawn when it logged one.

import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { svgToPng, toSvg } from './render.js';
import { type ReportError, type RunData, readRun } from './run.js';
import { agreementSpec, cosineSpec, heatmapSpec, logpSpec } from './specs.js';

export interface ReportOptions {
  readonly dirs: readonly string[];
  /** Where the figures go (default: the first run's directory). */
  readonly outDir?: string;
  readonly png?: boolean;
}

export interface Figure { readonly name: string; readonly svg: string; readonly png: string | null }

export interface ReportResult {
  readonly outDir: string;
  readonly figures: readonly Figure[];
  readonly runs: readonly { readonly dir: string; readonly label: string; readonly agreement: number | null; readonly marginlabAgreement: number | null }[];
}

export async function report(o: ReportOptions): Promise<{ ok: true; value: ReportResult } | { ok: false; error: ReportError }> {
  const runs: RunData[] = [];
  for (const d of o.dirs) {
    const r = readRun(d);
    if (!r.ok) return r;
    runs.push(r.value);
  }
  // Two runs of the same loss on the same task are told apart by their directories.
  const labels = runs.map((r) => r.label);
  runs.forEach((r, i) => { if (labels.indexOf(r.label) !== i || labels.lastIndexOf(r.label) !== i) runs[i] = { ...r, label: `${r.label} [${basename(r.dir)}]` }; });
  if (runs.length === 0) return { ok: false, error: { code: 'E_RUN_DIR', path: '', message: 'give at least one run directory' } };
  const outDir = o.outDir ?? runs[0].dir;
  mkdirSync(outDir, { recursive: true });
  const specs: [string, TopLevelSpec][] = [['logp', logpSpec(runs)], ['cosine', cosineSpec(runs)], ['agreement', agreementSpec(runs)]];
  if (runs[0].tokenCosine.length) specs.push(['token-cosine', heatmapSpec(runs[0].label, runs[0].tokenCosine)]);
  const figures: Figure[] = [];
  for (const [name, spec] of specs) {
    const svg = await toSvg(spec);
    const svgPath = join(outDir, `${name}.svg`);
    writeFileSync(svgPath, svg);
    let pngPath: string | null = null;
    if (o.png ?? true) {
      pngPath = join(outDir, `${name}.png`);
      writeFileSync(pngPath, svgToPng(svg));
    }
    figures.push({ name, svg: svgPath, png: pngPath });
  }
  return { ok: true, value: { outDir, figures, runs: runs.map((r) => ({ dir: r.dir, label: r.label, agreement: r.agreement, marginlabAgreement: r.marginlabAgreement })) } };
}
