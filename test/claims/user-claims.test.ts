// Claims files: a designer's own claims, checked like the paper's; wrong claims are refuted (exit 1).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadClaimsFile } from '../../src/claims/user.js';
import { runClaims } from '../../src/claims/run.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'marginlab-claims-'));
const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };

const good = file('simpo.yaml', `loss: simpo
samples: 300
claims:
  - id: ratio
    ratio: len_l/len_w
  - id: weights-non-negative
    holds: dW >= 0 and dL >= 0
  - id: shorter-winner-rises-easier
    holds: ratio > 1
    assuming: len_w < len_l
  - id: chosen-rises
    direction: chosen-up
    whenever: inner <= normW2*len_l/len_w
`);
const bad = file('wrong.yaml', `loss: simpo
samples: 300
claims:
  - id: ratio-is-one
    ratio: "1"
  - id: chosen-rises-dpo-condition
    direction: chosen-up
    whenever: inner <= normW2
`);

describe('claims files', () => {
  it('true claims are verified', async () => {
    const f = await loadClaimsFile(good);
    expect(f.ok).toBe(true);
    if (!f.ok) return;
    const res = await runClaims(f.value.claims, { seed: 3, samples: 300 });
    // The ratio claim is decided symbolically now (d_w/d_l − len_l/len_w simplifies to 0): proved, not only sampled.
    expect(res.map((r) => r.verdict.status)).toEqual(['proved', 'proved', 'needs-assumption', 'verified-first-order']);
  });
  it('false claims are refuted with a counterexample', async () => {
    const f = await loadClaimsFile(bad);
    if (!f.ok) throw new Error('load');
    const res = await runClaims(f.value.claims, { seed: 3, samples: 300 });
    expect(res.map((r) => r.verdict.status)).toEqual(['refuted', 'refuted']);
    expect(res[0].verdict.evidence.worst).toBeDefined();
  });
  it('marginlab audit --claims exits 1 on a refuted claim, 0 otherwise', async () => {
    expect((await runCli(['audit', '--claims', good])).code).toBe(0);
    expect((await runCli(['audit', '--claims', bad])).code).toBe(1);
  });
  it('trl-config: names the loss a TRL config trains, beside the claims file (as --trl-config maps it)', async () => {
    file('mpo-args.json', JSON.stringify({ loss_type: ['sigmoid', 'bco_pair', 'sft'], loss_weights: [0.8, 0.2, 1.0], per_device_train_batch_size: 1, beta: 0.1 }));
    const p = file('trl-claims.yaml', `trl-config: mpo-args.json
samples: 300
claims:
  - id: weights-never-negative
    holds: dW >= 0 and dL >= 0
  - id: chosen-pushed-up
    holds: dW > 0
`);
    const f = await loadClaimsFile(p);
    if (!f.ok) throw new Error(f.errors[0].message);
    expect(f.value.loss).toBe('trl/dpo:sigmoid+bco_pair+sft from trl-config mpo-args.json');
    const res = await runClaims(f.value.claims, { seed: 3, samples: 300 });
    // Claims range over the params' declared domain, loss_weights included: with every weight 0 nothing pushes.
    expect(res.map((r) => r.verdict.status)).toEqual(['proved', 'refuted']);
    const both = await loadClaimsFile(file('both.yaml', 'loss: dpo\ntrl-config: mpo-args.json\nclaims:\n  - id: x\n    holds: dW > 0\n'));
    expect(!both.ok && both.errors[0].code).toBe('E_SPEC');
    const outside = await loadClaimsFile(file('outside.yaml', 'trl-config: ../elsewhere/args.json\nclaims:\n  - id: x\n    holds: dW > 0\n'));
    expect(!outside.ok && outside.errors[0].code).toBe('E_FILE');
  });
  it('bad claims files are exit 2 with a located error', async () => {
    const p = file('broken.yaml', 'loss: simpo\nclaims:\n  - id: x\n    ratio: len_l/lenw\n');
    const r = await runCli(['audit', '--claims', p]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_UNKNOWN_SYMBOL');
    expect(r.stderr).toContain("did you mean 'len_w'");
  });
});
