// Benchmark: the CLI's first answer, whole process, as a user pays it (issue 17) — `marginlab --help`,
// `eval dpo`, `derive dpo` — against `node -e 0` and against SymPy's cold start (`import sympy`, and a
// fresh process that differentiates and simplifies DPO), all in the same run: median of 5 after a warm-up.
// Writes docs/bench/cold.json. Run: npm run bench:cold (it builds first; the bin runs dist/).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { findEntry } from '../../src/loss/catalogue/index.js';
import { MARGINLAB_BIN, assertFreshBuild, wallTime } from './cold-process.js';
import { SYMPY_PYTHON, SYMPY_SCRIPT, sympyInput, sympyVersion } from './sympy-peer.js';

// MARGINLAB_BENCH_BIN times another checkout's bin (e.g. main's, for a before/after); the default is this one's.
const BIN = process.env.MARGINLAB_BENCH_BIN ?? MARGINLAB_BIN;
if (!process.env.MARGINLAB_BENCH_BIN) assertFreshBuild();
const RUNS = 5;
const node = wallTime(process.execPath, ['-e', '0'], { runs: RUNS });
const COMMANDS: Record<string, string[]> = {
  help: ['--help'],
  eval: ['eval', 'dpo', '--at', 'logp_w=-1,logp_l=-2'],
  derive: ['derive', 'dpo'],
};
const marginlab = Object.fromEntries(Object.entries(COMMANDS).map(([k, args]) => {
  const t = wallTime(BIN, args, { runs: RUNS });
  return [k, { command: `marginlab ${args.join(' ')}`, ...t, vsNode: t.medianMs / node.medianMs }];
}));

const sympy = sympyVersion();
const dpo = findEntry('dpo')!;
const point = { logp_w: -1, logp_l: -2, c_ref_w: -11.5, c_ref_l: -14, len_w: 20, len_l: 30, z_ref: 0.1 };
const peer = 'version' in sympy ? {
  version: sympy.version,
  python: wallTime(SYMPY_PYTHON, ['-c', '0'], { runs: RUNS }),
  importSympy: wallTime(SYMPY_PYTHON, ['-c', 'import sympy'], { runs: RUNS }),
  diffSimplifyDpo: wallTime(SYMPY_PYTHON, [SYMPY_SCRIPT], { runs: RUNS, input: `${sympyInput(dpo, point)}\n` }),
} : null;
const sympyCold = peer?.diffSimplifyDpo.medianMs ?? null;
const fasterThanSympy = (k: string) => (sympyCold === null ? null : sympyCold / marginlab[k].medianMs);

const result = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? null, node: process.version },
  method: `whole process (spawn to exit, output discarded, clean environment), one warm-up then the median of ${RUNS}; the bin by its shebang`,
  bin: BIN,
  baseline: { command: 'node -e 0', ...node },
  marginlab,
  sympy: peer ?? { missing: 'missing' in sympy ? sympy.missing : '' },
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
console.table({
  'node -e 0': { wall: ms(node.medianMs), vsNode: '1.00' },
  ...Object.fromEntries(Object.values(marginlab).map((m) => [m.command, { wall: ms(m.medianMs), vsNode: m.vsNode.toFixed(2) }])),
  ...(peer ? {
    'python3 -c 0': { wall: ms(peer.python.medianMs), vsNode: (peer.python.medianMs / node.medianMs).toFixed(2) },
    'python3 -c "import sympy"': { wall: ms(peer.importSympy.medianMs), vsNode: (peer.importSympy.medianMs / node.medianMs).toFixed(2) },
    'sympy: diff + simplify DPO, cold': { wall: ms(peer.diffSimplifyDpo.medianMs), vsNode: (peer.diffSimplifyDpo.medianMs / node.medianMs).toFixed(2) },
  } : {}),
});
if (!peer) console.log(`SymPy not measured: ${'missing' in sympy ? sympy.missing : ''}`);
console.log(result.summary);
