// The GPT-2 small runs of docs/findings.md were made on a lent H100; what is committed is the requests and
// the trainer's own stdout. Their summary (docs/experiments/gpt2-h100/summary.json, the findings table) must be
// what ingesting those events gives today: every line validated, the probe checksums within float32 tolerance.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mustDerive } from '../../src/symbolic/derive.js';
import { ingestEvents, readRequest } from '../../src/trainer/ingest.js';
import { catalogueSpec } from './helpers.js';

const base = 'docs/experiments/gpt2-h100';
const summary = JSON.parse(readFileSync(join(base, 'summary.json'), 'utf8')) as { runs: Array<Record<string, unknown>> };

describe('GPT-2 small on an H100 (committed events)', () => {
  const work = mkdtempSync(join(tmpdir(), 'marginlab-gpt2-'));
  const names = readdirSync(join(base, 'events')).map((f) => f.replace(/\.jsonl\.gz$/, '')).sort();

  it('has a summary row for every events file', () => {
    expect(summary.runs.map((r) => r.name)).toEqual(names);
    expect(names.length).toBe(14);
  });

  it.each(names)('%s: ingesting the events gives the committed summary', (name) => {
    const events = join(work, `${name}.jsonl`);
    writeFileSync(events, gunzipSync(readFileSync(join(base, 'events', `${name}.jsonl.gz`))));
    const req = readRequest(join(base, 'requests', `${name}.json`));
    if (!req.ok) throw new Error(req.errors[0].message);
    const r = ingestEvents(events, mustDerive(catalogueSpec(req.value.loss.id)), req.value, join(work, name));
    expect(r.error).toBeNull();
    expect(r.summary.checksum!.probeMaxRelErr).toBeLessThan(1e-3);
    const row = summary.runs.find((x) => x.name === name)!;
    const h = r.summary.heldout!;
    expect(h.end.logp_w - h.start.logp_w).toBe(row.dLogpW);
    expect(h.end.reward_margin).toBe(row.rewardMargin);
    expect(r.summary.agreement).toBe(row.agreement);
    expect(r.summary.case1Share).toBe(row.case1);
  });
});
