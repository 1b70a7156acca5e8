// Benchmark (issues 10, 14): the direction questions d_w > 0, d_l > 0, d_w/d_l > 1 and d_w/d_l < 1 in
// every regime of every catalogue loss and of seven losses from the literature (spec fixtures), each
// decided by interval branch and bound on the whole audit domain at the default budget. The same run
// times the strategy before issue 14 (natural extension, random probes and box centres only:
// `strategy: 'bisect'`) on the same questions, and the sampled direction audit, which decides nothing
// for sure. A ratio question in a regime where d_l ≡ 0 has no answer and is counted as n/a.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { add, num, type Expr } from '../../src/expr/expr.js';
import { CATALOGUE } from '../../src/loss/catalogue/index.js';
import { checkLoss } from '../../src/loss/check.js';
import { fromCatalogue, resolveLoss } from '../../src/loss/file.js';
import type { LossSpec } from '../../src/loss/types.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { proveSign } from '../../src/symbolic/interval/direction.js';
import type { ProofResult, SignOp } from '../../src/symbolic/interval/prove.js';
import { directionAudit } from '../../src/symbolic/audit.js';
import { compileDerivation } from '../../src/symbolic/point.js';

const BUDGET = 20_000;
const FIXTURES = 'test/fixtures/literature';

async function losses(): Promise<{ id: string; from: string; spec: LossSpec }[]> {
  const out: { id: string; from: string; spec: LossSpec }[] = [];
  for (const e of CATALOGUE) {
    const s = checkLoss(fromCatalogue(e));
    if (!s.ok) throw new Error(e.id);
    out.push({ id: e.id, from: 'catalogue', spec: s.value });
  }
  for (const f of readdirSync(FIXTURES).filter((x) => x.endsWith('.yaml')).sort()) {
    const s = await resolveLoss(join(FIXTURES, f));
    if (!s.ok) throw new Error(f);
    out.push({ id: f.replace(/\.yaml$/, ''), from: 'literature', spec: s.value });
  }
  return out;
}

type Strategy = 'full' | 'bisect';
interface Tally { proved: number; refuted: number; undecided: number; na: number; ms: number; undecidedQuestions: string[] }

function questions(spec: LossSpec): { label: string; regime: number; e: Expr | null; op: SignOp }[] {
  const d = mustDerive(spec);
  return d.regimes.flatMap((r) => [
    { label: `regime ${r.index + 1}: d_w > 0`, regime: r.index, e: r.dW, op: '>' as const },
    { label: `regime ${r.index + 1}: d_l > 0`, regime: r.index, e: r.dL, op: '>' as const },
    { label: `regime ${r.index + 1}: d_w/d_l > 1`, regime: r.index, e: r.ratio && add(r.ratio, num(-1)), op: '>' as const },
    { label: `regime ${r.index + 1}: d_w/d_l < 1`, regime: r.index, e: r.ratio && add(r.ratio, num(-1)), op: '<' as const },
  ]);
}

function run(spec: LossSpec, strategy: Strategy): Tally {
  const d = mustDerive(spec);
  const t: Tally = { proved: 0, refuted: 0, undecided: 0, na: 0, ms: 0, undecidedQuestions: [] };
  const t0 = performance.now();
  for (const q of questions(spec)) {
    if (!q.e) { t.na++; continue; }
    const r: ProofResult = proveSign(d, q.regime, q.e, q.op, BUDGET, { strategy });
    t[r.status]++;
    if (r.status === 'undecided') t.undecidedQuestions.push(q.label);
  }
  t.ms = performance.now() - t0;
  return t;
}

const all = await losses();
for (const l of all.slice(0, 3)) { run(l.spec, 'full'); run(l.spec, 'bisect'); } // warm-up
const rows = all.map((l) => {
  const full = run(l.spec, 'full');
  const bisect = run(l.spec, 'bisect');
  const c = compileDerivation(mustDerive(l.spec));
  const t2 = performance.now();
  directionAudit(c, { samples: 4000, seed: 1 });
  const sampleMs = performance.now() - t2;
  return { id: l.id, from: l.from, regimes: mustDerive(l.spec).regimes.length, full, bisect, sampleMs };
});
const sum = (s: Strategy, k: 'proved' | 'refuted' | 'undecided' | 'na') => rows.reduce((a, r) => a + r[s][k], 0);
const summary = (s: Strategy) => {
  const decided = sum(s, 'proved') + sum(s, 'refuted');
  const asked = decided + sum(s, 'undecided');
  return { questions: asked, notApplicable: sum(s, 'na'), decided, proved: sum(s, 'proved'), refuted: sum(s, 'refuted'), undecided: sum(s, 'undecided'),
    shareDecided: decided / asked, maxMsPerLoss: Math.max(...rows.map((r) => r[s].ms)), totalMs: rows.reduce((a, r) => a + r[s].ms, 0) };
};
const result = {
  date: new Date().toISOString(), budget: BUDGET, node: process.version,
  questions: 'd_w > 0, d_l > 0, d_w/d_l > 1, d_w/d_l < 1 in every regime, on the whole audit domain',
  baseline: "the strategy before issue 14 (strategy 'bisect': natural extension, random probes, box centres), and the sampled direction audit (4000 points), same run",
  target: '>= 95% decided at the default budget; every loss <= 1 s',
  summary: { full: summary('full'), bisect: summary('bisect'), totalSampleMs: rows.reduce((a, r) => a + r.sampleMs, 0) },
  perLoss: rows,
};
mkdirSync('docs/bench', { recursive: true });
writeFileSync('docs/bench/prove.json', JSON.stringify(result, null, 2) + '\n');
console.table(rows.map((r) => ({ id: r.id, regimes: r.regimes,
  full: `${r.full.proved}P ${r.full.refuted}R ${r.full.undecided}U ${r.full.na}na`, fullMs: r.full.ms.toFixed(0),
  bisect: `${r.bisect.proved}P ${r.bisect.refuted}R ${r.bisect.undecided}U`, bisectMs: r.bisect.ms.toFixed(0), undecided: r.full.undecidedQuestions.join('; ') })));
console.log(JSON.stringify(result.summary, null, 2));
