// A loss over K = 3 ranked responses (Plackett–Luce DPO) trains on the tiny model on the single task with its
// three responses per prompt (positive > neutral > negative, or the reverse for a negative statement). The
// trainer's d_k equal marginlab's derivation at every logged point; its Gram matrices equal Grams of gradients
// taken one sequence at a time; its first-order change η(G·d)_k matches an actual small SGD step taken by
// autograd through the model; and the predicted sign of every response's change agrees with the observed one.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { logpName, rankedName } from '../../src/loss/ranked.js';
import { compileRanked, completeRankedPoint, deriveRanked, evaluateRanked } from '../../src/symbolic/ranked.js';
import { generateRankedTorch } from '../../src/trainer/codegen.js';
import { runTraining } from '../../src/trainer/client.js';
import { DEFAULT_SETTINGS, buildRequest } from '../../src/trainer/request.js';
import { catalogueSpec, tmp } from './helpers.js';
import { PYTHON, requireTorch, runPython } from './torch.js';

beforeAll(requireTorch);

function must<T>(r: { ok: true; value: T } | { ok: false; errors: unknown[] }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

const spec = catalogueSpec('plackett-luce-dpo');
const d = must(deriveRanked(spec));
const settings = { ...DEFAULT_SETTINGS, task: { kind: 'single' as const }, steps: 8, lr: 0.01, sftSteps: 20, batchSize: 8, tokenCosine: false, heldoutPairs: 0 };

describe('Plackett–Luce DPO over 3 ranked responses in marginlab train', () => {
  it('trains; d_k equal marginlab\'s at every logged point; predicted signs per response agree with observed ones', async () => {
    const r = await runTraining({ derivation: d, outDir: tmp('ranked'), python: PYTHON, timeoutMs: 60_000, settings });
    expect(r.error).toBeNull();
    const s = r.summary;
    expect(s.loggedSteps).toBe(8);
    expect(s.ranked!.responses).toBe(3);
    expect(s.ranked!.promptsMeasured).toBe(64);
    expect(s.ranked!.weightCheck!.prompts).toBe(8);
    const c = compileRanked(d);
    const rows = readFileSync(r.metricsPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    let fits = 0, n = 0;
    for (const row of rows) {
      for (const p of row.prompts) {
        // marginlab's own d_k at the logged point, evaluated here (not the recorder's ml_d).
        const given: Record<string, number> = {};
        for (let k = 1; k <= 3; k++) Object.assign(given, { [logpName(k)]: p.logp[k - 1], [rankedName('c_ref', k)]: p.c_ref[k - 1], [rankedName('len', k)]: p.len[k - 1] });
        const e = must(evaluateRanked(c, must(completeRankedPoint(d, given))));
        for (let k = 0; k < 3; k++) expect(Math.abs(p.d[k] - e.d[k]) / Math.max(Math.abs(e.d[k]), 1e-12), `d_${k + 1} at step ${row.step}`).toBeLessThan(1e-9);
        // The Gram matrix is symmetric with a non-negative diagonal (its entries against autograd: the next test).
        for (let j = 0; j < 3; j++) { expect(p.gram_matrix[j][j]).toBeGreaterThan(0); for (let k = 0; k < 3; k++) expect(p.gram_matrix[j][k]).toBe(p.gram_matrix[k][j]); }
        // The first-order change predicts the single-prompt step to within 10% of its size.
        for (let k = 0; k < 3; k++) { n++; if (Math.abs(p.obs[k] - p.fo[k]) <= 0.1 * Math.abs(p.fo[k]) + 1e-9) fits++; }
      }
    }
    expect(fits / n).toBeGreaterThanOrEqual(0.95);
    for (const a of s.ranked!.agreement) expect(a!).toBeGreaterThanOrEqual(0.95);
    for (const a of s.ranked!.marginlabAgreement) expect(a!).toBeGreaterThanOrEqual(0.95);
  });

  it('the Gram matrices equal autograd\'s one sequence at a time, and η(G·d)_k matches an actual small SGD step', () => {
    const code = must(generateRankedTorch(d));
    const params = Object.fromEntries(Object.entries(spec.source.params).map(([k, v]) => [k, v.default]));
    const out = JSON.parse(runPython(['--selftest-ranked'], JSON.stringify({ ...code, params, lr: 1e-4, K: 3 })));
    expect(out.gram_rel_err).toBeLessThan(1e-10);
    expect(out.direction_rel_err).toBeLessThan(1e-10);
    // First order: the error of η(G·d) against the real step shrinks with η (here η = 1e-4).
    expect(out.fo_vs_sgd_rel_err).toBeLessThan(1e-2);
    expect(out.probe_vs_sgd_rel_err).toBeLessThan(1e-8);
    expect(out.signs_agree).toBe(true);
  });

  it('refuses what a ranked run cannot do, with a coded error at its option', () => {
    for (const [change, slot] of [[{ gram: 'ghost' as const }, '--gram'], [{ variant: 'adaptive' as const }, '--variant'], [{ task: { kind: 'file' as const, path: 'x.jsonl' } }, '--task']] as const) {
      const r = buildRequest(d, { ...settings, ...change });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors[0]).toMatchObject({ code: 'E_UNSUPPORTED', at: { slot } });
    }
  });
});
