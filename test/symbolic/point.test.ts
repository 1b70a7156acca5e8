// Evaluation at a point: defaults are reported, and every way of leaving the reals is a located error.
import { describe, expect, it } from 'vitest';
import { specOf } from '../helpers/catalogue.js';
import { inlineLoss } from '../../src/loss/file.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { compileDerivation, completePoint, evaluateAt } from '../../src/symbolic/point.js';
import type { LossSpec } from '../../src/loss/types.js';

function at(spec: LossSpec, values: Record<string, number>) {
  const d = mustDerive(spec);
  const p = completePoint(d, values);
  if (!p.ok) return p;
  return evaluateAt(compileDerivation(d), p.value);
}
const inline = (o: Parameters<typeof inlineLoss>[0]) => { const r = inlineLoss(o); if (!r.ok) throw new Error(r.errors[0].message); return r.value; };

describe('points', () => {
  it('defaults are filled (params, c_ref = logp, lengths, z_ref) and reported where the loss reads them', () => {
    const r = at(specOf('dpo'), { logp_w: -12, logp_l: -15 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const names = r.value.point.defaults.map((d) => d.name);
    expect(names.sort()).toEqual(['beta', 'c_ref_l', 'c_ref_w']); // DPO reads no length and no z_ref (issue 21)
    expect(r.value.point.values).toMatchObject({ len_w: 1, len_l: 1, z_ref: 0 });
    // At the reference, DPO's weights are β σ(0) = β/2.
    expect(r.value.dW).toBeCloseTo(0.05, 15);
    expect(r.value.ratio).toBe(1);
  });
  it('a point exactly on a regime boundary is E_ON_BOUNDARY', () => {
    const r = at(specOf('slic-hf'), { logp_w: -10, logp_l: -11 });
    expect(r).toFailWith('E_ON_BOUNDARY');
  });
  it('the regime in force is named off the boundary', () => {
    const r = at(specOf('slic-hf'), { logp_w: -10, logp_l: -10.5 });
    expect(r.ok && r.value.regime.label).toContain('> 0');
    if (r.ok) { expect(r.value.dW).toBe(2); expect(r.value.dL).toBe(1); }
  });
  it('division by zero at a point is E_DIV_ZERO, naming the subexpression', () => {
    const r = at(inline({ m: 'logsigmoid(a)', hw: 'a/(len_w - len_l)' }), { logp_w: -1, logp_l: -2 });
    expect(r).toFailWith('E_DIV_ZERO');
    if (!r.ok) expect(r.errors[0].message).toContain('len_w - len_l');
  });
  it('leaving a primitive\'s domain is E_DOMAIN', () => {
    const r = at(inline({ m: 'log(a)' }), { logp_w: -3, logp_l: -2 });
    expect(r).toFailWith('E_DOMAIN');
  });
  it('overflow is E_NON_FINITE, not a number', () => {
    const r = at(inline({ m: 'exp(exp(a))', hw: '-a' }), { logp_w: -800, logp_l: -1 });
    expect(r).toFailWith('E_NON_FINITE');
  });
  it('unknown names in the point get a did-you-mean; c_ref must come from its parts', () => {
    const d = mustDerive(specOf('dpo'));
    const r = completePoint(d, { logp_w: -1, logp_l: -2, bta: 1 });
    expect(!r.ok && r.errors[0].hint).toContain("'beta'");
    const c = completePoint(d, { logp_w: -1, logp_l: -2, c_ref: 1 });
    expect(!c.ok && c.errors[0].message).toContain('c_ref_w');
  });
});
