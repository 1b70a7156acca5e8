// The remedies experiment's aggregation against numbers worked by hand: held-out Δ's per run, mean and sample
// sd over seeds, failed runs left out, the cost ratio to the baseline, and the table's formatting.

import { describe, expect, it } from 'vitest';
import { aggregate, type ExperimentRun, formatStat, markdownTable, meanSd, runMeasures, timingMarkdown, timingTable } from '../../src/trainer/experiment.js';

const row = (step: number, logpW: number, logpL: number, margin: number, acc: number) =>
  ({ step, pref_acc: acc, reward_acc: acc, logp_w: logpW, logp_l: logpL, reward_margin: margin });

/** A run whose held-out chosen goes −1 → endW and rejected −2 → endL. */
const run = (config: string, task: string, seed: number, endW: number, endL: number, margin: number, acc: number,
  stepSeconds: number, case1: number): ExperimentRun => ({
  config, task, seed,
  summary: { status: 'ok', heldout: { pairs: 64, start: row(0, -1, -2, 0, 0.5), end: row(200, endW, endL, margin, acc) },
    case1Share: case1, case1ObsShare: case1, stepSeconds },
});

const failed = (config: string, task: string, seed: number): ExperimentRun => ({
  config, task, seed, summary: { status: 'error', heldout: null, case1Share: 0.5, case1ObsShare: 0.5, stepSeconds: null },
});

describe('meanSd', () => {
  it('gives the mean and the sample (n − 1) standard deviation', () => {
    // mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5; 5 / 3 → sd √(5/3) = 1.290994…
    const s = meanSd([1, 2, 3, 4]);
    expect(s.n).toBe(4);
    expect(s.mean).toBeCloseTo(2.5, 12);
    expect(s.sd).toBeCloseTo(1.2909944487, 9);
    // mean 6, deviations ±2 and 0 → sd √(8/2) = 2
    expect(meanSd([4, 6, 8])).toEqual({ mean: 6, sd: 2, n: 3 });
  });

  it('leaves out unknown values, and has no sd below two values', () => {
    expect(meanSd([null, 3, undefined, Number.NaN])).toEqual({ mean: 3, sd: null, n: 1 });
    expect(meanSd([])).toEqual({ mean: null, sd: null, n: 0 });
  });
});

describe('aggregate', () => {
  const runs = [
    // dpo, long: Δlog π_w = −2 − (−1) = −1, −1.5 + 1 = −0.5, −1 + 1 = 0 → mean −0.5, sd 0.5
    //            Δlog π_l = −12 + 2 = −10, −8 + 2 = −6, −10 + 2 = −8 → mean −8, sd 2
    run('dpo', 'long', 1, -2, -12, 10, 0.9, 0.010, 0.5),
    run('dpo', 'long', 2, -1.5, -8, 6, 0.8, 0.020, 0.6),
    run('dpo', 'long', 3, -1, -10, 8, 1.0, 0.030, 0.7),
    // dpo, short: one run, 0.01 s/step
    run('dpo', 'short', 1, -0.5, -5, 4, 0.75, 0.010, 1),
    // adaptive, long: Δlog π_w = 0.5, 1.5 → mean 1, sd √0.5; 0.03 and 0.05 s → mean 0.04 = 2× dpo's 0.02;
    // the failed seed 3 is counted and left out of every mean.
    run('adaptive', 'long', 1, -0.5, -6, 5, 0.7, 0.030, 1),
    run('adaptive', 'long', 2, 0.5, -4, 4, 0.9, 0.050, 1),
    failed('adaptive', 'long', 3),
  ];
  const { cells, cost } = aggregate(runs, ['dpo', 'adaptive'], ['short', 'long'], 'dpo');

  it('orders cells config by config and task by task, and skips empty cells', () => {
    expect(cells.map((c) => `${c.config}/${c.task}`)).toEqual(['dpo/short', 'dpo/long', 'adaptive/long']);
  });

  it('takes held-out changes end minus start and their mean ± sd over seeds', () => {
    const dpo = cells[1];
    expect(dpo.seeds).toEqual([1, 2, 3]);
    expect(dpo.failed).toBe(0);
    expect(dpo.stats.dLogpW.mean).toBeCloseTo(-0.5, 12);
    expect(dpo.stats.dLogpW.sd).toBeCloseTo(0.5, 12);
    expect(dpo.stats.dLogpL.mean).toBeCloseTo(-8, 12);
    expect(dpo.stats.dLogpL.sd).toBeCloseTo(2, 12);
    expect(dpo.stats.rewardMargin.mean).toBeCloseTo(8, 12);
    expect(dpo.stats.prefAccStart.mean).toBeCloseTo(0.5, 12);
    expect(dpo.stats.prefAccEnd.mean).toBeCloseTo(0.9, 12);
    expect(dpo.stats.prefAccEnd.sd).toBeCloseTo(0.1, 12);
    expect(dpo.stats.case1Share.mean).toBeCloseTo(0.6, 12);
    expect(dpo.stats.stepSeconds.mean).toBeCloseTo(0.02, 12);
    expect(dpo.stepSecondsRatio).toBeCloseTo(1, 12);
  });

  it('counts a failed run and leaves its numbers out', () => {
    const ad = cells[2];
    expect(ad.failed).toBe(1);
    expect(ad.seeds).toEqual([1, 2, 3]);
    expect(ad.stats.dLogpW).toMatchObject({ n: 2 });
    expect(ad.stats.dLogpW.mean).toBeCloseTo(1, 12);
    expect(ad.stats.dLogpW.sd).toBeCloseTo(Math.SQRT1_2, 12);
    // the failed run's case-1 share (0.5) must not pull the mean below 1
    expect(ad.stats.case1Share.mean).toBe(1);
    expect(ad.stepSecondsRatio).toBeCloseTo(2, 12);
  });

  it('pairs each seed with the baseline\'s run on the same task and seed', () => {
    expect(cells[1].paired).toBeNull();
    const p = cells[2].paired!;
    // seed 1: Δlog π_w 0.5 − (−1) = 1.5, seed 2: 1.5 − (−0.5) = 2 → mean 1.75, sd √((0.25² · 2) / 1) = 0.353553…;
    // margins 5 − 10 = −5, 4 − 6 = −2 → mean −3.5, sd √(2 · 1.5²) = 2.121320…; seed 3 failed, so n = 2
    expect(p.dLogpW.n).toBe(2);
    expect(p.dLogpW.mean).toBeCloseTo(1.75, 12);
    expect(p.dLogpW.sd).toBeCloseTo(0.3535533906, 9);
    expect(p.rewardMargin.mean).toBeCloseTo(-3.5, 12);
    expect(p.rewardMargin.sd).toBeCloseTo(2.1213203436, 9);
    // pref. acc. 0.7 − 0.9 = −0.2, 0.9 − 0.8 = 0.1 → mean −0.05
    expect(p.prefAccEnd.mean).toBeCloseTo(-0.05, 12);
  });

  it('pairs with another reference where one is given', () => {
    // adaptive against itself: no pairing; dpo against adaptive on long: seeds 1, 2 → −1 − 0.5 = −1.5, −0.5 − 1.5 = −2
    const other = aggregate(runs, ['dpo', 'adaptive'], ['long'], 'dpo', { dpo: 'adaptive', adaptive: 'adaptive' }).cells;
    expect(other[1].reference).toBeNull();
    expect(other[1].paired).toBeNull();
    expect(other[0].reference).toBe('adaptive');
    expect(other[0].paired!.dLogpW.n).toBe(2);
    expect(other[0].paired!.dLogpW.mean).toBeCloseTo(-1.75, 12);
  });

  it('pools step seconds over tasks for the cost ratio', () => {
    // dpo: (0.01 + 0.02 + 0.03 + 0.01) / 4 = 0.0175; adaptive: 0.04 → 0.04 / 0.0175 = 2.2857…
    expect(cost.map((c) => c.config)).toEqual(['dpo', 'adaptive']);
    expect(cost[0].stepSeconds.mean).toBeCloseTo(0.0175, 12);
    expect(cost[0].ratio).toBeCloseTo(1, 12);
    expect(cost[1].ratio).toBeCloseTo(0.04 / 0.0175, 12);
  });

  it('reads a run as measured: Δ = end − start, nothing from a failed run', () => {
    expect(runMeasures(run('x', 'long', 1, -3, -2.5, 1, 0.6, 0.01, 0).summary)).toMatchObject({ dLogpW: -2, dLogpL: -0.5, rewardMargin: 1 });
    expect(Object.values(runMeasures(failed('x', 'long', 1).summary)).every((v) => v === null)).toBe(true);
  });

  it('writes the table with real minus signs, percentages and the paired columns', () => {
    expect(formatStat({ mean: -0.5, sd: 0.5, n: 3 })).toBe('−0.50 ± 0.50');
    expect(formatStat({ mean: -0.001, sd: null, n: 1 })).toBe('0.00');
    expect(formatStat({ mean: null, sd: null, n: 0 })).toBe('n/a');
    const t = markdownTable(cells).split('\n');
    expect(t).toHaveLength(2 + 3);
    expect(t[3]).toBe('| dpo | long | −0.50 ± 0.50 | −8.00 ± 2.00 | 8.00 ± 2.00 | 50 ± 0 → 90 ± 10 | 60 ± 10 | — | — | — | 20.0 ± 10.0 |');
    expect(t[4]).toBe('| adaptive | long (1 failed) | 1.00 ± 0.71 | −3.00 ± 1.41 | 4.50 ± 0.71 | 50 ± 0 → 80 ± 14 | 100 ± 0 | dpo | 1.75 ± 0.35 | −3.50 ± 2.12 | 40.0 ± 14.1 |');
  });
});

describe('timingTable', () => {
  const t = (config: string, logEvery: number, rep: number, stepSeconds: number | null) => ({ config, logEvery, rep, stepSeconds });
  const runs = [
    t('dpo', 10, 1, 0.030), t('dpo', 10, 2, 0.020), t('dpo', 10, 3, 0.050),
    t('masked', 10, 1, 0.060), t('masked', 10, 2, 0.025), t('masked', 10, 3, null),
    t('dpo', 200, 1, 0.008), t('masked', 200, 1, 0.010),
  ];
  const rows = timingTable(runs, ['dpo', 'masked'], 'dpo');

  it('takes the best of the repetitions and its ratio to the baseline\'s best', () => {
    expect(rows.map((r) => `${r.config}@${r.logEvery}`)).toEqual(['dpo@10', 'masked@10', 'dpo@200', 'masked@200']);
    // dpo@10: best 0.02, median of 0.02, 0.03, 0.05 = 0.03; masked@10: best 0.025 (the failed rep left out),
    // median (0.025 + 0.06) / 2 = 0.0425, ratio 0.025 / 0.02 = 1.25; @200: 0.010 / 0.008 = 1.25
    expect(rows[0]).toMatchObject({ n: 3, best: 0.02, median: 0.03, ratio: 1 });
    expect(rows[1].n).toBe(2);
    expect(rows[1].best).toBe(0.025);
    expect(rows[1].median).toBeCloseTo(0.0425, 12);
    expect(rows[1].ratio).toBeCloseTo(1.25, 12);
    expect(rows[3].ratio).toBeCloseTo(1.25, 12);
  });

  it('writes one row per config and measuring interval', () => {
    const md = timingMarkdown(rows).split('\n');
    expect(md[0]).toBe('| config | measuring every | ms / step, best of n | median | best vs baseline |');
    expect(md[3]).toBe('| masked | 10 steps | 25.0 (n = 2) | 42.5 | 1.25× |');
    expect(md[5]).toBe('| masked | 200 steps | 10.0 (n = 1) | 10.0 | 1.25× |');
  });
});
