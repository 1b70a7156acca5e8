// The input fuzzer's fixed-seed slice (issue 15): a few thousand generated and mutated inputs — random text,
// mutated catalogue specs, deep nesting, huge and non-finite numbers, unicode and control characters,
// prototype names, YAML bombs, special files, bad --at, --param, --domain, claims fields, trainer events
// and command lines — each judged for a crash, a hang (> 2 s), a message without a code or a location, and
// an input accepted that must be refused. Every column must be 0. The full run (≥ 100,000 inputs) is
// `npm run fuzz:inputs`, outside CI; its figures are in docs/quality.md.
import { describe, expect, it } from 'vitest';
import { COLUMNS } from './inputs/judge.js';
import { runHarness } from './inputs/runner.js';

const SEED = 15;
const COUNT = Number(process.env.MARGINLAB_FUZZ_INPUTS ?? 3000);

describe('input fuzzer, fixed-seed slice', () => {
  it(`${COUNT} inputs of seed ${SEED}: no crash, hang, uncoded or unlocated message, or wrongly accepted input`, async () => {
    const t0 = Date.now();
    const t = await runHarness({ seed: SEED, count: COUNT, workers: 2 });
    const findings = COLUMNS.map((c) => `${c} ${t.counts[c]}`).join(', ');
    console.log(`fuzz:inputs slice: seed ${SEED}, ${t.inputs} inputs (${t.accepted} accepted, ${t.refused} refused) in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${findings}`);
    expect(t.inputs).toBe(COUNT);
    // Every kind of input is drawn in a slice this size.
    expect(Object.keys(t.kinds).length).toBeGreaterThanOrEqual(13);
    for (const c of COLUMNS) expect({ column: c, count: t.counts[c], examples: t.examples[c] }).toEqual({ column: c, count: 0, examples: [] });
  }, 600_000);
});
