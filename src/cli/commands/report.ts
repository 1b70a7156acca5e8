import type { Command } from 'commander';
import { report } from '../../report/plots/report.js';
import { UsageError, json, out } from '../common.js';

interface ReportOptions { out?: string; png: boolean; json?: boolean }

export function register(program: Command): void {
  program.command('report')
    .argument('<dirs...>', 'run directories written by `marginlab train --out`')
    .option('--out <dir>', 'where the figures go (default: the first run directory)')
    .option('--no-png', 'SVG only')
    .option('--json', 'print what was written as JSON')
    .action(async (dirs: string[], o: ReportOptions) => {
      const r = await report({ dirs, outDir: o.out, png: o.png });
      if (!r.ok) throw new UsageError([{ code: r.error.code, message: r.error.message, at: r.error.path ? { file: r.error.path } : { slot: '<dirs>' } }]);
      if (o.json) { json({ schema: 'marginlab/report@1', ...r.value }); return; }
      for (const run of r.value.runs) {
        out(`${run.label}: predicted vs observed signs agree on ${run.agreement === null ? 'n/a' : `${(100 * run.agreement).toFixed(1)}%`} of pairs`);
      }
      for (const f of r.value.figures) out(`wrote ${f.svg}${f.png ? ` and ${f.png}` : ''}`);
    });
}
