// Every way a run can go wrong ends in a clear error, a failed result, and the metrics so far on disk.
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogueSpec, inline, train } from './helpers.js';
import { PYTHON, TRAINER, requireTorch } from './torch.js';

beforeAll(requireTorch);

const rows = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8').trim().split('\n').filter(Boolean).length : 0);
const dpo = () => catalogueSpec('dpo');
const single = { task: { kind: 'single' as const } };

describe('trainer faults', () => {
  it('a trainer killed mid-run: E_TRAINER_EXIT, steps before the kill kept', async () => {
    let killed = false;
    const r = await train(dpo(), { ...single, steps: 200 }, {
      onEvent: (e, child) => {
        if (e.event === 'step' && e.step === 2 && !killed) { killed = true; process.kill(-child.pid!, 'SIGKILL'); }
      },
    });
    expect(r.ok).toBe(false);
    expect(r.error!.code).toBe('E_TRAINER_EXIT');
    expect(r.error!.message).toMatch(/killed by SIGKILL/);
    expect(rows(r.metricsPath)).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(readFileSync(r.summaryPath, 'utf8')).status).toBe('error');
  });

  it('SIGTERM stops the reference trainer cleanly with E_INTERRUPTED', async () => {
    const ac = new AbortController();
    const r = await train(dpo(), { ...single, steps: 200 }, { signal: ac.signal, onEvent: (e) => { if (e.event === 'step' && e.step === 1) ac.abort(); } });
    expect(r.error!.code).toBe('E_INTERRUPTED');
    expect(rows(r.metricsPath)).toBeGreaterThanOrEqual(2);
  });

  it('garbage on stdout: E_PROTOCOL naming the line', async () => {
    const r = await train(dpo(), single, { trainerCommand: `printf '{"v":1,"event":"hello","protocol":1,"trainer":"fake"}\\nSegmentation fault\\n'; sleep 20` });
    expect(r.error!.code).toBe('E_PROTOCOL');
    expect(r.error!.message).toMatch(/line 2 is not JSON: 'Segmentation fault'/);
  });

  it('a line of another protocol version: E_PROTOCOL_VERSION', async () => {
    const r = await train(dpo(), single, { trainerCommand: `echo '{"v":7,"event":"hello"}'; sleep 20` });
    expect(r.error!.code).toBe('E_PROTOCOL_VERSION');
  });

  it('a hanging trainer: E_TRAINER_TIMEOUT after the heartbeat timeout, and it is killed', async () => {
    const t0 = Date.now();
    const r = await train(dpo(), single, { trainerCommand: 'sleep 60', timeoutMs: 1500 });
    expect(r.error!.code).toBe('E_TRAINER_TIMEOUT');
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it('a missing Python: E_TRAINER_MISSING with an install hint', async () => {
    const r = await train(dpo(), single, { python: '/nonexistent/python3' });
    expect(r.error!.code).toBe('E_TRAINER_MISSING');
    expect(r.error!.hint).toMatch(/python3-torch/);
  });

  it('a Python without torch: E_NO_TORCH with an install hint', async () => {
    // -S drops site-packages, where Debian's python3-torch lives.
    const r = await train(dpo(), single, { trainerCommand: `${PYTHON} -S -u ${TRAINER}` });
    expect(r.error!.code).toBe('E_NO_TORCH');
    expect(r.error!.hint).toMatch(/apt-get install/);
  });

  it('a NaN loss: E_NON_FINITE from the trainer, non-zero exit', async () => {
    // log(−a) is NaN wherever the chosen response is already more likely, as after SFT.
    const r = await train(inline({ name: 'nan', m: 'log(-a)', hw: 'a', hl: 'a' }), single);
    expect(r.error!.code).toBe('E_NON_FINITE');
    expect(r.error!.message).toMatch(/step 0/);
  });
});
