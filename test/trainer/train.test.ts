// End to end on the tiny model: each sentiment task trains for a few dozen steps, the generated loss passes
// its checksums, and at a small learning rate the signs predicted by conditions (9)/(10) match the observed
// changes on ≥ 95% of measured pairs — and stop matching when the prediction is broken on purpose.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogueSpec, inline, train } from './helpers.js';
import { requireTorch } from './torch.js';

beforeAll(requireTorch);

const lines = (p: string) => readFileSync(p, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe.each(['single', 'short', 'long'] as const)('DPO on the %s task', (task) => {
  it('trains, passes the checksums, and predicted signs agree with observed ones on >= 95% of pairs', async () => {
    const r = await train(catalogueSpec('dpo'), { task: { kind: task }, tokenCosine: task === 'long' });
    expect(r.error).toBeNull();
    const s = r.summary;
    expect(s.loggedSteps).toBe(24);
    expect(lines(r.metricsPath)).toHaveLength(24);
    expect(s.checksum!.probeMaxRelErr).toBeLessThan(1e-9);
    expect(s.checksum!.firstBatchPairs).toBe(8);
    expect(s.agreement!).toBeGreaterThanOrEqual(0.95);
    expect(s.marginlabAgreement!).toBeGreaterThanOrEqual(0.95);
    // The margin grows (eq. 6) and every logged row carries the paper's metric names.
    expect(s.last!.margin!).toBeGreaterThan(s.first!.margin!);
    for (const k of ['logp_w', 'logp_l', 'margin', 'inner_wl', 'norm_w2', 'norm_l2', 'cos_wl', 'dW', 'dL', 'pred_dlogp_w_sign', 'obs_dlogp_w']) {
      expect(s.first).toHaveProperty(k);
    }
    if (task === 'long') {
      const tc = lines(r.metricsPath.replace('metrics.jsonl', 'token_cosine.jsonl'));
      expect(tc[0].tokens_w).toEqual(['it', 'has', 'a', tc[0].tokens_w[3], 'sentiment', 'based', 'on', 'my', 'judgement', '.']);
      expect(tc[0].cos).toHaveLength(10);
      expect(tc[0].cos_head).toHaveLength(10);
      expect(tc[0].cos_head[0]).toHaveLength(10);
    }
    // Held-out pairs are evaluated after SFT and at the end; the implicit reward margin starts at 0 exactly.
    expect(s.heldout!.pairs).toBe(64);
    expect(s.heldout!.start.step).toBe(0);
    expect(s.heldout!.start.reward_margin).toBe(0);
    expect(s.heldout!.end.step).toBe(24);
    expect(lines(r.metricsPath.replace('metrics.jsonl', 'eval.jsonl'))).toHaveLength(2);
    // Every measured pair carries CHES, compared with condition (9) in the summary.
    expect(s.ches!.pairs).toBe(s.pairsMeasured);
    expect(s.ches!.conditionAccuracy).toBeGreaterThanOrEqual(0.95);
  });
});

describe('a broken prediction is caught', () => {
  it('flipping the conditions drops the agreement far below 95% (marginlab\'s own stays high)', async () => {
    const r = await train(catalogueSpec('dpo'), { task: { kind: 'single' }, steps: 12, predict: 'flipped' });
    expect(r.error).toBeNull();
    expect(r.summary.agreement!).toBeLessThan(0.5);
    expect(r.summary.marginlabAgreement!).toBeGreaterThanOrEqual(0.95);
  });

  // A loss that pushes both responses up has d_l < 0; only the sign handling of eq. (9)/(10) predicts it.
  const bothUp = inline({ name: 'both-up', m: 'logsigmoid(a)', hw: 'beta*a', hl: '-beta*a', params: { beta: 0.5 } });
  it.each([['conditions', true], ['no-sign-handling', false]] as const)('with d_l < 0, prediction mode %s agrees: %s', async (mode, good) => {
    const r = await train(bothUp, { task: { kind: 'single' }, steps: 12, predict: mode });
    expect(r.error).toBeNull();
    expect(r.summary.first!.dL!).toBeLessThan(0);
    if (good) expect(r.summary.agreement!).toBeGreaterThanOrEqual(0.95);
    else expect(r.summary.agreement!).toBeLessThan(0.8);
    expect(r.summary.marginlabAgreement!).toBeGreaterThanOrEqual(0.95);
  });
});
