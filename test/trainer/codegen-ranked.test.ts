// The generated PyTorch of a loss over K ranked responses agrees with marginlab's own L and d_1 … d_K at random
// points (seeded; the seed is printed with every failure): the catalogue's ranked losses and a K = 4 loss with a
// hinge, a product and a square, all evaluated in one Python process.
import { beforeAll, describe, expect, it } from 'vitest';
import { checkLoss } from '../../src/loss/check.js';
import { logpName, rankedName } from '../../src/loss/ranked.js';
import type { LossSpec } from '../../src/loss/types.js';
import { compileRanked, completeRankedPoint, deriveRanked, evaluateRanked } from '../../src/symbolic/ranked.js';
import { generateRankedTorch } from '../../src/trainer/codegen.js';
import { makeRng } from '../../src/util/prng.js';
import { catalogueSpec } from './helpers.js';
import { requireTorch, runPython } from './torch.js';

beforeAll(requireTorch);

const SEED = Number(process.env.FC_SEED ?? 18);

function must<T>(r: { ok: true; value: T } | { ok: false; errors?: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

const four: LossSpec = must(checkLoss({ id: 'four', name: 'four', origin: 'test', responses: 4, m: '0', h_w: '0', h_l: '0', Lambda: '0',
  params: { beta: { default: 0.3, description: 'beta' } },
  L: '-logsigmoid(beta*(logp_1 - c_ref_1) - beta*(logp_4 - c_ref_4)) + 0.2*max(0, 1 - (logp_2 - logp_3)/len_2) + 0.01*(logp_3 - c_ref_3)^2 + 0.05*exp(0.1*logp_4)*logp_1' }));

describe('PyTorch code generation for a loss over ranked responses', () => {
  it(`agrees with marginlab's L and d_k at random points (seed ${SEED}; FC_SEED overrides)`, () => {
    const rng = makeRng(SEED);
    const cases = [['plackett-luce-dpo', catalogueSpec('plackett-luce-dpo')], ['infonca', catalogueSpec('infonca')], ['four', four]] as const;
    const jobs = cases.map(([id, spec]) => {
      const d = must(deriveRanked(spec));
      const c = compileRanked(d);
      const kept: { point: { logp: number[]; c_ref: number[]; len: number[] }; L: number; d: readonly number[] }[] = [];
      for (let t = 0; t < 40; t++) {
        const p = { logp: [] as number[], c_ref: [] as number[], len: [] as number[] };
        const given: Record<string, number> = {};
        for (let k = 1; k <= d.K; k++) {
          p.logp.push(-30 + 29.9 * rng.next()); p.c_ref.push(-30 + 29.9 * rng.next()); p.len.push(rng.int(1, 40));
          Object.assign(given, { [logpName(k)]: p.logp[k - 1], [rankedName('c_ref', k)]: p.c_ref[k - 1], [rankedName('len', k)]: p.len[k - 1] });
        }
        const e = evaluateRanked(c, must(completeRankedPoint(d, given)));
        if (e.ok && e.value.L !== null) kept.push({ point: p, L: e.value.L, d: e.value.d });
      }
      const code = must(generateRankedTorch(d));
      const params = Object.fromEntries(Object.entries(spec.source.params).map(([k, v]) => [k, v.default]));
      return { id, kept, item: { ...code, params, responses: d.K, points: kept.map((k) => k.point) } };
    });
    for (const j of jobs) expect(j.kept.length, `${j.id}: points where marginlab evaluates (seed ${SEED})`).toBeGreaterThanOrEqual(30);
    const out = JSON.parse(runPython(['--eval'], JSON.stringify({ losses: jobs.map((j) => j.item) }))) as { results: { L: number; d: number[] }[][] };
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
    jobs.forEach((j, i) => j.kept.forEach((want, n) => {
      const got = out.results[i][n];
      const at = `${j.id} at ${JSON.stringify(want.point)} (seed ${SEED})`;
      expect(rel(got.L, want.L), `L ${at}`).toBeLessThan(1e-9);
      want.d.forEach((dk, k) => expect(rel(got.d[k], dk), `d_${k + 1} ${at}: torch ${got.d[k]} vs marginlab ${dk}`).toBeLessThan(1e-9));
    }));
  });
});
