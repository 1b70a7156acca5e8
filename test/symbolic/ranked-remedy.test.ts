// remedy for a loss over K ranked responses: the cone {d : (G d)_1 > 0 > (G d)_k, k > 1} decided exactly, with a
// certificate that this test re-checks on its own (a witness d with those signs of G d, or μ ≠ 0 in the null space
// of G with μ_1 ≥ 0 ≥ μ_k), on hand-made cases — one possible, two proved impossible — and on random Gram matrices
// of random rank (seeded; the seed is printed with every failure); then the remedy's knobs on Plackett–Luce DPO.
import { describe, expect, it } from 'vitest';
import { findEntry } from '../../src/loss/catalogue/index.js';
import { checkLoss } from '../../src/loss/check.js';
import { fromCatalogue } from '../../src/loss/file.js';
import { decideCone } from '../../src/symbolic/ranked-cone.js';
import { rankedRemedy } from '../../src/symbolic/ranked-remedy.js';
import { compileRanked, completeRankedPoint, deriveRanked } from '../../src/symbolic/ranked.js';
import { rankedRemedyJson, rankedRemedyText } from '../../src/report/remedy.js';
import { makeRng } from '../../src/util/prng.js';
import { runCli } from '../helpers/cli.js';

const SEED = Number(process.env.FC_SEED ?? 18);

function must<T>(r: { ok: true; value: T } | { ok: false; errors?: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}
const mul = (G: number[][], x: readonly number[]) => G.map((row) => row.reduce((s, g, j) => s + g * x[j], 0));

/** The certificate, checked here: integer G (exact in float64) and small rational certificates keep these sums exact enough. */
function certified(G: number[][], v: ReturnType<typeof decideCone>, why: string): 'nonempty' | 'empty' {
  if (v.status === 'nonempty') {
    const y = mul(G, v.witness);
    expect(y[0], why).toBeGreaterThan(0);
    for (const yk of y.slice(1)) expect(yk, why).toBeLessThan(0);
    return 'nonempty';
  }
  if (v.status === 'empty') {
    const scale = Math.max(...v.certificate.map(Math.abs));
    expect(scale, why).toBeGreaterThan(0);
    for (const z of mul(G, v.certificate)) expect(Math.abs(z) / scale, why).toBeLessThan(1e-12);
    expect(v.certificate[0], why).toBeGreaterThanOrEqual(0);
    for (const m of v.certificate.slice(1)) expect(m, why).toBeLessThanOrEqual(0);
    return 'empty';
  }
  throw new Error(`${why}: undecided — ${v.how}`);
}

describe('the cone of weights with response 1 up and the rest down', () => {
  it('is non-empty for orthogonal gradients and for ∇logp_2 = −∇logp_1 (a witness)', () => {
    expect(certified([[1, 0, 0], [0, 1, 0], [0, 0, 1]], decideCone([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), 'identity')).toBe('nonempty');
    const G = [[1, -1, 0], [-1, 1, 0], [0, 0, 1]]; // singular: found by elimination, not by G⁻¹
    expect(certified(G, decideCone(G), 'anti-parallel')).toBe('nonempty');
  });

  it('is proved empty when every gradient lies along one direction, and when a response has no gradient', () => {
    const parallel = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]; // ∇logp_k = e for all k: every response moves the same way
    expect(certified(parallel, decideCone(parallel), 'parallel')).toBe('empty');
    const deaf = [[2, 1, 0], [1, 2, 0], [0, 0, 0]]; // ∇logp_3 = 0: (G d)_3 = 0 for every d
    expect(certified(deaf, decideCone(deaf), 'zero gradient')).toBe('empty');
  });

  it(`agrees with its own certificates on random Gram matrices of every rank (seed ${SEED}; FC_SEED overrides)`, () => {
    const rng = makeRng(SEED);
    const seen = { nonempty: 0, empty: 0 };
    for (let t = 0; t < 300; t++) {
      const K = rng.int(2, 5), r = rng.int(1, K);
      const V = Array.from({ length: K }, () => Array.from({ length: r }, () => rng.int(-3, 3)));
      const G = V.map((a) => V.map((b) => a.reduce((s, x, i) => s + x * b[i], 0)));
      seen[certified(G, decideCone(G), `seed ${SEED}, case ${t}: G = ${JSON.stringify(G)}`)]++;
    }
    // Both answers occur, so neither branch is vacuous.
    expect(seen.nonempty, `seed ${SEED}`).toBeGreaterThan(20);
    expect(seen.empty, `seed ${SEED}`).toBeGreaterThan(20);
  });
});

describe('remedy with Plackett–Luce DPO over 3 responses', () => {
  const spec = must(checkLoss(fromCatalogue(findEntry('plackett-luce-dpo')!)));
  const d = must(deriveRanked(spec));
  const c = compileRanked(d);
  const point = must(completeRankedPoint(d, { logp_1: -10, logp_2: -11, logp_3: -12, c_ref_1: -10.5, c_ref_2: -11, c_ref_3: -11 }));

  it('possible: orthogonal gradients, d lifts response 2 at β = 0.1, and a larger β (found, signs certified) puts d in the cone', () => {
    const r = rankedRemedy(c, point, [[1, 0, 0], [0, 1, 0], [0, 0, 1]], ['beta']);
    expect(r.cone.status).toBe('nonempty');
    expect(r.pattern).toBe('++-');
    expect(r.position).toBe('outside');
    const k = r.knobs[0];
    expect(k.status).toBe('ok');
    // The value found is re-derived here: d at that β, and with G = I the step is d itself.
    const at = must(completeRankedPoint(d, { ...point.values, beta: k.value! }));
    const again = rankedRemedy(c, at, [[1, 0, 0], [0, 1, 0], [0, 0, 1]], []);
    expect(again.pattern).toBe('+--');
    expect(again.position).toBe('inside');
    expect(k.value!).toBeGreaterThan(0.1);
    expect(k.value!).toBeLessThanOrEqual(10);
    expect(rankedRemedyText(r)).toMatch(/beta: 0\.1 → [\d.]+ gives d = .*: \+--/);
    expect(rankedRemedyJson(r, [[1, 0, 0], [0, 1, 0], [0, 0, 1]]).schema).toBe('marginlab/remedy-ranked@1');
  });

  it('proved impossible: with parallel gradients no weights give +--, so no β can (proved), and d is outside', () => {
    const r = rankedRemedy(c, point, [[1, 1, 1], [1, 1, 1], [1, 1, 1]], ['beta']);
    expect(r.cone.status).toBe('empty');
    expect(r.position).toBe('outside');
    expect(r.knobs[0]).toMatchObject({ status: 'impossible', proved: true });
    expect(rankedRemedyText(r)).toMatch(/empty \(proved\)/);
  });
});

describe('marginlab remedy with a ranked loss', () => {
  const AT = ['--at', 'logp_1=-10,logp_2=-11,logp_3=-12,c_ref_1=-10.5,c_ref_2=-11,c_ref_3=-11'];
  it('answers in JSON with its own schema, and refuses the two-response gradients and knobs with coded errors', async () => {
    const r = await runCli(['remedy', 'plackett-luce-dpo', ...AT, '--gram', '1,1,1,1,1,1,1,1,1', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.schema).toBe('marginlab/remedy-ranked@1');
    expect(j.cone.status).toBe('empty');
    expect(j.knobs[0]).toMatchObject({ knob: 'beta', status: 'impossible', proved: true });
    const inner = await runCli(['remedy', 'plackett-luce-dpo', ...AT, '--inner', '1', '--norm-w2', '1', '--norm-l2', '1']);
    expect(inner.code).toBe(2);
    expect(inner.stderr).toMatch(/^E_USAGE in --gram: a loss over 3 ranked responses takes its step's gradients as --gram/m);
    const nll = await runCli(['remedy', 'plackett-luce-dpo', ...AT, '--gram', '1,0,0,0,1,0,0,0,1', '--knob', 'nll']);
    expect(nll.code).toBe(2);
    expect(nll.stderr).toMatch(/^E_PARAM .*'nll' is not a knob/m);
  });
});
