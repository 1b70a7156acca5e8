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

describe('derive with a ranked loss audits each weight\'s sign at sampled points (evidence beside the proofs)', () => {
  it('Plackett–Luce DPO: d_3 < 0 and d_1 > 0 at every certified sample, d_2 of both signs, a point given where it is ≤ 0', async () => {
    const j = JSON.parse((await runCli(['derive', 'plackett-luce-dpo', '--json', '--samples', '600'])).stdout);
    const w = j.audit.weights;
    expect(j.audit.drawn).toBe(600);
    expect([w.d_3.positive, w.d_3.zero, w.d_3.negative > 0]).toEqual([0, 0, true]);
    expect([w.d_1.negative, w.d_1.zero, w.d_1.positive > 0]).toEqual([0, 0, true]);
    expect(w.d_2.positive > 0 && w.d_2.negative > 0).toBe(true);
    expect(w.d_2.nonPositiveAt).toHaveProperty('logp_2');
    const text = (await runCli(['derive', 'plackett-luce-dpo', '--samples', '600'])).stdout;
    expect(text).toMatch(/d_3 < 0 at all \d+ certified samples/);
  });
});
