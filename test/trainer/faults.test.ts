// Every way a run can go wrong ends in a clear error, a failed result, and the metrics so far on disk.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogueSpec, inline, tmp, train } from './helpers.js';
import { PYTHON, TRAINER, requireTorch } from './torch.js';
import { heldoutText } from '../../src/trainer/summary.js';

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

  it('a protocol line that breaks its schema: E_PROTOCOL naming the line', async () => {
    const r = await train(dpo(), single, { trainerCommand: `printf '{"v":1,"event":"hello","protocol":1,"trainer":"fake"}\\n{"v":1,"event":"step","step":"x"}\\n'; sleep 20` });
    expect(r.error!.code).toBe('E_PROTOCOL');
    expect(r.error!.message).toMatch(/trainer line 2: step: /);
    expect(r.error!.at).toEqual({ slot: 'trainer stdout', line: 2 });
  });

  it('stray lines on stdout (a library warning) are counted and reported: no metric after them is lost', async () => {
    // The reference trainer with a warning written into its stdout after the third line and near the end.
    const inject = `${PYTHON} -u ${TRAINER} | awk 'NR==3 || NR==12 {print "UserWarning: something a library printed"; fflush()} {print; fflush()}'`;
    const r = await train(dpo(), { ...single, steps: 15 }, { trainerCommand: inject });
    expect(r.error).toBeNull();
    expect(r.summary.loggedSteps).toBe(15);
    expect(rows(r.metricsPath)).toBe(15);
    expect(r.summary.strayLines.count).toBe(2);
    expect(r.summary.strayLines.first[0]).toEqual({ line: 3, text: 'UserWarning: something a library printed' });
  });

  it('a step repeated by the trainer is refused, not counted twice', async () => {
    const dup = `${PYTHON} -u ${TRAINER} | awk '{print; fflush()} /"event": "step", "step": 1,/ {print; fflush()}'`;
    const r = await train(dpo(), { ...single, steps: 6 }, { trainerCommand: dup });
    expect(r.error!.code).toBe('E_PROTOCOL');
    expect(r.error!.message).toMatch(/step 1 comes after step 1 \(repeated\)/);
    expect(rows(r.metricsPath)).toBe(2);
  });

  it('while a --force run goes, the folder it will replace is untouched (no old summary beside new metrics)', async () => {
    const out = tmp('faults-force');
    writeFileSync(join(out, 'summary.json'), '{"old":true}\n');
    writeFileSync(join(out, 'eval.jsonl'), '{"step":0,"old":true}\n');
    let during = '';
    const r = await train(dpo(), { ...single, steps: 6 }, {
      outDir: out, force: true,
      onEvent: (e) => { if (e.event === 'step' && e.step === 3) during = readdirSync(out).sort().map((f) => `${f}:${readFileSync(join(out, f), 'utf8')}`).join('|'); },
    });
    expect(r.error).toBeNull();
    expect(during).toBe('eval.jsonl:{"step":0,"old":true}\n|summary.json:{"old":true}\n');
    expect(readFileSync(join(out, 'eval.jsonl'), 'utf8')).not.toContain('old');
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).schema).toBe('marginlab/train-summary@1');
  });

  it('after a SIGKILL the summary has no held-out end: the step-0 evaluation is not called the final one', async () => {
    let killed = false;
    const r = await train(dpo(), { ...single, steps: 200, heldoutPairs: 16 }, {
      onEvent: (e, child) => { if (e.event === 'step' && e.step === 2 && !killed) { killed = true; process.kill(-child.pid!, 'SIGKILL'); } },
    });
    expect(r.error!.code).toBe('E_TRAINER_EXIT');
    expect(r.summary.heldout).toMatchObject({ pairs: 16, end: null, final: false });
    expect(heldoutText(r.summary.heldout!)).toMatch(/at step 0; no final evaluation/);
    expect(heldoutText(r.summary.heldout!)).not.toContain('→');
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
