// --trl-config: a TRL config mapped to the TRL entry it trains, and the options with no per-pair meaning refused.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configOf, loadTrlConfig, mapTrlConfig } from '../../src/loss/trl-config.js';
import { findEntry } from '../../src/loss/catalogue/index.js';
import { runCli } from '../helpers/cli.js';

const idOf = (c: unknown, o = {}) => { const r = mapTrlConfig(c, o); return r.ok ? r.value.entry.id : `refused ${r.errors[0].at?.symbol}`; };

describe('mapTrlConfig', () => {
  it('maps each trainer\'s config to its entry, with its values as params', () => {
    expect(idOf({})).toBe('trl/dpo:sigmoid');
    expect(idOf({ loss_type: ['ipo'], beta: 0.3 })).toBe('trl/dpo:ipo');
    expect(idOf({ loss_type: 'hinge', f_divergence_type: 'js_divergence' })).toBe('trl/dpo:hinge@js_divergence');
    expect(idOf({ loss_type: ['sft'], f_divergence_type: 'forward_kl', per_device_train_batch_size: 1 })).toBe('trl/dpo:sft');
    expect(idOf({ loss_type: 'aot_unpaired', per_device_train_batch_size: 1 })).toBe('trl/dpo:aot');
    expect(idOf({ loss_type: 'simpo', cpo_alpha: 0 })).toBe('trl/cpo:simpo');
    expect(idOf({ loss_type: 'simpo', cpo_alpha: 0, alpha: 0.3 })).toBe('trl/cpo:alphapo');
    expect(idOf({ beta: 0.2 }, { orpo: true })).toBe('trl/orpo');
    const r = mapTrlConfig({ loss_type: ['ipo'], beta: 0.3, learning_rate: 1e-6 });
    expect(r.ok && r.value.params).toEqual({ beta: 0.3 });
    expect(r.ok && r.value.said).toBe('read as DPOConfig, loss_type=ipo: trl/dpo:ipo with beta=0.3');
    // KTO's and BCO's configs: their own options (or KTO's loss types) mark them; the batch statistics are said.
    expect(idOf({ loss_type: 'kto' })).toBe('trl/kto:kto');
    expect(idOf({ loss_type: 'apo_zero_unpaired', beta: 0.2 })).toBe('trl/kto:apo_zero_unpaired');
    const k = mapTrlConfig({ desirable_weight: 1.33, undesirable_weight: 1, beta: 0.05, max_length: 512 });
    expect(k.ok && k.value.params).toEqual({ desirable_weight: 1.33, undesirable_weight: 1, beta: 0.05 });
    expect(k.ok && k.value.said).toMatch(/^read as KTOConfig, loss_type=kto \(z_ref is the batch's KL estimate: give it with --at z_ref=…\): trl\/kto:kto with /);
    expect(k.ok && configOf(k.value)).toMatchObject({ loss_type: 'kto', desirable_weight: 1.33 });
    const b = mapTrlConfig({ prompt_sample_size: 1024, beta: 0.3 });
    expect(b.ok && b.value.entry.id).toBe('trl/bco');
    expect(b.ok && b.value.params).toEqual({ beta: 0.3 });
    expect(b.ok && b.value.said).toMatch(/BCOConfig without distribution matching \(delta is the running reward mean/);
  });
  it.each([
    [{ ld_alpha: 0.5 }, 'ld_alpha'],
    [{ use_weighting: true }, 'use_weighting'],
    [{ loss_type: ['aot'] }, 'loss_type'],
    [{ loss_type: ['sft'], per_device_train_batch_size: 4 }, 'loss_type'],
    [{ loss_type: ['sigmoid', 'sft'], loss_weights: [1, 1] }, 'loss_type'],
    [{ loss_type: ['nca_pair'], f_divergence_type: 'forward_kl' }, 'f_divergence_type'],
    [{ loss_type: ['exo_pair'] }, 'label_smoothing'],
    [{ desirable_weight: 1, loss_type: 'sigmoid' }, 'loss_type'],
    [{ prompt_sample_size: 1024, loss_type: 'sigmoid' }, 'loss_type'],
    [{ prompt_sample_size: 1024, loss_type: 'kto' }, 'loss_type'],
    [{ loss_type: 'hinge', alpha: 0.2 }, 'alpha'],
    [{ loss_type: ['bogus'] }, 'loss_type'],
  ])('refuses %j at %s, with the reason', (cfg, option) => {
    const r = mapTrlConfig(cfg);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors[0].code).toBe('E_UNSUPPORTED');
      expect(r.errors[0].at).toMatchObject({ slot: '--trl-config', symbol: option });
      expect(r.errors[0].message.length).toBeGreaterThan(30);
    }
  });
  it('maps a loss-type list with loss_weights to the mixture Σ w_i·L_i, its weights the params w_1 … w_n', () => {
    const mpo = mapTrlConfig({ loss_type: ['sigmoid', 'bco_pair', 'sft'], loss_weights: [0.8, 0.2, 1.0], per_device_train_batch_size: 1, beta: 0.2 });
    expect(mpo.ok && mpo.value.entry.id).toBe('trl/dpo:sigmoid+bco_pair+sft');
    expect(mpo.ok && mpo.value.params).toEqual({ w_1: 0.8, w_2: 0.2, w_3: 1, beta: 0.2 });
    expect(mpo.ok && configOf(mpo.value)).toMatchObject({ loss_type: ['sigmoid', 'bco_pair', 'sft'], loss_weights: [0.8, 0.2, 1], beta: 0.2 });
    // TRL's default weights are 1 each; a divergence applies to every term.
    const two = mapTrlConfig({ loss_type: ['sigmoid', 'ipo'], f_divergence_type: 'forward_kl' });
    expect(two.ok && [two.value.entry.id, two.value.params]).toEqual(['trl/dpo:sigmoid+ipo@forward_kl', { w_1: 1, w_2: 1 }]);
    // By id, as every command names a loss.
    expect(findEntry('trl/dpo:sigmoid+ipo@forward_kl')?.L).toBe(two.ok && two.value.entry.L);
    expect(findEntry('trl/dpo:sigmoid+bogus')).toBeUndefined();
  });
  it('the MPO list is the catalogue\'s mpo (written apart from it) at δ = 0', async () => {
    const at = ['--at', 'logp_w=-12,logp_l=-15,c_ref_w=-11,c_ref_l=-14,len_w=10,len_l=12', '--json'];
    const list = JSON.parse((await runCli(['eval', 'trl/dpo:sigmoid+bco_pair+sft', '--param', 'w_1=0.8', '--param', 'w_2=0.2', ...at])).stdout);
    const mpo = JSON.parse((await runCli(['eval', 'mpo', ...at])).stdout);
    expect(list.dW).toBeCloseTo(mpo.dW, 14);
    expect(list.dL).toBeCloseTo(mpo.dL, 14);
  });
  it.each([
    [{ loss_type: ['sigmoid', 'ipo'], loss_weights: [1] }, 'loss_weights'],
    [{ loss_type: ['sigmoid', 'ipo'], loss_weights: [1, 'x'] }, 'loss_weights'],
    [{ loss_type: ['sigmoid', 'nca_pair'], f_divergence_type: 'js_divergence' }, 'f_divergence_type'],
    [{ loss_type: ['sigmoid', 'bogus'] }, 'loss_type'],
  ])('refuses the list %j at %s', (cfg, option) => {
    const r = mapTrlConfig(cfg);
    expect(!r.ok && [r.errors[0].code, r.errors[0].at?.symbol]).toEqual(['E_UNSUPPORTED', option]);
  });
  it('refuses a value outside the entry\'s range as E_PARAM', () => {
    const r = mapTrlConfig({ loss_type: ['robust'], label_smoothing: 0.7 });
    expect(!r.ok && r.errors[0].code).toBe('E_PARAM');
  });
});

describe('--trl-config on the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marginlab-trl-config-'));
  const yaml = join(dir, 'dpo.yaml');
  writeFileSync(yaml, 'model_name_or_path: Qwen/Qwen2-0.5B\nloss_type: ipo\nbeta: 0.3\nlearning_rate: 5.0e-7\n');
  const json = join(dir, 'training_args.json');
  writeFileSync(json, JSON.stringify({ loss_type: ['sigmoid_norm'], f_divergence_type: 'reverse_kl', beta: 0.2, ld_alpha: null, use_weighting: false }));

  it('loads YAML and JSON into the entry, its params from the file, and says so', async () => {
    const s = await loadTrlConfig(yaml);
    expect(s.ok && s.value.source.id).toBe('trl/dpo:ipo');
    expect(s.ok && s.value.source.params.beta.default).toBe(0.3);
    expect(s.ok && s.value.source.notes?.[0]).toContain('read as DPOConfig, loss_type=ipo');
    const j = await loadTrlConfig(json);
    expect(j.ok && j.value.source.id).toBe('trl/dpo:sigmoid_norm');
  });
  it('eval, derive, classify and remedy take it; eval agrees with the entry at the config\'s beta', async () => {
    const at = ['--at', 'logp_w=-12,logp_l=-15,c_ref_w=-11,c_ref_l=-14,len_w=10,len_l=12', '--json'];
    const viaConfig = JSON.parse((await runCli(['eval', '--trl-config', yaml, ...at])).stdout);
    const direct = JSON.parse((await runCli(['eval', 'trl/dpo:ipo', '--param', 'beta=0.3', ...at])).stdout);
    expect(viaConfig.dW).toBeDefined();
    expect(viaConfig.dW).toBe(direct.dW);
    expect(viaConfig.dL).toBe(direct.dL);
    for (const cmd of [['derive'], ['classify', '--at', 'logp_w=-12,logp_l=-15,len_w=10,len_l=12', '--inner', '1', '--norm-w2', '2', '--norm-l2', '3'], ['remedy', '--at', 'logp_w=-12,logp_l=-15,len_w=10,len_l=12', '--inner', '1', '--norm-w2', '2', '--norm-l2', '3']]) {
      const r = await runCli([...cmd, '--trl-config', yaml]);
      expect(r.code, `${cmd[0]}: ${r.stderr}`).not.toBe(2);
    }
  });
  it('a refused option exits 2, coded, naming the file and the option', async () => {
    const bad = join(dir, 'ld.yaml');
    writeFileSync(bad, 'loss_type: sigmoid\nld_alpha: 0.5\n');
    const r = await runCli(['eval', '--trl-config', bad, '--at', 'logp_w=-1,logp_l=-2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_UNSUPPORTED');
    expect(r.stderr).toContain('ld_alpha');
  });
});
