// The entanglement-aware variants (docs/remedies.md) end to end on the tiny model. The setting is one where
// DPO's step is often not in case 1: no SFT, so the long task's shared suffix dominates both responses'
// gradients (cos_wl ≈ 0.86 per pair) and ⟨G_w, G_l⟩ > 0 for the batch.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Variant } from '../../src/trainer/protocol/schema.js';
import { catalogueSpec, train } from './helpers.js';
import { requireTorch } from './torch.js';

beforeAll(requireTorch);

const entangled = (variant: Variant) =>
  train(catalogueSpec('dpo'), { task: { kind: 'long' }, steps: 24, lr: 0.01, sftSteps: 0, batchSize: 8, variant });

describe('the adaptive ratio', () => {
  it('puts >= 95% of steps in case 1 at a small learning rate, where plain DPO does not', async () => {
    const [dpo, adaptive] = [await entangled('none'), await entangled('adaptive')];
    expect(dpo.error).toBeNull();
    expect(adaptive.error).toBeNull();
    expect(adaptive.summary.variant).toBe('adaptive');
    // The baseline proves the setting discriminates: with the variant a no-op this test fails.
    expect(dpo.summary.case1Share!).toBeLessThan(0.95);
    expect(adaptive.summary.case1Share!).toBeGreaterThanOrEqual(0.95);
    expect(adaptive.summary.case1ObsShare!).toBeGreaterThanOrEqual(0.95);
    // Where ⟨G_w, G_l⟩ > 0 the weights move off 1 (s_w·s_l = 1); the loss itself still passes its checksums.
    const rows = readFileSync(adaptive.metricsPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.some((r) => Math.abs(r.scale_w - 1) > 1e-6)).toBe(true);
    for (const r of rows) expect(r.scale_w * r.scale_l).toBeCloseTo(1, 12);
    expect(adaptive.summary.checksum!.firstBatchPairs).toBe(8);
  });
});

describe.each(['masked-first-diff', 'masked-diff-only', 'projected'] as const)('the %s variant', (variant) => {
  it('trains, passes the checksums, and keeps conditions (9)/(10) agreeing with its own per-pair steps', async () => {
    const r = await train(catalogueSpec('dpo'), { task: { kind: 'long' }, steps: 8, variant });
    expect(r.error).toBeNull();
    expect(r.summary.variant).toBe(variant);
    expect(r.summary.agreement!).toBeGreaterThanOrEqual(0.95);
    expect(r.summary.case1Share).not.toBeNull();
    const first = r.summary.first!;
    if (variant === 'masked-diff-only') {
      // Only the sentiment token is counted: |y| = 1 and log π is one token's, above the whole response's.
      expect(first.logp_w!).toBeGreaterThan(first.full_logp_w!);
    }
    if (variant === 'projected') expect(first.full_logp_w).toBe(first.logp_w);
  });
});
