// The forms beyond eq. (8)'s first one train end to end: a loss with a rejected-side term Λ_l (Cal-DPO) and a
// loss written whole as L. The generated code passes the probe checksums and the first-batch check, and marginlab's
// own d_w, d_l at every logged pair equal the trainer's (autograd on the generated code). The hinge sits off the
// start point (logp_w = c_ref_w after SFT), where marginlab would rightly refuse to pick a side of the kink.
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogueSpec, inline, train } from './helpers.js';
import { requireTorch } from './torch.js';

beforeAll(requireTorch);

const general = inline({ name: 'general L', L: '-logsigmoid(beta*(logp_w - c_ref_w) - beta*(logp_l - c_ref_l)) + 0.01*logp_l^2 + 0.05*max(0, c_ref_w - logp_w - 0.5)', params: { beta: 0.1 } });

describe.each([['Cal-DPO (Λ_l)', catalogueSpec('cal-dpo')], ['a general L', general]] as const)('%s in marginlab train', (_, spec) => {
  it('trains, passes the checksums, and marginlab\'s weights equal the trainer\'s at every logged pair', async () => {
    const r = await train(spec, { task: { kind: 'single' }, steps: 6, sftSteps: 20, heldoutPairs: 0 });
    expect(r.error).toBeNull();
    const s = r.summary;
    expect(s.loggedSteps).toBe(6);
    expect(s.checksum!.probes).toBeGreaterThan(0);
    expect(s.checksum!.probeMaxRelErr).toBeLessThan(1e-9);
    expect(s.checksum!.firstBatchPairs).toBe(8);
    expect(s.agreement!).toBeGreaterThanOrEqual(0.9);
    const { readFileSync } = await import('node:fs');
    const rows = readFileSync(r.metricsPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    for (const row of rows) {
      for (const p of row.pairs) {
        expect(Math.abs(p.dW - p.ml_dW) / Math.max(Math.abs(p.ml_dW), 1e-9), `d_w at step ${row.step}`).toBeLessThan(1e-9);
        expect(Math.abs(p.dL - p.ml_dL) / Math.max(Math.abs(p.ml_dL), 1e-9), `d_l at step ${row.step}`).toBeLessThan(1e-9);
      }
    }
  });
});
