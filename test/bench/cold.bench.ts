// Benchmark: the CLI's first answer, whole process, as a user pays it (issue 17) — `marginlab --help`,
// `eval dpo`, `derive dpo` — against `node -e 0` and against SymPy's cold start (`import sympy`, and a
// fresh process that differentiates and simplifies DPO), all in the same run, timed in interleaved rounds
// (cold-process.ts): one untimed round, then the median of RUNS (5; MARGINLAB_BENCH_RUNS sets it).
// MARGINLAB_BENCH_BEFORE=other/bin/marginlab.js times another checkout's bin in the same rounds (a before/after).
// Writes docs/bench/cold.json. Run: npm run bench:cold (it builds first; the bin runs dist/).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { findEntry } from '../../src/loss/catalogue/index.js';
import { MARGINLAB_BIN, type Timing, assertFreshBuild, interleavedWallTimes } from './cold-process.js';
import { SYMPY_PYTHON, SYMPY_SCRIPT, sympyInput, sympyVersion } from './sympy-peer.js';

assertFreshBuild();
const BEFORE = process.env.MARGINLAB_BENCH_BEFORE;
const RUNS = Number(process.env.MARGINLAB_BENCH_RUNS ?? 5);
const COMMANDS: Record<string, string[]> = {
  help: ['--help'],
  eval: ['eval', 'dpo', '--at', 'logp_w=-1,logp_l=-2'],
  derive: ['derive', 'dpo'],
};
const sympy = sympyVersion();
const dpo = findEntry('dpo')!;
const point = { logp_w: -1, logp_l: -2, c_ref_w: -11.5, c_ref_l: -14, len_w: 20, len_l: 30, z_ref: 0.1 };

const plan: Record<string, Timing> = {
  node: { file: process.execPath, args: ['-e', '0'] },
  ...Object.fromEntries(Object.entries(COMMANDS).map(([k, args]) => [k, { file: MARGINLAB_BIN, args }])),
  ...(BEFORE ? Object.fromEntries(Object.entries(COMMANDS).map(([k, args]) => [`before:${k}`, { file: BEFORE, args }])) : {}),
  ...('version' in sympy ? {
    python: { file: SYMPY_PYTHON, args: ['-c', '0'] },
    importSympy: { file: SYMPY_PYTHON, args: ['-c', 'import sympy'] },
    diffSimplifyDpo: { file: SYMPY_PYTHON, args: [SYMPY_SCRIPT], input: `${sympyInput(dpo, point)}\n` },
  } : {}),
};
const load = loadavg()[0];
const times = Object.fromEntries(interleavedWallTimes(Object.values(plan), { runs: RUNS }).map((t, i) => [Object.keys(plan)[i], t]));
const node = times.node;
const vsNode = (k: string) => times[k].medianMs / node.medianMs;
const marginlab = Object.fromEntries(Object.entries(COMMANDS).map(([k, args]) => [k, { command: `marginlab ${args.join(' ')}`, ...times[k], vsNode: vsNode(k) }]));
const before = BEFORE ? Object.fromEntries(Object.keys(COMMANDS).map((k) => [k, { ...times[`before:${k}`], vsNode: vsNode(`before:${k}`), afterOverBefore: times[k].medianMs / times[`before:${k}`].medianMs }])) : null;
const sympyCold = times.diffSimplifyDpo?.medianMs ?? null;
const fasterThanSympy = (k: string) => (sympyCold === null ? null : sympyCold / marginlab[k].medianMs);

const result = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? null, node: process.version, loadAverage1m: load },
  method: `whole process (spawn to exit, output discarded, clean environment), in interleaved rounds (one call of each command per round): one untimed round, then the median of ${RUNS}; the bin by its shebang`,
  bin: MARGINLAB_BIN,
  baseline: { command: 'node -e 0', ...node },
  marginlab,
  before: before ? { bin: BEFORE, ...before } : null,
  sympy: 'version' in sympy ? { version: sympy.version, python: times.python, importSympy: times.importSympy, diffSimplifyDpo: times.diffSimplifyDpo } : { missing: sympy.missing },
  summary: {
    helpVsNode: marginlab.help.vsNode,
    evalVsNode: marginlab.eval.vsNode,
    deriveVsNode: marginlab.derive.vsNode,
    evalVsSympyColdDiffSimplify: fasterThanSympy('eval'),
    deriveVsSympyColdDiffSimplify: fasterThanSympy('derive'),
    targets: { helpVsNodeAtMost: 2, evalDeriveVsNodeAtMost: 2.5, fasterThanSympyColdAtLeast: 3 },
    met: {
      help: marginlab.help.vsNode <= 2,
      eval: marginlab.eval.vsNode <= 2.5 && (fasterThanSympy('eval') ?? 0) >= 3,
      derive: marginlab.derive.vsNode <= 2.5 && (fasterThanSympy('derive') ?? 0) >= 3,
    },
  },
};
const outFile = process.env.MARGINLAB_BENCH_OUT ?? 'docs/bench/cold.json';
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(result, null, 2) + '\n');
const ms = (x: number) => `${x.toFixed(0)} ms`;
console.table(Object.fromEntries(Object.keys(plan).map((k) => [k, { wall: ms(times[k].medianMs), vsNode: vsNode(k).toFixed(2) }])));
if (!('version' in sympy)) console.log(`SymPy not measured: ${sympy.missing}`);
console.log(result.summary, before ? { afterOverBefore: Object.fromEntries(Object.entries(before).map(([k, v]) => [k, v.afterOverBefore])) } : '');
