// The CLI end to end, in process: outputs, the JSON contract, and exit codes.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('marginlab derive', () => {
  it('--json carries the stable keys, expressions as text and LaTeX', async () => {
    const r = await runCli(['derive', 'simpo', '--json', '--samples', '500']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['schema', 'loss', 'u', 'L', 'dW', 'dL', 'ratio', 'regimes', 'audit']));
    expect(j.ratio.text).toBe('len_l/len_w');
    expect(j.ratio.tex).toContain('\\frac');
    expect(j.regimes[0].conditions.map((c: { direction: string }) => c.direction)).toEqual(['chosen-up', 'chosen-down', 'rejected-down', 'rejected-up']);
  });
  it('a hinge gives regimes, each with its own weights', async () => {
    const j = JSON.parse((await runCli(['derive', 'slic-hf', '--json', '--samples', '500'])).stdout);
    expect(j.regimes).toHaveLength(2);
    expect(j.regimes.map((r: { dL: { text: string } }) => r.dL.text).sort()).toEqual(['0', '1']);
    expect(j.ratio.piecewise).toHaveLength(2);
  });
  it('--explain walks from eq. (8) to the weights', async () => {
    const r = await runCli(['derive', 'dpo', '--explain', '--samples', '200']);
    expect(r.stdout).toContain('eq. (8)');
    expect(r.stdout).toContain("m'(u)");
    expect(r.stdout).toContain('logsigmoid');
  });
  it('inline losses with params', async () => {
    const r = await runCli(['derive', '--m', 'logsigmoid(a - gamma)', '--hw', 'beta*a', '--hl', 'beta*a', '--param', 'beta=0.1', '--param', 'gamma=1', '--json', '--samples', '200']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).ratio.text).toBe('1');
  });
});

describe('marginlab eval and classify', () => {
  it('eval reports numbers and the defaults it used', async () => {
    const j = JSON.parse((await runCli(['eval', 'cpo', '--at', 'logp_w=-12,logp_l=-15', '--json'])).stdout);
    expect(j.dL).toBeGreaterThan(0);
    expect(j.dW - j.dL).toBeCloseTo(1, 12); // Λ′ = λ = 1
    expect(j.defaults.map((d: { name: string }) => d.name)).toContain('lambda');
  });
  it('classify: DPO with <a,b> between the norms is case 2, both down', async () => {
    const j = JSON.parse((await runCli(['classify', 'dpo', '--at', 'logp_w=-10,logp_l=-12', '--inner', '3', '--norm-w2', '2', '--norm-l2', '5', '--json'])).stdout);
    expect(j.case).toBe(2);
    expect(j.chosen).toBe('down');
    expect(j.rejected).toBe('down');
  });
  it('classify refuses a Gram that no vectors have', async () => {
    const r = await runCli(['classify', 'dpo', '--at', 'logp_w=-1,logp_l=-2', '--inner', '9', '--norm-w2', '1', '--norm-l2', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Cauchy');
  });
});

describe('marginlab catalogue', () => {
  it('lists the ten Table 2 losses and at least six more', async () => {
    const j = JSON.parse((await runCli(['catalogue', '--json'])).stdout);
    const ids = j.losses.map((l: { id: string }) => l.id);
    expect(ids.slice(0, 10)).toEqual(['dpo', 'r-dpo', 'simpo', 'ipo', 'rrhf', 'slic-hf', 'cpo', 'dpop', 'kto', 'sppo']);
    expect(ids.length).toBeGreaterThanOrEqual(16);
  });
  it('shows both families, marginlab\'s and TRL\'s, and a TRL id works where a loss is named', async () => {
    const j = JSON.parse((await runCli(['catalogue', '--json'])).stdout);
    const families = new Set(j.losses.map((l: { family: string }) => l.family));
    expect([...families]).toEqual(['marginlab', 'trl', 'ranked']);
    expect(j.losses.find((l: { id: string }) => l.id === 'trl/dpo:ipo').family).toBe('trl');
    const text = (await runCli(['catalogue'])).stdout;
    expect(text).toMatch(/^marginlab .*:\n/);
    expect(text).toContain('\n\ntrl (');
    // ids with '/', ':' and '@' are ids, never paths or sweep syntax: TRL's ipo divides each log-ratio by its length.
    const e = JSON.parse((await runCli(['eval', 'trl/dpo:ipo@js_divergence', '--at', 'logp_w=-12,logp_l=-15,c_ref_w=-11,c_ref_l=-14,len_w=10,len_l=12', '--json'])).stdout);
    expect(e.schema).toMatch(/^marginlab\/eval@/);
    const ipo = JSON.parse((await runCli(['eval', 'trl/dpo:ipo', '--at', 'logp_w=-12,logp_l=-15,c_ref_w=-11,c_ref_l=-14,len_w=10,len_l=12', '--json'])).stdout);
    const paper = JSON.parse((await runCli(['eval', 'ipo', '--at', 'logp_w=-12,logp_l=-15,c_ref_w=-11,c_ref_l=-14,len_w=10,len_l=12', '--json'])).stdout);
    expect(JSON.stringify(ipo)).not.toBe(JSON.stringify(paper));
  });
});

describe('bad input: exit 2, a coded message, never a stack trace', () => {
  it.each([
    [['derive', 'simp0'], 'E_UNKNOWN_LOSS'],
    [['derive', '--m', 'logsigmoid(bta*a)'], 'E_UNKNOWN_SYMBOL'],
    [['derive', '--m', 'import(a)'], 'E_FORBIDDEN'],
    [['eval', 'dpo', '--at', 'logp_w=-1'], 'E_POINT'],
    [['eval', 'dpo', '--at', 'logp_w=x,logp_l=-1'], 'E_POINT'],
    [['eval', 'slic-hf', '--at', 'logp_w=-10,logp_l=-11'], 'E_ON_BOUNDARY'],
    [['derive', 'dpo', '--param', 'bta=1'], 'E_PARAM'],
    [['derive', 'dpo', '--m', 'a'], 'E_USAGE'],
  ])('%j → %s', async (args, code) => {
    const r = await runCli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(code);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it('an unknown option is exit 2', async () => {
    expect((await runCli(['derive', 'dpo', '--bogus'])).code).toBe(2);
  });
});
