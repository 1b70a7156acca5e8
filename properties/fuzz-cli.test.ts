// `marginlab fuzz`: exit 0 with no counterexample on a catalogue loss, 2 on bad input, JSON output,
// no progress bar when stderr is not a TTY; and runLaw shrinks a failing law to a minimal counterexample
// (the exit-1 path is tested with a law that is false on purpose).
import { describe, expect, it } from 'vitest';
import { runLaw, fuzzText, type LawSpec } from '../src/fuzz/engine.js';
import { runCli } from '../test/helpers/cli.js';
import { NAMED_LOSSES } from './arbitraries/catalogue.js';
import { compiled } from './support.js';
import { neg } from '../src/expr/expr.js';
import { fuzzRanked } from '../src/fuzz/ranked.js';
import { RANKED_CATALOGUE } from '../src/loss/catalogue/index.js';
import { fromCatalogue } from '../src/loss/file.js';
import { deriveRanked } from '../src/symbolic/ranked.js';
import { mustCheck } from './arbitraries/catalogue.js';

function must<T>(r: { ok: true; value: T } | { ok: false; errors: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

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
    expect(j.laws.map((l: { law: string }) => l.law)).toEqual(['derivative', 'regimes', 'conditions', 'simplify', 'print', 'margin', 'margin-form', 'margin-shrinks']);
  });

  it('a general L: its recovered margin form is checked; the margin-only law says why it does not apply', async () => {
    const r = await runCli(['fuzz', '--L', '-logsigmoid(beta*(logp_w - c_ref_w) - beta*(logp_l - c_ref_l)) - 0.1*logp_w/len_w', '--param', 'beta=0.1',
      '--runs', '40', '--seed', '2', '--json']);
    expect(r.code).toBe(0);
    const laws = Object.fromEntries(JSON.parse(r.stdout).laws.map((l: { law: string }) => [l.law, l]));
    expect(laws['margin-form']).toMatchObject({ engine: true, runs: 40 });
    expect(laws['margin-form'].valid).toBeGreaterThan(20);
    expect(laws.margin.notApplicable).toMatch(/written whole as L/);
  });

  it('a loss over K ranked responses: the K-response laws run, each two-response law is listed as not applicable with its reason', async () => {
    const r = await runCli(['fuzz', 'plackett-luce-dpo', '--runs', '40', '--seed', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok\s+derivative/);
    expect(r.stdout).toMatch(/ok\s+step\s+\d+\/40 judged/);
    expect(r.stdout).toMatch(/n\/a\s+conditions .*no chosen\/rejected pair/);
    expect(r.stdout).toMatch(/n\/a\s+margin-shrinks/);
    expect(r.stdout).toContain('no counterexample to any engine law');
    const j = JSON.parse((await runCli(['fuzz', 'infonca', '--runs', '20', '--seed', '1', '--json'])).stdout);
    expect(j.schema).toBe('marginlab/fuzz@1');
    expect(j.laws.map((l: { law: string }) => l.law)).toEqual(['derivative', 'regimes', 'step', 'simplify', 'print', 'conditions', 'margin', 'margin-form', 'margin-shrinks']);
    expect(j.laws.filter((l: { notApplicable?: string }) => l.notApplicable).map((l: { law: string }) => l.law)).toEqual(['conditions', 'margin', 'margin-form', 'margin-shrinks']);
  });

  it('a K-response derivation with a wrong weight is caught by the derivative and step laws, with a shrunk counterexample', () => {
    const d = must(deriveRanked(mustCheck(fromCatalogue(RANKED_CATALOGUE.find((e) => e.id === 'plackett-luce-dpo')!))));
    // d_2 with its sign flipped: what a mis-derivation looks like.
    const wrong = { ...d, regimes: d.regimes.map((r) => ({ ...r, d: r.d.map((e, i) => (i === 1 ? neg(e) : e)) })) };
    const report = fuzzRanked(wrong, { runs: 60, seed: 4 });
    expect(report.ok).toBe(false);
    const failed = report.laws.filter((l) => l.counterexample).map((l) => l.law);
    expect(failed).toEqual(expect.arrayContaining(['derivative', 'step']));
    const text = fuzzText(report);
    expect(text).toMatch(/FAIL\s+derivative/);
    expect(text).toMatch(/--gram \S+ --eta /);
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
