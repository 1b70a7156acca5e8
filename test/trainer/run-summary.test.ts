// The run summary's text names the Gram method that measured the run, and says when --gram auto chose it.
import { describe, expect, it } from 'vitest';
import { runSummaryText } from '../../src/report/run-summary.js';
import type { RunSummary } from '../../src/trainer/summary.js';

const summary = (gram: string | null) => ({
  task: 'long', loggedSteps: 4, pairsMeasured: 32, seconds: 1.5, gram, first: null, last: null, agreement: 1,
  marginlabAgreement: 1, variant: 'none', case1Share: 0.5, case1ObsShare: 0.5, case1PairShare: 0.5, heldout: null,
  ches: null, strayLines: { count: 0, first: [] },
}) as unknown as RunSummary;
const paths = { metricsPath: 'm.jsonl', summaryPath: 's.json' };
const head = (s: RunSummary, asked?: string) => runSummaryText('DPO', s, paths, asked).split('\n')[0];

describe('runSummaryText: the Gram method', () => {
  it('names the method, and auto as its chooser', () => {
    expect(head(summary('ghost'), 'auto')).toBe('DPO on long: 4 logged steps, 32 pairs measured in 1.5 s (gram: ghost, by auto)');
    expect(head(summary('vmap'), 'vmap')).toBe('DPO on long: 4 logged steps, 32 pairs measured in 1.5 s (gram: vmap)');
  });
  it('says nothing of it for a trainer that does not report one', () => {
    expect(head(summary(null), 'auto')).toBe('DPO on long: 4 logged steps, 32 pairs measured in 1.5 s');
  });
});
