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

describe('derive with a ranked loss proves each weight\'s sign', () => {
  it('Plackett–Luce DPO: d_3 < 0 proved, d_2 takes both signs (a certified witness each way), d_1 never refuted', async () => {
    const j = JSON.parse((await runCli(['derive', 'plackett-luce-dpo', '--json'])).stdout);
    const w = j.signs[0].weights;
    expect(w.d_3.sign).toBe('negative');
    expect(w.d_2.sign).toBe('both');
    expect([w.d_2.positive.status, w.d_2.negative.status]).toEqual(['refuted', 'refuted']);
    // d_1 = β(1 − softmax_1) > 0: true, so never refuted; the prover may leave it undecided in its budget.
    expect(w.d_1.positive.status).not.toBe('refuted');
  });
  it('--no-prove runs none, and says so', async () => {
    const r = await runCli(['derive', 'plackett-luce-dpo', '--no-prove']);
    expect(r.stdout).toContain('Weight signs: not proved (--no-prove).');
    expect(JSON.parse((await runCli(['derive', 'plackett-luce-dpo', '--no-prove', '--json'])).stdout).signs).toBeNull();
  });
});
