// sweep with a loss over K ranked responses: d_1 … d_K over one variable, each sample's weights those of eval
// (and −∂L/∂logp_k by central differences of L as written), the step Δlogp_k = η·(G·d)_k with the Gram matrix given,
// regime boundaries bisected to where the hinge sits, the figure written; every misuse a coded error.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLoss } from '../../src/loss/check.js';
import type { LossSpec } from '../../src/loss/types.js';
import { compile } from '../../src/symbolic/evaluate.js';
import { rankedSweep } from '../../src/symbolic/ranked-sweep.js';
import { compileRanked, deriveRanked } from '../../src/symbolic/ranked.js';
import { parseAxis } from '../../src/symbolic/sweep.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'marginlab-ranked-sweep-'));
const HINGE_L = 'max(0, 1 - (logp_1 - logp_3)) - 0.1*logp_2 - logsigmoid(logp_2 - logp_3)';
const HINGE = join(dir, 'hinge3.yaml');
writeFileSync(HINGE, `name: ranked hinge\nresponses: 3\nL: ${HINGE_L}\n`);

function must<T>(r: { ok: true; value: T } | { ok: false; errors: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}
const hingeSpec = (): LossSpec => must(checkLoss({ id: 'h', name: 'h', origin: 'test', responses: 3, L: HINGE_L, m: '0', h_w: '0', h_l: '0', Lambda: '0', params: {} }));
const axis = (t: string) => must(parseAxis(t));

describe('sweep of a loss over ranked responses', () => {
  const G = [[1, 0.5, 0], [0.5, 1, 0], [0, 0, 1]];
  const c = compileRanked(must(deriveRanked(hingeSpec())));
  const s = must(rankedSweep(c, { axes: [axis('logp_1=-10:-1:38')], of: ['d_1', 'd_2', 'd_3', 'L', 'dLogp_1', 'dLogp_2', 'dLogp_3'], at: { logp_2: -4, logp_3: -5 }, gram: G, eta: 0.5 }));

  it('each d_k is −∂L/∂logp_k of L as written (central differences), and Δlogp_k = η·(G·d)_k', () => {
    const L = compile(hingeSpec().ranked!.L);
    expect(s.samples).toHaveLength(38);
    let checked = 0;
    for (const p of s.samples) {
      const env: Record<string, number> = { logp_1: p.at[0], logp_2: -4, logp_3: -5 };
      if (Math.abs(p.at[0] + 4) < 1e-3) continue; // the kink itself
      const d = [1, 2, 3].map((k) => p.values[`d_${k}`] as number);
      [1, 2, 3].forEach((k, i) => {
        const n = `logp_${k}`, h = 1e-6;
        const fd = -(L({ ...env, [n]: env[n] + h }) - L({ ...env, [n]: env[n] - h })) / (2 * h);
        expect(d[i], `d_${k} at logp_1 = ${p.at[0]}`).toBeCloseTo(fd, 6);
        expect(p.values[`dLogp_${k}`], `Δlogp_${k}`).toBeCloseTo(0.5 * G[i].reduce((acc, g, j) => acc + g * d[j], 0), 12);
      });
      expect(p.values.L).toBeCloseTo(L(env), 12);
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('the hinge max(0, 1 − (logp_1 − logp_3)) gives one regime boundary, at logp_1 = logp_3 + 1 = −4', () => {
    expect(s.boundaries).toHaveLength(1);
    expect(s.boundaries[0].at).toBeCloseTo(-4, 9);
    expect(s.regimes).toHaveLength(2);
  });

  it('the CLI: text, --json (marginlab/sweep@1 with the Gram matrix) and a figure', async () => {
    const text = await runCli(['sweep', 'plackett-luce-dpo', '--over', 'logp_1=-20:-5:11', '--at', 'logp_2=-14,logp_3=-15,c_ref_1=-13,c_ref_2=-13,c_ref_3=-14']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/d_1 +0\.04\d* … 0\.07\d*/);
    expect(text.stdout).toMatch(/d_3 +-0\.08\d* … -0\.07\d*/);
    const j = JSON.parse((await runCli(['sweep', HINGE, '--over', 'logp_1=-10:-1:10', '--at', 'logp_2=-4,logp_3=-5', '--gram', '1,0.5,0,0.5,1,0,0,0,1', '--json'])).stdout);
    expect(j.schema).toBe('marginlab/sweep@1');
    expect(j.of).toEqual(['d_1', 'd_2', 'd_3', 'dLogp_1', 'dLogp_2', 'dLogp_3']);
    expect(j.gramMatrix).toEqual(G);
    expect(j.samples[0].values.d_1).toBe(1);
    const svg = join(dir, 'pl.svg');
    expect((await runCli(['sweep', 'plackett-luce-dpo', '--over', 'beta=0.01:1:9:log', '--at', 'logp_1=-12,logp_2=-14,logp_3=-15', '--out', svg])).code).toBe(0);
    expect(existsSync(svg)).toBe(true);
    expect(readFileSync(svg, 'utf8')).toContain('d_2');
  });

  it('misuse is a coded error: two variables, --inner, a missing logp_k, a moving reference, an unknown quantity, a step without --gram', async () => {
    const at = 'logp_2=-14,logp_3=-15,c_ref_1=-13';
    const cases: [string[], RegExp][] = [
      [['--over', 'logp_1=-20:-5', '--over', 'logp_2=-20:-5', '--at', 'logp_3=-15,c_ref_1=-1,c_ref_2=-2'], /^E_USAGE .*has one variable, got 2/m],
      [['--over', 'logp_1=-20:-5', '--at', at, '--inner', '1', '--norm-w2', '1', '--norm-l2', '1'], /^E_USAGE .*takes its step's gradients as --gram/m],
      [['--over', 'logp_1=-20:-5', '--at', 'logp_2=-14,c_ref_1=-13'], /^E_POINT .*needs a value for logp_3/m],
      [['--over', 'logp_1=-20:-5', '--at', 'logp_2=-14,logp_3=-15'], /^E_POINT .*reads its reference c_ref_1/m],
      [['--over', 'logp_1=-20:-5', '--at', at, '--of', 'd_4'], /^E_USAGE .*unknown quantity 'd_4'/m],
      [['--over', 'logp_1=-20:-5', '--at', at, '--of', 'dLogp_1'], /^E_USAGE .*need the Gram matrix/m],
      [['--over', 'logp_1=-20:-5', '--at', at, '--gram', '1,2,2,1,0,0,0,0,1'], /^E_POINT .*--gram|^E_POINT .*Gram matrix/m],
      [['--over', 'logp_4=-20:-5', '--at', at], /^E_POINT .*'logp_4' is not a variable/m],
      [['--over', 'logp_1=-20:5', '--at', at], /^E_POINT .*logp_1 is a log-probability/m],
    ];
    for (const [args, re] of cases) {
      const r = await runCli(['sweep', 'plackett-luce-dpo', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(re);
    }
    const pair = await runCli(['sweep', 'dpo', '--over', 'logp_w=-20:-5', '--at', 'logp_l=-15,c_ref_w=-12,c_ref_l=-15', '--gram', '1,0,0,1']);
    expect(pair.code).toBe(2);
    expect(pair.stderr).toMatch(/^E_USAGE .*--gram is for a loss over ranked responses/m);
  });
});
