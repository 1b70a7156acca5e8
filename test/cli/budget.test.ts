// Responsiveness (issue 17): --budget bounds the checks of one loss in time and a cut-off is said, with
// the verdict UNDECIDED; --no-prove runs no proof; a table runs no proof for what it never prints. Proof
// calls are counted (prove() wrapped in a spy), never timed.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { prove } from '../../src/symbolic/interval/prove.js';
import { renderTable, htmlSideFiles } from '../../src/report/table/generate.js';
import { DEFAULT_COLUMNS } from '../../src/report/table/columns.js';
import { analyse } from '../../src/symbolic/analyse.js';
import { directionAudit } from '../../src/symbolic/audit.js';
import { compileDerivation } from '../../src/symbolic/point.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { proofs } from '../../src/claims/paper/proofs.js';
import { specOf } from '../helpers/catalogue.js';

vi.mock('../../src/symbolic/interval/prove.js', async (original) => {
  const m = await original<typeof import('../../src/symbolic/interval/prove.js')>();
  return { ...m, prove: vi.fn(m.prove) };
});
const proofCalls = () => vi.mocked(prove).mock.calls.length;
beforeEach(() => { vi.mocked(prove).mockClear(); });

// d_w = σ(−u) − 1.1·0.8·σ(−1.1u) > 0 everywhere, but interval bounds of the two σ overlap on wide boxes: the
// proof needs hundreds of boxes, so a 1 ms budget cuts it off.
const HARD = ['--m', 'logsigmoid(a) - 0.8*logsigmoid(1.1*a)'];

describe('--budget', () => {
  it('a proof the budget cuts off is UNDECIDED and the output says the time budget ran out', async () => {
    const r = await runCli(['derive', ...HARD, '--budget', '1']);
    expect(r.code).toBe(0);
    const proofsText = r.stdout.slice(r.stdout.indexOf('Direction proofs'));
    expect(proofsText).toMatch(/d_w > 0: UNDECIDED .*the time budget ran out \(--budget\)/);
    expect(proofsText).toMatch(/d_l > 0: UNDECIDED .*the time budget ran out \(--budget\)/);
    expect(proofsText).not.toMatch(/PROVED|REFUTED/);
    const j = JSON.parse((await runCli(['derive', ...HARD, '--budget', '1', '--json'])).stdout);
    for (const p of j.audit.proofs) for (const w of [p.dW, p.dL]) expect([w.status, w.stopped]).toEqual(['undecided', 'time']);
  });
  it('an audit the clock stops says after how many of its samples', () => {
    const c = compileDerivation(mustDerive(specOf('dpo')));
    const a = directionAudit(c, { samples: 4000, seed: 1, deadline: performance.now() - 1, budgetMs: 7 });
    expect(a.drawn).toBe(64);
    expect(a.findings.at(-1)).toBe('The audit stopped after 64 of its 4000 samples: its time budget (a share of --budget 7 ms) ran out; the counts above rest on those 64.');
    expect(directionAudit(c, { samples: 4000, seed: 1 }).findings.join(' ')).not.toContain('stopped');
  });
  it('without a budget (the library default) nothing is cut off: the same answer on any machine', () => {
    const a = analyse(specOf('dpo'));
    expect(a.ok && a.value.audit.drawn).toBe(4000);
    expect(a.ok && a.value.proofs!.every((p) => p.dW.result.stopped === undefined && p.dL.result.stopped === undefined)).toBe(true);
  });
});

describe('derive skips the sampled audit when the proofs decide every sign (its default, without --samples)', () => {
  it('DPO: both weights PROVED positive on the whole domain, no point drawn, and the output says why', async () => {
    const r = await runCli(['derive', 'dpo']);
    expect(r.stdout).toContain('Direction audit: not run.');
    expect(r.stdout).toMatch(/d_w > 0: PROVED\n\s+d_l > 0: PROVED/);
    const j = JSON.parse((await runCli(['derive', 'dpo', '--json'])).stdout);
    expect([j.audit.skipped, j.audit.drawn, j.audit.proofs[0].dW.status, j.audit.proofs[0].dL.status]).toEqual(['proved', 0, 'proved', 'proved']);
  });
  it('IPO: d_w > 0 is refuted, so the audit runs in full and the proofs get its witnesses', async () => {
    const j = JSON.parse((await runCli(['derive', 'ipo', '--json'])).stdout);
    expect([j.audit.skipped, j.audit.drawn]).toEqual([null, 4000]);
    expect(j.audit.dW.negative).toBeGreaterThan(0);
    expect(j.audit.proofs[0].dW.status).toBe('refuted');
  });
  it('an explicit --samples always draws; the library default always draws (the docs keep their counts)', async () => {
    const j = JSON.parse((await runCli(['derive', 'dpo', '--json', '--samples', '300'])).stdout);
    expect([j.audit.skipped, j.audit.drawn]).toEqual([null, 300]);
    const a = analyse(specOf('simpo'));
    expect(a.ok && [a.value.audit.skipped, a.value.audit.drawn]).toEqual([undefined, 4000]);
  });
  it('the quick proofs that let the audit go are the full prover\'s verdicts (same status for every catalogue loss they prove)', () => {
    for (const id of ['dpo', 'simpo', 'cpo', 'rrhf', 'slic-hf', 'ipo', 'sppo']) {
      const quick = analyse(specOf(id), { audit: 'unless-proved' });
      const full = analyse(specOf(id));
      if (!quick.ok || !full.ok) throw new Error(id);
      if (quick.value.audit.skipped) {
        expect(full.value.proofs!.map((p) => [p.dW.result.status, p.dL.result.status]), id).toEqual(quick.value.proofs!.map(() => ['proved', 'proved']));
      } else expect(quick.value.audit.drawn, id).toBe(4000);
    }
  });
});

describe('--no-prove', () => {
  it('derive runs no proof, says so, and its JSON has no proofs', async () => {
    const r = await runCli(['derive', 'dpo', '--no-prove']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Direction proofs: not run (--no-prove).');
    expect(r.stdout).toContain('Direction audit');
    expect(proofCalls()).toBe(0);
    expect(JSON.parse((await runCli(['derive', 'dpo', '--no-prove', '--json'])).stdout).audit.proofs).toBeNull();
    await runCli(['derive', 'dpo']);
    expect(proofCalls()).toBeGreaterThan(0); // the spy sees the proofs when they run
  });
  it("the audit's proof claims are UNDECIDED, not proved, when the proofs are skipped", async () => {
    const v = await proofs[0].check({ seed: 1, samples: 10, time: { prove: false } });
    expect(v.status).toBe('undecided');
    expect(v.summary).toContain('--no-prove');
    expect(proofCalls()).toBe(0);
  });
});

describe('table runs only what its format shows', () => {
  const specs = [specOf('dpo'), specOf('slic-hf'), specOf('simpo')];
  it.each(['md', 'latex', 'json', 'html'] as const)('--format %s: no proof call (no table cell shows a proof)', (format) => {
    renderTable(specs, { kind: 'rows', format, columns: [...DEFAULT_COLUMNS] });
    renderTable(specs, { kind: 'cases', format, columns: [...DEFAULT_COLUMNS] });
    expect(proofCalls()).toBe(0);
  });
  it('the HTML derivation pages show the proofs and run them (--no-prove: not)', () => {
    htmlSideFiles(specs, {}, 'table.html');
    expect(proofCalls()).toBeGreaterThan(0);
    vi.mocked(prove).mockClear();
    htmlSideFiles(specs, { time: { prove: false } }, 'table.html');
    expect(proofCalls()).toBe(0);
  });
  it('the CLI: table --format md of a literature loss makes no proof call', async () => {
    const r = await runCli(['table', '--format', 'md', '--file', 'test/fixtures/literature/dpo-shift.yaml']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('DPO-Shift');
    expect(proofCalls()).toBe(0);
  });
});
