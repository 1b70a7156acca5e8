// `marginlab verify`: exit 0 when the checks pass, 1 when one fails, 2 on bad input.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { CHECKS } from '../../src/numeric/theorems/index.js';
import type { Verdict } from '../../src/numeric/verdict.js';

afterEach(() => { vi.restoreAllMocks(); });

describe('marginlab verify', () => {
  it('runs one check and prints a pass table (exit 0)', async () => {
    const r = await runCli(['verify', 'theorem1', '--samples', '3', '--vocab', '50', '--dim', '6']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/theorem1\s+pass\s+verified/);
    expect(r.stdout).toMatch(/all 1 checks passed/);
  });
  it('--json gives the verdicts', async () => {
    const r = await runCli(['verify', 'theorem3', '--samples', '4', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.schema).toBe('marginlab/verify@1');
    expect(j.verdicts[0]).toMatchObject({ id: 'theorem3', status: 'verified-first-order', backend: 'cpu' });
  });
  it('all: every check, one row each', async () => {
    const r = await runCli(['verify', 'all', '--samples', '2', '--vocab', '20', '--dim', '4', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).verdicts.map((v: Verdict) => v.id)).toEqual(['theorem1', 'corollary2', 'theorem3', 'taylor', 'cases']);
  });
  it('exits 1 when a check fails', async () => {
    const refuted: Verdict = { id: 'theorem1', status: 'refuted', summary: 'broken on purpose', backend: 'cpu',
      evidence: { samples: 1, seed: 1, maxAbsError: 1, maxRelError: 1, worst: { x: 1 } } };
    vi.spyOn(CHECKS.theorem1, 'run').mockResolvedValue(refuted);
    const r = await runCli(['verify', 'theorem1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/theorem1\s+FAIL\s+refuted/);
    expect(r.stdout).toMatch(/counterexample/);
  });
  it('--backend auto picks WebGPU when an adapter exists and says so; --backend webgpu runs', async () => {
    const a = await runCli(['verify', 'cases', '--samples', '2', '--backend', 'auto']);
    expect(a.code).toBe(0);
    expect(a.stderr).toMatch(/backend auto: using webgpu/);
    const w = await runCli(['verify', 'cases', '--samples', '2', '--backend', 'webgpu']);
    expect(w.code).toBe(0);
  });
  it.each([
    [['verify', 'theorem1', '--vocab', '1'], /--vocab needs a whole number >= 2/],
    [['verify', 'theorem1', '--dim', '0'], /--dim needs a whole number >= 1/],
    [['verify', 'theorem1', '--samples', '0'], /--samples/],
    [['verify', 'theorem1', '--seed', 'NaN'], /--seed needs a finite decimal number/],
    [['verify', 'theorem1', '--seed', 'Infinity'], /--seed needs a finite decimal number/],
    [['verify', 'theorem1', '--vocab', '10', '--support', '11'], /larger than the vocabulary V = 10/],
    [['verify', 'theorem1', '--support', '1'], /--support needs a whole number >= 2/],
    [['verify', 'theorm1'], /did you mean 'theorem1'/],
    [['verify', 'theorem1', '--backend', 'tpu'], /unknown backend/],
  ])('bad input %j exits 2', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
  it('refuses sizes above the memory cap with the estimate (exit 2), before allocating', async () => {
    const r = await runCli(['verify', 'theorem1', '--vocab', '50257', '--dim', '768', '--max-memory', '256']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/would need about \d+ MiB, above the cap of 256 MiB/);
  });
});
