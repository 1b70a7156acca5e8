// Benchmark (issue 10): prove the direction audit (d_w > 0, d_l > 0 in every regime) of the whole
// catalogue by interval branch and bound at a fixed budget; time per loss and the share decided.
// Baseline in the same run: the sampled direction audit (4000 points), which decides nothing for sure.
import { mkdirSync, writeFileSync } from 'node:fs';
import { CATALOGUE } from '../../src/spec/catalogue/index.js';
import { checkLoss } from '../../src/spec/check.js';
import { fromCatalogue } from '../../src/spec/resolve.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { proveDirections } from '../../src/symbolic/interval/direction.js';
import { directionAudit } from '../../src/symbolic/audit.js';
import { compileDerivation } from '../../src/symbolic/point.js';

const BUDGET = 20_000;
const rows = CATALOGUE.map((e) => {
  const spec = checkLoss(fromCatalogue(e));
  if (!spec.ok) throw new Error(e.id);
  const d = mustDerive(spec.value);
  proveDirections(d, BUDGET); // warm-up
  const t = performance.now();
  const proofs = proveDirections(d, BUDGET);
  const proveMs = performance.now() - t;
  const c = compileDerivation(d);
  const t2 = performance.now();
  directionAudit(c, { samples: 4000, seed: 1 });
  const sampleMs = performance.now() - t2;
  const statuses = proofs.flatMap((p) => [p.dW.result.status, p.dL.result.status]);
  return { id: e.id, regimes: proofs.length, proveMs, sampleMs, proved: statuses.filter((s) => s === 'proved').length,
    refuted: statuses.filter((s) => s === 'refuted').length, undecided: statuses.filter((s) => s === 'undecided').length };
});
const total = rows.reduce((s, r) => s + r.proved + r.refuted + r.undecided, 0);
const decided = rows.reduce((s, r) => s + r.proved + r.refuted, 0);
const result = {
  date: new Date().toISOString(), budget: BUDGET,
  baseline: 'the sampled direction audit (4000 points), same run',
  perLoss: rows,
  summary: {
    questions: total, decided, proved: rows.reduce((s, r) => s + r.proved, 0), refuted: rows.reduce((s, r) => s + r.refuted, 0),
    undecided: total - decided, shareDecided: decided / total,
    maxProveMsPerLoss: Math.max(...rows.map((r) => r.proveMs)), totalProveMs: rows.reduce((s, r) => s + r.proveMs, 0),
    totalSampleMs: rows.reduce((s, r) => s + r.sampleMs, 0),
    target: 'every catalogue loss decided in under 1 s',
  },
};
mkdirSync('docs/bench', { recursive: true });
writeFileSync('docs/bench/prove.json', JSON.stringify(result, null, 2) + '\n');
console.table(rows.map((r) => ({ ...r, proveMs: r.proveMs.toFixed(1), sampleMs: r.sampleMs.toFixed(1) })));
console.log(result.summary);
