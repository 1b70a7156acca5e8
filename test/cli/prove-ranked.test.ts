// prove with a loss over K ranked responses (issue 18): the claim reads d_1 … d_K, proved regime by regime on
// the domain of logp_k, c_ref_k < 0 and len_k >= 1; the pair's names are not part of it.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('prove with a ranked loss', () => {
  it('Plackett–Luce DPO: the last response is always pushed down (d_3 < 0, PROVED)', async () => {
    const r = await runCli(['prove', 'd_3 < 0', '--loss', 'plackett-luce-dpo', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).status).toBe('proved');
  });
  it('the middle one is not always pushed up: d_2 > 0 REFUTED, the witness gives d_2 and the point in logp_k', async () => {
    const r = await runCli(['prove', 'd_2 > 0', '--loss', 'plackett-luce-dpo']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/REFUTED/);
    expect(r.stdout).toMatch(/witness logp_1=.*d_2 = -/);
  });
  it('the two-response weights and names are unknown symbols for a ranked loss', async () => {
    const r = await runCli(['prove', 'dW > 0', '--loss', 'plackett-luce-dpo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_UNKNOWN_SYMBOL');
    expect(r.stderr).toMatch(/known symbols: .*d_1, d_2, d_3/);
    expect(r.stderr).not.toMatch(/logp_w/);
  });
});
