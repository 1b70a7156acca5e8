// torchrun with two CPU processes (gloo) completes a short run: rank 0 speaks the protocol, both ranks train
// on halves of each batch with averaged gradients. Launched through ml_torchrun.py, torchrun with the one fix
// torch 1.13 needs on Python 3.11 (see that file).
import { join, dirname } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogueSpec, train } from './helpers.js';
import { PYTHON, TRAINER, requireTorch } from './torch.js';

beforeAll(requireTorch);

const torchrun = (n: number) =>
  `OMP_NUM_THREADS=1 ${PYTHON} ${join(dirname(TRAINER), 'ml_torchrun.py')} --standalone --nproc_per_node ${n} ${TRAINER}`;

describe('torchrun --nproc_per_node 2 (gloo, CPU)', () => {
  it('completes a short run with both ranks, passing the checksums and the agreement check', async () => {
    const r = await train(catalogueSpec('dpo'), { task: { kind: 'short' }, steps: 6, sftSteps: 10 }, { trainerCommand: torchrun(2) });
    expect(r.error).toBeNull();
    expect(r.summary.loggedSteps).toBe(6);
    // Rank 0 measures its half of each batch of 8.
    expect(r.summary.pairsMeasured).toBe(6 * 4);
    expect(r.summary.checksum!.firstBatchPairs).toBe(4);
    expect(r.summary.trainer!.world).toBe(2);
    expect(r.summary.agreement!).toBeGreaterThanOrEqual(0.95);
  });
});
