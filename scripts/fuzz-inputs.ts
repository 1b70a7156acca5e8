// `npm run fuzz:inputs [-- --count N --seed S --workers W --from I --json | --replay I]`: the input fuzzer (test/fuzz/inputs)
// at full size, outside CI: ≥ 100,000 generated and mutated inputs through the library and the CLI, and the
// count of crashes, hangs (> 2 s), uncoded messages, unlocated messages and inputs wrongly accepted. The
// normal test command runs a fixed-seed slice (test/fuzz/inputs.test.ts). Results go to docs/quality.md.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { COLUMNS } from '../test/fuzz/inputs/judge.js';
import { runHarness } from '../test/fuzz/inputs/runner.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const seed = arg('seed', 15);
if (process.argv.includes('--replay')) {
  // One input in this process, in full: what it was, what came back.
  const { caseAt } = await import('../test/fuzz/inputs/cases.js');
  const { makeScratch } = await import('../test/fuzz/inputs/scratch.js');
  const c = caseAt(seed, arg('replay', 0), makeScratch());
  process.stdout.write(`${JSON.stringify({ kind: c.kind, input: c.input, expect: c.expect }, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(await c.run(), null, 2)}\n`);
  process.exit(0);
}
const count = arg('count', 100_000);
const from = arg('from', 0);
const workers = arg('workers', Math.max(1, Math.min(4, cpus().length)));
const t0 = Date.now();
let last = 0;
const tally = await runHarness({ seed, count, from, workers, onProgress: (done) => {
  if (process.stderr.isTTY && Date.now() - last > 500) { last = Date.now(); process.stderr.write(`\rfuzz:inputs ${done}/${count}`); }
} });
const seconds = (Date.now() - t0) / 1000;
if (process.stderr.isTTY) process.stderr.write('\n');
const report = { schema: 'marginlab/fuzz-inputs@1', seed, from, count, workers, seconds, ...tally };
mkdirSync('reports', { recursive: true });
const file = `reports/fuzz-inputs-seed${seed}-${count}.json`;
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else {
  process.stdout.write(`fuzz:inputs seed ${seed}, inputs ${from}..${from + count - 1}, ${workers} workers, ${seconds.toFixed(0)} s (slowest input ${Math.round(tally.slowestMs)} ms)\n`);
  process.stdout.write(`${tally.inputs} inputs: ${tally.accepted} accepted, ${tally.refused} refused\n`);
  for (const c of COLUMNS) process.stdout.write(`  ${c.padEnd(16)} ${tally.counts[c]}\n`);
  for (const [k, v] of Object.entries(tally.kinds).sort()) process.stdout.write(`  ${k.padEnd(42)} ${String(v.inputs).padStart(7)} inputs, ${v.findings} with findings\n`);
  for (const c of COLUMNS) for (const e of tally.examples[c]) process.stdout.write(`${c} #${e.index} (${e.kind}): ${e.input}\n    ${e.detail}\n`);
  process.stdout.write(`report: ${file}\n`);
}
process.exitCode = COLUMNS.some((c) => tally.counts[c] > 0) ? 1 : 0;
