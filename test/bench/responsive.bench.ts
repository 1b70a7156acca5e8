// Benchmark: how long the slow examples of issue 17 keep a user waiting, whole process, as a user runs
// them: `derive` of DiscoPOP, `table --format md` of DiscoPOP alone and of four literature losses
// (test/fixtures/literature: alphapo, cal-dpo-chosen, discopop, dpo-shift), and `table --format html --out`
// of the four (derivation pages included). One run each (they are long), beside `node -e 0`.
// Writes docs/bench/responsive.json (MARGINLAB_BENCH_OUT elsewhere; MARGINLAB_BENCH_BIN times another
// checkout's bin, e.g. main's for the figures before). Run: npm run bench:responsive (it builds first).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MARGINLAB_BIN, assertFreshBuild, wallTime } from './cold-process.js';

const BIN = process.env.MARGINLAB_BENCH_BIN ?? MARGINLAB_BIN;
if (!process.env.MARGINLAB_BENCH_BIN) assertFreshBuild();
const lit = (id: string) => new URL(`../fixtures/literature/${id}.yaml`, import.meta.url).pathname;
const four = ['alphapo', 'cal-dpo-chosen', 'discopop', 'dpo-shift'].flatMap((id) => ['--file', lit(id)]);
const out = mkdtempSync(join(tmpdir(), 'marginlab-responsive-'));
const cases: Record<string, string[]> = {
  deriveDiscopop: ['derive', lit('discopop')],
  tableMdDiscopop: ['table', '--format', 'md', '--file', lit('discopop')],
  tableMdFour: ['table', '--format', 'md', ...four],
  tableHtmlFour: ['table', '--format', 'html', ...four, '--out', join(out, 'table.html')],
};
const node = wallTime(process.execPath, ['-e', '0'], { runs: 5 });
const results = Object.fromEntries(Object.entries(cases).map(([k, args]) => {
  const t = wallTime(BIN, args, { runs: 1, warmups: 0 });
  console.log(`${k}: ${(t.medianMs / 1000).toFixed(2)} s`);
  return [k, { command: `marginlab ${args.join(' ').replaceAll(dirname(lit('x')) + '/', '')}`, seconds: t.medianMs / 1000, vsNode: t.medianMs / node.medianMs }];
}));
rmSync(out, { recursive: true, force: true });
const result = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? null, node: process.version },
  bin: BIN,
  method: 'whole process, one run each (no warm-up: each takes seconds), output discarded',
  baseline: { command: 'node -e 0', ...node },
  results,
};
const outFile = process.env.MARGINLAB_BENCH_OUT ?? 'docs/bench/responsive.json';
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(result, null, 2) + '\n');
