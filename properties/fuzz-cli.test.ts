// `marginlab fuzz`: exit 0 with no counterexample on a catalogue loss, 2 on bad input, JSON output,
// no progress bar when stderr is not a TTY; and runLaw shrinks a failing law to a minimal counterexample
// (the exit-1 path is tested with a law that is false on purpose).
import { describe, expect, it } from 'vitest';
import { runLaw, fuzzText, type LawSpec } from '../src/fuzz/engine.js';
import { runCli } from '../test/helpers/cli.js';
import { NAMED_LOSSES } from './arbitraries/catalogue.js';
import { compiled } from './support.js';

describe('marginlab fuzz', () => {
  it('a catalogue loss: every engine law holds, exit 0, seed printed, no progress bar off a TTY', async () => {
    const r = await runCli(['fuzz', 'simpo', '--runs', '40', '--seed', '5']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('seed 5 (replay with --seed 5)');
    expect(r.stdout).toMatch(/ok\s+derivative/);
    expect(r.stdout).toMatch(/ok\s+conditions/);
    expect(r.stdout).toContain('no counterexample to any engine law');
    // SimPO with |y_w| ≠ |y_l| is not margin-only: eq. (6) has a counterexample, reported as a finding.
    expect(r.stdout).toMatch(/found\s+margin-shrinks/);
    expect(r.stderr).toBe('');
  });

  it('an inline loss and --json', async () => {
    const r = await runCli(['fuzz', '--m', 'logsigmoid(beta*a)', '--param', 'beta=2', '--runs', '20', '--seed', '1', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.ok).toBe(true);
    expect(j.seed).toBe(1);
    expect(j.laws.map((l: { law: string }) => l.law)).toEqual(['derivative', 'regimes', 'conditions', 'simplify', 'print', 'margin', 'margin-shrinks']);
  });

  it('bad input exits 2', async () => {
    expect((await runCli(['fuzz', 'dpoo'])).code).toBe(2);
    expect((await runCli(['fuzz', '--m', 'logsigmod(a)'])).code).toBe(2);
    expect((await runCli(['fuzz', 'dpo', '--runs', '0'])).code).toBe(2);
  });

  it('a failing law is shrunk to a minimal counterexample and reported as a failure', () => {
    const c = compiled(NAMED_LOSSES.find((l) => l.id === 'dpo')!.spec)!;
    const wrong: LawSpec = { name: 'derivative', title: 'false on purpose: logp_w > −2', engine: true, needsGram: false,
      check: (_c, env) => (env.logp_w > -2 ? { status: 'pass' } : { status: 'fail', message: 'logp_w ≤ −2', details: { logp_w: env.logp_w } }) };
    const run = runLaw(wrong, c, { runs: 200, seed: 3 });
    expect(run.counterexample).toBeDefined();
    // Shrunk to the boundary of the false region: logp_w = −2 exactly (or within a float of it).
    expect(run.counterexample!.point.logp_w).toBeGreaterThanOrEqual(-2.0001);
    // DPO reads no length: the witness lists only what the loss reads (--at fills len_w = 1).
    expect(run.counterexample!.point).not.toHaveProperty('len_w');
    expect(Object.keys(run.counterexample!.point).sort()).toEqual(['beta', 'c_ref_l', 'c_ref_w', 'logp_l', 'logp_w']);
    const text = fuzzText({ loss: 'DPO', seed: 3, runs: 200, laws: [run], ok: false, inconclusive: [] });
    expect(text).toContain('FAIL');
    expect(text).toContain('counterexample (shrunk in');
    expect(text).toContain('--at logp_w=');
  });
});
