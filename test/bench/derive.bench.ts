// Benchmark: derive the whole catalogue (d_w, d_l, ratio, simplified, every regime) and compare with
// SymPy's diff + simplify of the same losses in the same run (the L of a loss written whole, with Λ_l or where:
// names; each partial d_k of a loss over K ranked responses); and the CLI's cold start.
// Writes docs/bench/derive.json. Run: npm run bench:derive
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { sub, substitute, sym } from '../../src/expr/expr.js';
import { CATALOGUE, RANKED_CATALOGUE } from '../../src/loss/catalogue/index.js';
import { logpName } from '../../src/loss/ranked.js';
import { specLoss } from '../../src/symbolic/loss-form.js';
import { toText } from '../../src/symbolic/print.js';
import { compileRanked, completeRankedPoint, deriveRanked, evaluateRanked } from '../../src/symbolic/ranked.js';
import { checkLoss } from '../../src/loss/check.js';
import { fromCatalogue } from '../../src/loss/file.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { compileDerivation, completePoint, evaluateAt } from '../../src/symbolic/point.js';
import { MARGINLAB_BIN, median, wallTime } from './cold-process.js';
import { SYMPY_PYTHON, SYMPY_SCRIPT, sympyInput, sympyLossInput, sympyVersion } from './sympy-peer.js';

/** The entries beyond eq. (8)'s first form and the ranked family, summarised apart. */
const NEW_ENTRIES = new Set(['cal-dpo', 'dpo-unlikelihood', 'dpo-shift', 'simper', 'odpo', 'alphapo', 'exo-pair', 'mpo', 'plackett-luce-dpo', 'infonca']);
const isZero = (e: { kind: string; value?: unknown }) => e.kind === 'num' && e.value === 0;
const point = { logp_w: -12, logp_l: -15, c_ref_w: -11.5, c_ref_l: -14, len_w: 20, len_l: 30, z_ref: 0.1 };

const rows: { id: string; marginlabMs: number; sympyMs: number | null; ratio: number | null; sympyRatio: number | null; agree: boolean | null;
  form: 'slots' | 'L' | 'ranked'; weights?: number[]; sympyWeights?: (number | null)[]; sympyTimedOutAfterS?: number }[] = [];
const sympyIn: string[] = [];

/** Median of 30 timed calls after 5 warm-up ones. */
function timed(f: () => unknown): number {
  for (let i = 0; i < 5; i++) f();
  const times: number[] = [];
  for (let i = 0; i < 30; i++) { const t = performance.now(); f(); times.push(performance.now() - t); }
  return median(times);
}

for (const e of CATALOGUE) {
  const r = checkLoss(fromCatalogue(e));
  if (!r.ok) throw new Error(e.id);
  const spec = r.value;
  const marginlabMs = timed(() => mustDerive(spec));
  const d = mustDerive(spec);
  const p = completePoint(d, point);
  const ev = p.ok ? evaluateAt(compileDerivation(d), p.value) : undefined;
  // A loss with Λ_l, written whole as L, or with where: names goes to SymPy as the L marginlab differentiates
  // (where: names expanded); the others as their slots, as before.
  const whole = !!spec.L || !isZero(spec.Lambda_l) || !!e.where;
  rows.push({ id: e.id, marginlabMs, sympyMs: null, ratio: ev?.ok ? ev.value.ratio : null, sympyRatio: null, agree: null, form: whole ? 'L' : 'slots' });
  const params = Object.fromEntries(Object.entries(e.params).map(([k, v]) => [k, v.default]));
  sympyIn.push(whole ? sympyLossInput(e.id, toText(specLoss(spec)), Object.keys(params), { ...point, ...params, c_ref: point.c_ref_w - point.c_ref_l })
    : sympyInput(e, point));
}

// K ranked responses: marginlab derives d_1 … d_K; SymPy differentiates the same L once per response. The peer takes
// derivatives in logp_w and logp_l only, so for d_k it gets L with logp_k renamed logp_w and a term −logp_l added:
// then its d_w is d_k, its d_l is −1 and its ratio d_w/d_l is −d_k (each simplified, as for two responses).
const rankedPoint = { logp_1: -12, logp_2: -14, logp_3: -15, c_ref_1: -13, c_ref_2: -13, c_ref_3: -14, len_1: 20, len_2: 25, len_3: 30 };
for (const e of RANKED_CATALOGUE) {
  const r = checkLoss(fromCatalogue(e));
  if (!r.ok || !r.value.ranked) throw new Error(e.id);
  const spec = r.value;
  const marginlabMs = timed(() => deriveRanked(spec));
  const d = deriveRanked(spec);
  if (!d.ok) throw new Error(e.id);
  const params = Object.fromEntries(Object.entries(e.params).map(([k, v]) => [k, v.default]));
  const p = completeRankedPoint(d.value, Object.fromEntries(Object.entries(rankedPoint).filter(([k]) => Number(k.split('_').pop()) <= d.value.K)));
  if (!p.ok) throw new Error(e.id);
  const ev = evaluateRanked(compileRanked(d.value), p.value);
  rows.push({ id: e.id, marginlabMs, sympyMs: null, ratio: null, sympyRatio: null, agree: null, form: 'ranked', weights: ev.ok ? [...ev.value.d] : undefined });
  for (let k = 1; k <= d.value.K; k++) {
    const Lk = sub(substitute(spec.ranked!.L, { [logpName(k)]: sym('logp_w') }), sym('logp_l'));
    const others = Object.keys(p.value.values).filter((n) => n !== logpName(k));
    sympyIn.push(sympyLossInput(`${e.id}#${k}`, toText(Lk), [...others], { ...p.value.values, ...params, logp_w: p.value.values[logpName(k)], logp_l: -1 }));
  }
}

// One SymPy process per line, each with a deadline: SymPy's simplify does not return on some losses (MPO's three
// logsigmoid terms), and one that hangs must not take the others' figures with it. A line past the deadline is
// recorded as timed out (sympyMs null, the deadline kept), so its speed-up is a lower bound, never a made-up figure.
const SYMPY_DEADLINE_S = Number(process.env.SYMPY_DEADLINE_S ?? 60);
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
const timedOut = new Set<string>();
for (const input of sympyIn) {
  const id = (JSON.parse(input) as { id: string }).id;
  const py = spawnSync(SYMPY_PYTHON, [SYMPY_SCRIPT], { input: `${input}\n`, encoding: 'utf8', timeout: SYMPY_DEADLINE_S * 1000 });
  if (py.error || py.status !== 0) {
    timedOut.add(id.split('#')[0]);
    if (!py.error) console.error(`sympy peer failed on ${id}: ${py.stderr}`);
    continue;
  }
  const s = JSON.parse(py.stdout.trim()) as { id: string; seconds: number; ratio: number | null };
  const [base, k] = s.id.split('#');
  const row = rows.find((r) => r.id === base)!;
  if (k === undefined) {
    row.sympyMs = s.seconds * 1000;
    row.sympyRatio = s.ratio;
    row.agree = row.ratio !== null && s.ratio !== null ? close(row.ratio, s.ratio) : null;
    continue;
  }
  // One response of a ranked loss: the SymPy time is the sum over its K partials; its ratio is −d_k.
  row.sympyMs = (row.sympyMs ?? 0) + s.seconds * 1000;
  (row.sympyWeights ??= [])[Number(k) - 1] = s.ratio === null ? null : -s.ratio;
  const K = row.weights?.length ?? 0;
  if (row.sympyWeights.filter((x) => x !== undefined).length === K) {
    row.agree = row.weights!.every((w, i) => row.sympyWeights![i] !== null && close(w, row.sympyWeights![i]!));
  }
}
// A ranked loss with any partial past the deadline has no SymPy time (the sum would be short).
for (const row of rows) {
  if (timedOut.has(row.id)) { row.sympyMs = null; row.agree = null; row.sympyTimedOutAfterS = SYMPY_DEADLINE_S; }
}

// The whole process as a user runs it (the bin by its shebang, a clean environment, median of 5 after a
// warm-up), beside `node -e 0` in the same run; npm run bench:cold has the other commands and SymPy's.
const nodeCold = wallTime(process.execPath, ['-e', '0']).medianMs;
const cold = wallTime(MARGINLAB_BIN, ['derive', 'dpo']).medianMs;

const withPeer = rows.filter((r) => r.sympyMs !== null);
const speedups = withPeer.map((r) => r.sympyMs! / r.marginlabMs);
const newSpeedups = withPeer.filter((r) => NEW_ENTRIES.has(r.id)).map((r) => r.sympyMs! / r.marginlabMs);
const result = {
  date: new Date().toISOString(),
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  baseline: 'SymPy diff + simplify (Debian python3-sympy), same losses, same run',
  sympyVersion: sympyVersion(),
  perLoss: rows,
  summary: {
    marginlabMedianMsPerLoss: median(rows.map((r) => r.marginlabMs)),
    sympyMedianMsPerLoss: withPeer.length ? median(withPeer.map((r) => r.sympyMs!)) : null,
    minSpeedup: speedups.length ? Math.min(...speedups) : null,
    medianSpeedup: speedups.length ? median(speedups) : null,
    ratiosAgreeWithSympy: `${withPeer.filter((r) => r.agree && r.form !== 'ranked').length}/${withPeer.filter((r) => r.agree !== null && r.form !== 'ranked').length}`,
    sympyDeadlineS: SYMPY_DEADLINE_S,
    sympyTimedOut: rows.filter((r) => r.sympyTimedOutAfterS !== undefined).map((r) => r.id),
    /** SymPy did not finish within the deadline: the speed-up is at least deadline / marginlab's time. */
    speedupLowerBoundsWhereSympyTimedOut: Object.fromEntries(rows.filter((r) => r.sympyTimedOutAfterS !== undefined).map((r) => [r.id, (r.sympyTimedOutAfterS! * 1000) / r.marginlabMs])),
    rankedWeightsAgreeWithSympy: `${withPeer.filter((r) => r.agree && r.form === 'ranked').length}/${withPeer.filter((r) => r.agree !== null && r.form === 'ranked').length}`,
    medianSpeedupNewEntries: newSpeedups.length ? median(newSpeedups) : null,
    minSpeedupNewEntries: newSpeedups.length ? Math.min(...newSpeedups) : null,
    cliColdStartMedianMs: cold,
    nodeColdStartMedianMs: nodeCold,
    cliColdStartVsNode: cold / nodeCold,
    targets: { speedupAtLeast: 10, coldStartBelowMs: 1000 },
  },
};
mkdirSync('docs/bench', { recursive: true });
writeFileSync('docs/bench/derive.json', JSON.stringify(result, null, 2) + '\n');
console.table(rows.map((r) => ({ id: r.id, form: r.form, marginlab_ms: r.marginlabMs.toFixed(3), sympy_ms: r.sympyMs?.toFixed(1) ?? '—',
  speedup: r.sympyMs ? (r.sympyMs / r.marginlabMs).toFixed(0) : r.sympyTimedOutAfterS ? `> ${((r.sympyTimedOutAfterS * 1000) / r.marginlabMs).toFixed(0)} (SymPy timed out)` : '—', agree: r.agree })));
console.log(result.summary);
