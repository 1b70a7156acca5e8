// `marginlab verify --backend webgpu|auto` end to end on this machine's adapter (llvmpipe in CI): the
// checks pass and agree with --backend cpu on the same seed, the f32 error is reported beside the verdict,
// and every fault — a wrong kernel, a lost device, a shader that does not compile — is a clear failure
// (webgpu) or a said-out-loud CPU result (auto), never a quiet number.

import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import type { ComparedVerdict } from '../../../src/numeric/webgpu/index.js';

const SMALL = ['--samples', '8', '--seed', '1'];

describe('marginlab verify on webgpu', () => {
  it('verify all --backend webgpu --json passes and agrees with --backend cpu', async () => {
    const g = await runCli(['verify', 'all', '--backend', 'webgpu', '--json', ...SMALL]);
    const c = await runCli(['verify', 'all', '--backend', 'cpu', '--json', ...SMALL]);
    const gj = JSON.parse(g.stdout), cj = JSON.parse(c.stdout);
    // Same exit code and verdicts as the CPU: whether the mathematics passes is the checks' business
    // (test/numeric); that the GPU run neither adds nor hides a failure is this test's.
    expect(g.code, g.stderr).toBe(c.code);
    expect(gj).toMatchObject({ schema: 'marginlab/verify@1', backend: 'webgpu', passed: cj.passed, adapter: { runtime: 'node-dawn', featureLevel: 'compatibility' } });
    expect(gj.passed, 'the cpu run itself failed: see test/numeric').toBe(true);
    expect(gj.verdicts.map((v: ComparedVerdict) => [v.id, v.status])).toEqual(cj.verdicts.map((v: ComparedVerdict) => [v.id, v.status]));
    for (const [k, v] of (gj.verdicts as ComparedVerdict[]).entries()) {
      expect(v.backend).toBe('webgpu');
      expect(v.evidence.maxRelError).toBe(cj.verdicts[k].evidence.maxRelError);
      expect(v.precision.ops, v.id).toBeGreaterThan(10);
      expect(v.precision.violations, v.precision.note).toBe(0);
      expect(v.precision.worstRatio).toBeLessThanOrEqual(1);
      expect(v.precision.worstRatio).toBeGreaterThan(0);
      // f32 either reaches the same conclusion or is reported too coarse for this claim — never silently different
      expect(v.precision.tooCoarse).toBe(v.precision.f32Status !== v.status);
      expect(v.precision.note).toMatch(v.precision.tooCoarse ? /too coarse/ : /f32 suffices/);
    }
    // the 1e-9 identities of Theorem 1 are beyond f32; the sign checks of `cases` are not
    const byId = Object.fromEntries((gj.verdicts as ComparedVerdict[]).map((v) => [v.id, v]));
    expect(byId.theorem1.precision.tooCoarse).toBe(true);
    expect(byId.cases.precision.tooCoarse).toBe(false);
  });

  it('the text report names the adapter and has an f32 column', async () => {
    const r = await runCli(['verify', 'theorem1', '--backend', 'webgpu', '--samples', '2', '--vocab', '300', '--dim', '8']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/using webgpu \(f32\) on .+ via node-dawn/);
    expect(r.stdout).toMatch(/f32 \(err\/bound\)/);
    expect(r.stdout).toMatch(/theorem1\s+pass\s+verified\s+2\s+\S+\s+too coarse/);
  });

  it('--backend auto picks webgpu when there is an adapter and says so in output and JSON', async () => {
    const r = await runCli(['verify', 'cases', '--backend', 'auto', '--json', '--samples', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/backend auto: using webgpu/);
    expect(JSON.parse(r.stdout)).toMatchObject({ backend: 'webgpu', note: expect.stringMatching(/backend auto: using webgpu/) });
  });

  it('a wrong reduction kernel fails the check under --backend webgpu (exit 1)', async () => {
    const r = await runCli(['verify', 'theorem1', '--backend', 'webgpu', '--json', '--samples', '2', '--vocab', '300', '--dim', '8', '--webgpu-fault', 'reduction-off-by-one']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.passed).toBe(false);
    expect(j.verdicts[0].precision.violations).toBeGreaterThan(0);
    expect(j.verdicts[0].precision.note).toMatch(/WRONG RESULT from WebGPU/);
  });

  it('under auto the same wrong kernel gives the CPU result, said out loud', async () => {
    const r = await runCli(['verify', 'theorem1', '--backend', 'auto', '--json', '--samples', '2', '--vocab', '300', '--dim', '8', '--webgpu-fault', 'reduction-off-by-one']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/webgpu failed during theorem1 \(WRONG RESULT/);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ backend: 'cpu', passed: true });
    expect(j.verdicts[0]).toMatchObject({ backend: 'cpu', status: 'verified' });
    expect(j.verdicts[0].precision).toBeUndefined();
  });

  it.each([
    ['device-lost-after:5', /E_WEBGPU_DEVICE_LOST/],
    ['shader-syntax-error', /E_WEBGPU_SHADER: WGSL kernel '.+' failed to compile/],
  ])('fault %s: webgpu exits 2 with the reason, auto falls back to cpu', async (fault, message) => {
    const w = await runCli(['verify', 'theorem3', '--backend', 'webgpu', '--samples', '2', '--webgpu-fault', fault]);
    expect(w.code).toBe(2);
    expect(w.stderr).toMatch(message);
    expect(w.stdout).toBe('');
    const a = await runCli(['verify', 'theorem3', '--backend', 'auto', '--json', '--samples', '2', '--webgpu-fault', fault]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toMatch(message);
    expect(JSON.parse(a.stdout)).toMatchObject({ backend: 'cpu', passed: true, verdicts: [{ backend: 'cpu', status: 'verified-first-order' }] });
  });

  it('an unknown fault name is bad input (exit 2)', async () => {
    const r = await runCli(['verify', 'cases', '--backend', 'webgpu', '--webgpu-fault', 'gremlins']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown WebGPU fault 'gremlins'/);
  });
});
