// The spec language for K ranked responses: `responses: K` with L in logp_1 … logp_K; K out of range, a
// symbol past K, the two-response names and slots mixed in are coded errors located in the file; the
// two-response machinery (the trainer) refuses a ranked loss with E_UNSUPPORTED, never a crash.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpecFile } from '../../src/loss/file.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'marginlab-ranked-'));
const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
const PL3 = 'name: PL\nresponses: 3\nparams: {beta: 0.1}\nL: -logsigmoid(beta*(logp_1 - logp_2)) - logsigmoid(beta*(logp_2 - logp_3))\n';

describe('responses: K', () => {
  it('a three-response file loads, with L in logp_1 … logp_3 and where definitions', async () => {
    const r = await loadSpecFile(file('ok.yaml', 'name: PL\nresponses: 3\nwhere: {r1: logp_1 - c_ref_1}\nL: -logsigmoid(r1 - logp_2/len_2) - logsigmoid(logp_2 - logp_3)\n'));
    expect(r.ok && r.value.ranked?.K).toBe(3);
  });

  it('K outside 2 … 8, or not whole, is E_SPEC at the responses line', async () => {
    for (const K of ['1', '9', '2.5']) {
      expect(await loadSpecFile(file(`k${K}.yaml`, `name: x\nresponses: ${K}\nL: -logp_1\n`)), K).toFailWith('E_SPEC', { slot: 'responses', line: 2 });
    }
  });

  it('a symbol past K is E_UNKNOWN_SYMBOL at its line and column in the file, saying how many responses there are', async () => {
    const r = await loadSpecFile(file('past.yaml', 'name: x\nresponses: 3\nL: -logsigmoid(logp_1 - logp_4)\n'));
    expect(r).toFailWith('E_UNKNOWN_SYMBOL', { slot: 'L', symbol: 'logp_4', line: 3, column: 25 });
    if (!r.ok) expect(r.errors[0].hint).toMatch(/responses: 3.*logp_1 … logp_3/);
  });

  it('the two-response names and slots are refused: logp_w in L, and m beside L', async () => {
    const w = await loadSpecFile(file('w.yaml', 'name: x\nresponses: 2\nL: -logsigmoid(logp_w - logp_2)\n'));
    expect(w).toFailWith('E_UNKNOWN_SYMBOL', { slot: 'L', symbol: 'logp_w' });
    if (!w.ok) expect(w.errors[0].hint).toMatch(/two-response form/);
    expect(await loadSpecFile(file('m.yaml', 'name: x\nresponses: 3\nL: -logp_1\nm: logsigmoid(a)\n'))).toFailWith('E_SPEC', { slot: 'm', line: 4 });
    expect(await loadSpecFile(file('noL.yaml', 'name: x\nresponses: 3\n'))).toFailWith('E_SPEC', { slot: 'L' });
    expect(await loadSpecFile(file('flat.yaml', 'name: x\nresponses: 3\nL: c_ref_1*len_2\n'))).toFailWith('E_NO_DEPENDENCE', { slot: 'L' });
  });
});

describe('commands with a ranked loss', () => {
  it('eval --json prints weights d_1 … d_K (and no d_w/d_l); a two-response loss keeps dW/dL', async () => {
    const p = file('pl.yaml', PL3);
    const r = await runCli(['eval', p, '--at', 'logp_1=-1,logp_2=-2,logp_3=-4', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j.weights)).toEqual(['d_1', 'd_2', 'd_3']);
    expect(j.dW).toBeUndefined();
    const two = JSON.parse((await runCli(['eval', 'dpo', '--at', 'logp_w=-1,logp_l=-2', '--json'])).stdout);
    expect(typeof two.dW).toBe('number');
    expect(two.weights).toBeUndefined();
  });

  it('classify takes --gram (entries or a JSON file) and refuses --inner, a missing or non-PSD --gram, coded', async () => {
    const p = file('pl2.yaml', PL3);
    const at = ['--at', 'logp_1=-1,logp_2=-2,logp_3=-4'];
    const ok = await runCli(['classify', p, ...at, '--gram', '1,0,0,0,1,0,0,0,1', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).patterns).toHaveLength(8);
    const g = file('g.json', '[[1,0.2,0],[0.2,1,0],[0,0,1]]');
    expect((await runCli(['classify', p, ...at, '--gram', g])).code).toBe(0);
    for (const args of [[], ['--gram', '1,3,0,3,1,0,0,0,1'], ['--inner', '0.1', '--norm-w2', '1', '--norm-l2', '1']]) {
      const r = await runCli(['classify', p, ...at, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^E_(USAGE|POINT)/m);
    }
    // A two-response loss still needs --inner and refuses --gram.
    expect((await runCli(['classify', 'dpo', '--at', 'logp_w=-1,logp_l=-2', '--gram', '1,0,0,1'])).stderr).toMatch(/^E_USAGE/m);
    expect((await runCli(['classify', 'dpo', '--at', 'logp_w=-1,logp_l=-2'])).stderr).toMatch(/^E_USAGE.*--inner/m);
  });

  it('derive states each response’s condition', async () => {
    const r = await runCli(['derive', file('pl3.yaml', PL3)]);
    expect(r.code).toBe(0);
    for (const k of [1, 2, 3]) expect(r.stdout).toContain(`response ${k} rises iff G_${k}1*d_1 + G_${k}2*d_2 + G_${k}3*d_3 >= 0`);
  });

  it('verify refuses a ranked loss with E_UNSUPPORTED (its checks are a chosen/rejected pair\'s); table, sweep and train take it (test/report/table-ranked.test.ts, test/symbolic/ranked-sweep.test.ts, test/trainer/ranked-train.test.ts)', async () => {
    const p = file('pl4.yaml', PL3);
    for (const args of [['verify', 'taylor', '--loss', p], ['verify', 'cases', '--loss', p]]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^E_UNSUPPORTED .*ranks 3 responses/m);
    }
    // A ranked loss trains (test/trainer/ranked-train.test.ts), but not with ghost products.
    const r = await runCli(['train', '--loss', p, '--task', 'single', '--gram', 'ghost', '--out', join(dir, 'run')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^E_UNSUPPORTED: --gram ghost measures a chosen and a rejected row per pair/m);
    expect(existsSync(join(dir, 'run')), 'train wrote nothing').toBe(false);
  });
});
