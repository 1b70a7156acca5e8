// Section 3.2's statements, as the engine derives them. Each expectation below is the paper's claim;
// the value compared against it comes out of `derive`, never typed in. Where the engine disagrees
// with the paper, the test documents the disagreement instead of bending the engine.
import { describe, expect, it } from 'vitest';
import { specOf, expr } from '../helpers/catalogue.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { symbolsOf } from '../../src/expr/expr.js';
import { simplify } from '../../src/symbolic/simplify.js';
import { differentiate } from '../../src/symbolic/diff.js';
import { toText } from '../../src/symbolic/print.js';
import { compile } from '../../src/symbolic/evaluate.js';
import { compileDerivation } from '../../src/symbolic/point.js';
import { directionAudit } from '../../src/symbolic/audit.js';
import { makeRng } from '../../src/util/prng.js';

const SYMS = ['logp_w', 'logp_l', 'c_ref_w', 'c_ref_l', 'c_ref', 'len_w', 'len_l', 'z_ref', 'beta', 'gamma', 'lambda', 'lambda_w', 'lambda_l'];
const only = (id: string) => { const d = mustDerive(specOf(id)); expect(d.regimes).toHaveLength(1); return d.regimes[0]; };

describe('DPO: d_w/d_l = d_l/d_w = 1', () => {
  it('toHaveRatio: DPO 1, SimPO len_l/len_w, and CPO not 1', () => {
    expect('dpo').toHaveRatio('1');
    expect('simpo').toHaveRatio('len_l/len_w');
    expect('cpo').not.toHaveRatio('1');
  });
  it('the simplified ratio is the constant 1, both ways', () => {
    const r = only('dpo');
    expect(r.ratio && toText(r.ratio)).toBe('1');
    expect(r.invRatio && toText(r.invRatio)).toBe('1');
  });
});

describe('SimPO: d_w/d_l = |y_l|/|y_w|', () => {
  const r = only('simpo');
  it('the simplified ratio is len_l/len_w, structurally', () => {
    expect('simpo').toHaveRatio('len_l/len_w');
  });
  it('|y_w| > |y_l| ⇒ d_w/d_l < 1 and |y_w| < |y_l| ⇒ d_w/d_l > 1', () => {
    const f = compile(r.ratio!);
    expect(f({ len_w: 40, len_l: 20 })).toBeLessThan(1);
    expect(f({ len_w: 20, len_l: 40 })).toBeGreaterThan(1);
  });
});

describe('CPO: d_w/d_l > 1 since Λ′ ≥ 0, and d_l is DPO\'s', () => {
  const cpo = only('cpo');
  it('ratio = 1 + λ/(β σ(·)): its excess over 1 is positive at every sampled point', () => {
    const excess = compile(simplify(expr(`${toText(cpo.ratio!)} - 1`, SYMS)));
    const rng = makeRng(3);
    for (let i = 0; i < 500; i++) {
      const env = { logp_w: -50 * rng.next(), logp_l: -50 * rng.next(), beta: 0.01 + rng.next(), lambda: 0.01 + 10 * rng.next() };
      expect(excess(env)).toBeGreaterThan(0);
    }
  });
  it('d_l equals DPO\'s d_l when the reference is dropped (c_ref = 0)', () => {
    const dpo = only('dpo');
    const a = compile(cpo.dL), b = compile(dpo.dL);
    const env = { logp_w: -12, logp_l: -15, beta: 0.1, lambda: 1, c_ref: 0 };
    expect(a(env)).toBeCloseTo(b(env), 14);
  });
});

describe('KTO: d_w/d_l ∝ λ_w/λ_l', () => {
  const r = only('kto');
  it('ratio·λ_l/λ_w does not depend on λ_w or λ_l (its derivatives in them simplify to 0)', () => {
    const scaled = simplify(expr(`(${toText(r.ratio!)}) * lambda_l / lambda_w`, SYMS));
    expect(toText(differentiate(scaled, 'lambda_w'))).toBe('0');
    expect(toText(differentiate(scaled, 'lambda_l'))).toBe('0');
    expect(symbolsOf(scaled).has('lambda_w')).toBe(false);
  });
  it('at the reference start (c_ref = logp, z_ref = 0) the ratio is exactly λ_w/λ_l', () => {
    const f = compile(r.ratio!);
    expect(f({ logp_w: -12, logp_l: -15, c_ref_w: -12, c_ref_l: -15, z_ref: 0, beta: 0.1, lambda_w: 1.33, lambda_l: 1 })).toBeCloseTo(1.33, 12);
  });
});

describe('SPPO: the paper gives two different ratios; the engine agrees with appendix A.1', () => {
  const r = only('sppo');
  // A.1 analyses log π itself, i.e. c_ref_w = c_ref_l = 0.
  const f = compile(r.ratio!);
  const at = { logp_w: -12, logp_l: -15, c_ref_w: 0, c_ref_l: 0, beta: 0.002 };
  it('A.1: α = (β⁻¹ − log π_w)/(β⁻¹ + log π_l)', () => {
    const alpha = (1 / at.beta - at.logp_w) / (1 / at.beta + at.logp_l);
    expect(f(at)).toBeCloseTo(alpha, 12);
  });
  it('section 3.2 prints (β⁻¹ log π_w)/(β⁻¹ + log π_l) — a lost minus sign; the engine disagrees with it', () => {
    const printed = ((1 / at.beta) * at.logp_w) / (1 / at.beta + at.logp_l);
    expect(Math.abs(f(at) - printed)).toBeGreaterThan(1);
  });
  it('"α > 1" holds only while β⁻¹ + log π_l > 0: past it d_l < 0 and the audit finds the witness', () => {
    expect(f({ ...at, logp_l: -600 })).toBeLessThan(0);
    const audit = directionAudit(compileDerivation(mustDerive(specOf('sppo'))), { samples: 4000, seed: 5 });
    expect(audit.dL.negative).toBeGreaterThan(0);
    const w = audit.dL.witness!.values;
    expect(1 / w.beta + w.logp_l - w.c_ref_l).toBeLessThan(0);
  });
});

describe('explicit regularisation pushes the chosen up: d_w > 0 wherever the audit looks', () => {
  it.each(['cpo', 'rrhf', 'slic-hf', 'dpop'])('%s', (id) => {
    const audit = directionAudit(compileDerivation(mustDerive(specOf(id))), { samples: 3000, seed: 11 });
    expect(audit.dW.negative + audit.dW.zero).toBe(0);
  });
});
