// Example tests for derive.ts: where each slot's hinge boundary is placed, regime labels, the null
// ratio / invRatio of zero weights, deduplicated rules, and the 64-regime refusal.
import { describe, expect, it } from 'vitest';
import { inlineLoss } from '../../src/loss/file.js';
import { constraintText, derive, mustDerive } from '../../src/symbolic/derive.js';
import { compile } from '../../src/symbolic/evaluate.js';
import { toText } from '../../src/symbolic/print.js';
import { specOf } from '../helpers/catalogue.js';

const spec = (o: Parameters<typeof inlineLoss>[0]) => { const s = inlineLoss(o); if (!s.ok) throw new Error(s.errors[0].message); return s.value; };
const evalG = (g: Parameters<typeof compile>[0], logp_w: number, logp_l: number) => compile(g)({ logp_w, logp_l });

describe('boundary placement', () => {
  it('a hinge in Λ is placed at logp_w: Λ = max(a + 1, 0) splits at logp_w = −1', () => {
    const d = mustDerive(spec({ m: 'a', Lambda: 'max(a + 1, 0)' }));
    expect(d.regimes).toHaveLength(2);
    for (const r of d.regimes) {
      const [c] = r.constraints;
      expect(c.slot).toBe('Lambda');
      // g depends on logp_w only: g = logp_w + 1 (up to orientation of the side)
      expect(evalG(c.g, -3, 5)).toBe(evalG(c.g, -3, -7));
      expect(Math.abs(evalG(c.g, -3, 0))).toBe(2);
    }
    const above = d.regimes.find((r) => r.constraints[0].side === 'above')!;
    expect(toText(above.dW)).toBe('2'); // −∂/∂logp_w of −(u + logp_w + 1)
    expect(above.label).toBe('1 + logp_w > 0');
    // L = −(m(u) + Λ(logp_w)), in logp_w and logp_l only, per regime and with the hinge in place
    const L = (lw: number, ll: number) => -((lw - ll) + Math.max(lw + 1, 0));
    expect(compile(above.L)({ logp_w: -0.5, logp_l: -2 })).toBe(L(-0.5, -2));
    const below = d.regimes.find((r) => r.constraints[0].side === 'below')!;
    expect(compile(below.L)({ logp_w: -3, logp_l: -2 })).toBe(L(-3, -2));
    for (const [lw, ll] of [[-0.5, -2], [-3, -2]]) expect(compile(d.L)({ logp_w: lw, logp_l: ll })).toBe(L(lw, ll));
  });
  it('a hinge in h_l is placed at logp_l: h_l = max(a, −2); below the boundary d_l ≡ 0 and the ratio is null', () => {
    const d = mustDerive(spec({ m: 'a', hl: 'max(a, -2)' }));
    const below = d.regimes.find((r) => r.constraints[0].side === 'below')!;
    const above = d.regimes.find((r) => r.constraints[0].side === 'above')!;
    expect(below.label).toBe('2 + logp_l < 0');
    expect(above.label).toBe('2 + logp_l > 0');
    expect(evalG(below.constraints[0].g, 100, -5)).toBe(-3);
    expect(below.constraints[0].slot).toBe('h_l');
    expect(toText(below.dL)).toBe('0');
    expect(below.ratio).toBeNull();
    expect(below.invRatio && toText(below.invRatio)).toBe('0');
    expect(above.ratio && toText(above.ratio)).toBe('1');
  });
  it('a hinge in h_w is placed at logp_w, one in m at the margin u', () => {
    const dw = mustDerive(spec({ m: 'a', hw: 'relu(a + 3)' }));
    for (const r of dw.regimes) expect(Math.abs(evalG(r.constraints[0].g, -1, 42))).toBe(2);
    const dm = mustDerive(spec({ m: 'relu(1 - a)' }));
    const g = dm.regimes[0].constraints[0].g;
    expect(evalG(g, -1, -2)).toBe(evalG(g, 0, -1)); // depends on logp_w − logp_l only
    expect(dm.regimes.map((r) => r.label)).toEqual(['1 + logp_l - logp_w < 0', '1 + logp_l - logp_w > 0']);
    expect(dm.regimes.map((r) => r.index)).toEqual([0, 1]);
  });
  it('two hinges: each regime is labelled with both constraints', () => {
    const d = mustDerive(spec({ m: 'relu(a) + relu(a - 1)' }));
    expect(d.regimes).toHaveLength(4);
    for (const r of d.regimes) {
      expect(r.constraints).toHaveLength(2);
      expect(r.label.split(' and ').map((t) => t.slice(-3))).toEqual(r.constraints.map((c) => (c.side === 'above' ? '> 0' : '< 0')));
    }
  });
  it('constraintText: > for above, < for below', () => {
    const d = mustDerive(spec({ m: 'relu(1 - a)' }));
    const [c0, c1] = d.regimes.map((r) => r.constraints[0]);
    expect(c0.side).toBe('below');
    expect(constraintText(c0)).toBe('1 + logp_l - logp_w < 0');
    expect(constraintText(c1)).toBe('1 + logp_l - logp_w > 0');
  });
});

describe('weights, ratios and labels', () => {
  it('no hinge: one regime labelled "everywhere", ratio and invRatio present', () => {
    const d = mustDerive(specOf('dpo'));
    expect(d.regimes).toHaveLength(1);
    expect(d.regimes[0].label).toBe('everywhere');
    expect(d.regimes[0].constraints).toEqual([]);
    expect(d.regimes[0].ratio && toText(d.regimes[0].ratio)).toBe('1');
    expect(d.regimes[0].invRatio && toText(d.regimes[0].invRatio)).toBe('1');
  });
  it('d_l ≡ 0 (h_l = 0): ratio null, invRatio 0; d_w ≡ 0 (h_w = relu(a + 2) below −2): invRatio null, ratio 0', () => {
    const l0 = mustDerive(spec({ m: 'a', hl: '0' })).regimes[0];
    expect(toText(l0.dW)).toBe('1');
    expect(toText(l0.dL)).toBe('0');
    expect(l0.ratio).toBeNull();
    expect(l0.invRatio && toText(l0.invRatio)).toBe('0');
    const w0 = mustDerive(spec({ m: 'a', hw: 'relu(a + 2)' })).regimes.find((r) => r.constraints[0].side === 'below')!;
    expect(toText(w0.dW)).toBe('0');
    expect(toText(w0.dL)).toBe('1');
    expect(w0.invRatio).toBeNull();
    expect(w0.ratio && toText(w0.ratio)).toBe('0');
  });
  it('a flat regime: both weights 0, both ratios null', () => {
    const flat = mustDerive(spec({ m: 'relu(1 - a)' })).regimes.find((r) => r.constraints[0].side === 'below')!;
    expect(flat.ratio).toBeNull();
    expect(flat.invRatio).toBeNull();
  });
  it('rules are listed once each, across regimes and slots', () => {
    const d = mustDerive(spec({ m: 'logsigmoid(a) + relu(a - 1)', hw: 'exp(a)', hl: 'exp(a)' }));
    const names = d.rules.map((r) => r.rule);
    expect(names).toEqual(expect.arrayContaining(['logsigmoid', 'exp']));
    expect(new Set(names).size).toBe(names.length);
    for (const r of d.rules) expect(r.formula.length).toBeGreaterThan(0);
  });
});

describe('the regime limit', () => {
  const hinges = (n: number) => Array.from({ length: n }, (_, i) => `relu(a - ${i})`).join(' + ');
  it('six independent hinges give exactly 64 regimes', () => {
    const r = derive(spec({ m: hinges(6) }));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.regimes).toHaveLength(64);
  }, 60_000);
  it('seven are refused with E_UNSUPPORTED (derive) and an error (mustDerive)', () => {
    const r = derive(spec({ m: hinges(7) }));
    expect(r).toFailWith('E_UNSUPPORTED', { slot: 'm' });
    if (!r.ok) expect(r.errors[0].message).toMatch(/more than 64 regimes/);
    expect(() => mustDerive(spec({ m: hinges(7) }))).toThrow(/more than 64 regimes/);
  }, 60_000);
});
