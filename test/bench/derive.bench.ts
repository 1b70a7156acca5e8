// Benchmark: derive the whole catalogue (d_w, d_l, ratio, simplified, every regime) and compare with
// SymPy's diff + simplify of the same losses in the same run; and the CLI's cold start.
// Writes docs/bench/derive.json. Run: npm run bench:derive
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { CATALOGUE } from '../../src/loss/catalogue/index.js';
import { checkLoss } from '../../src/loss/check.js';
import { fromCatalogue } from '../../src/loss/file.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { compileDerivation, completePoint, evaluateAt } from '../../src/symbolic/point.js';
import { MARGINLAB_BIN, median, wallTime } from './cold-process.js';
import { SYMPY_PYTHON, SYMPY_SCRIPT, sympyInput } from './sympy-peer.js';
const point = { logp_w: -12, logp_l: -15, c_ref_w: -11.5, c_ref_l: -14, len_w: 20, len_l: 30, z_ref: 0.1 };

const rows: { id: string; marginlabMs: number; sympyMs: number | null; ratio: number | null; sympyRatio: number | null; agree: boolean | null }[] = [];
const sympyIn: string[] = [];
for (const e of CATALOGUE) {
  const r = checkLoss(fromCatalogue(e));
  if (!r.ok) throw new Error(e.id);
  for (let i = 0; i < 5; i++) mustDerive(r.value); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 30; i++) { const t = performance.now(); mustDerive(r.value); times.push(performance.now() - t); }
  const d = mustDerive(r.value);
  const p = completePoint(d, point);
  const ev = p.ok ? evaluateAt(compileDerivation(d), p.value) : undefined;
  rows.push({ id: e.id, marginlabMs: median(times), sympyMs: null, ratio: ev?.ok ? ev.value.ratio : null, sympyRatio: null, agree: null });
  sympyIn.push(sympyInput(e, point));
}

const py = spawnSync(SYMPY_PYTHON, [SYMPY_SCRIPT], { input: sympyIn.join('\n') + '\n', encoding: 'utf8', timeout: 1_800_000 });
if (py.status !== 0) console.error(`sympy peer failed: ${py.stderr}`);
for (const line of py.stdout.split('\n').filter(Boolean)) {
  const s = JSON.parse(line) as { id: string; seconds: number; ratio: number | null };
  const row = rows.find((r) => r.id === s.id)!;
  row.sympyMs = s.seconds * 1000;
  row.sympyRatio = s.ratio;
  row.agree = row.ratio !== null && s.ratio !== null ? Math.abs(row.ratio - s.ratio) <= 1e-9 * Math.max(1, Math.abs(s.ratio)) : null;
}

// The whole process as a user runs it (the bin by its shebang, a clean environment, median of 5 after a
// warm-up), beside `node -e 0` in the same run; npm run bench:cold has the other commands and SymPy's.
const nodeCold = wallTime(process.execPath, ['-e', '0']).medianMs;
const cold = wallTime(MARGINLAB_BIN, ['derive', 'dpo']).medianMs;

const withPeer = rows.filter((r) => r.sympyMs !== null);
const speedups = withPeer.map((r) => r.sympyMs! / r.marginlabMs);
const result = {
  date: new Date().toISOString(),
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  baseline: 'SymPy diff + simplify (Debian python3-sympy), same losses, same run',
  perLoss: rows,
  summary: {
    marginlabMedianMsPerLoss: median(rows.map((r) => r.marginlabMs)),
    sympyMedianMsPerLoss: withPeer.length ? median(withPeer.map((r) => r.sympyMs!)) : null,
    minSpeedup: speedups.length ? Math.min(...speedups) : null,
    medianSpeedup: speedups.length ? median(speedups) : null,
    ratiosAgreeWithSympy: `${withPeer.filter((r) => r.agree).length}/${withPeer.filter((r) => r.agree !== null).length}`,
    cliColdStartMedianMs: cold,
    nodeColdStartMedianMs: nodeCold,
    cliColdStartVsNode: cold / nodeCold,
    targets: { speedupAtLeast: 10, coldStartBelowMs: 1000 },
  },
};
mkdirSync('docs/bench', { recursive: true });
writeFileSync('docs/bench/derive.json', JSON.stringify(result, null, 2) + '\n');
console.table(rows.map((r) => ({ id: r.id, marginlab_ms: r.marginlabMs.toFixed(3), sympy_ms: r.sympyMs?.toFixed(1) ?? '—',
  speedup: r.sympyMs ? (r.sympyMs / r.marginlabMs).toFixed(0) : '—', agree: r.agree })));
console.log(result.summary);
