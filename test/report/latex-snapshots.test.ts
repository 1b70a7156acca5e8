// Printed derivations as a reader sees them in a paper: the LaTeX of a few weights, pinned inline so a
// change to the printer shows in review, each beside a numeric check that the pinned mathematics is the
// loss's gradient — its text form (the same tree) parsed back, evaluated, and compared with central
// differences of L at sampled points.
import { describe, expect, it } from 'vitest';
import { parseExpression } from '../../src/loss/parse.js';
import { resultSymbols } from '../../src/loss/symbols.js';
import { samplePoint } from '../../src/symbolic/audit.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { compile } from '../../src/symbolic/evaluate.js';
import { rawLoss } from '../../src/symbolic/laws.js';
import { toTex, toText } from '../../src/symbolic/print.js';
import type { Expr } from '../../src/expr/expr.js';
import { makeRng } from '../../src/util/prng.js';
import { specOf } from '../helpers/catalogue.js';

/** The weight `which` of a one-regime catalogue loss, checked against −∂L/∂logp_w or ∂L/∂logp_l. */
function checkedWeight(id: string, which: 'dW' | 'dL'): Expr {
  const spec = specOf(id);
  const d = mustDerive(spec);
  expect(d.regimes).toHaveLength(1);
  const e = d.regimes[0][which];
  const back = parseExpression(toText(e), { slot: 'printed', symbols: resultSymbols(Object.keys(spec.source.params)) });
  if (!back.ok) throw new Error(back.errors[0].message);
  expect(toTex(back.value)).toBe(toTex(e));
  const f = compile(back.value), L = compile(rawLoss(d));
  const name = which === 'dW' ? 'logp_w' : 'logp_l', sign = which === 'dW' ? -1 : 1;
  const rng = makeRng(3);
  for (let i = 0; i < 20; i++) {
    const env = samplePoint(spec, rng);
    env.c_ref = env.c_ref_w - env.c_ref_l;
    const h = 1e-6 * Math.max(1, Math.abs(env[name]));
    const fd = (sign * (L({ ...env, [name]: env[name] + h }) - L({ ...env, [name]: env[name] - h }))) / (2 * h);
    const noise = (8 * Math.abs(L(env)) * Number.EPSILON) / h + 1e-9;
    expect(Math.abs(f(env) - fd), `${id} ${which} at ${JSON.stringify(env)}`).toBeLessThanOrEqual(1e-5 * Math.abs(fd) + noise);
  }
  return e;
}

describe('printed weights, pinned and checked', () => {
  it('DPO', () => {
    expect(toTex(checkedWeight('dpo', 'dW'))).toMatchInlineSnapshot(`"\\beta \\sigma\\left(\\beta c_{\\mathrm{ref}} + \\beta \\log\\pi_l - \\beta \\log\\pi_w\\right)"`);
    expect(toTex(checkedWeight('dpo', 'dL'))).toMatchInlineSnapshot(`"\\beta \\sigma\\left(\\beta c_{\\mathrm{ref}} + \\beta \\log\\pi_l - \\beta \\log\\pi_w\\right)"`);
  });
  it('SimPO', () => {
    expect(toTex(checkedWeight('simpo', 'dW'))).toMatchInlineSnapshot(`"\\frac{\\beta \\sigma\\left(\\frac{\\beta \\log\\pi_l}{|y_l|} + \\gamma - \\frac{\\beta \\log\\pi_w}{|y_w|}\\right)}{|y_w|}"`);
    expect(toTex(checkedWeight('simpo', 'dL'))).toMatchInlineSnapshot(`"\\frac{\\beta \\sigma\\left(\\frac{\\beta \\log\\pi_l}{|y_l|} + \\gamma - \\frac{\\beta \\log\\pi_w}{|y_w|}\\right)}{|y_l|}"`);
  });
  it('CPO (its Λ term in d_w only)', () => {
    expect(toTex(checkedWeight('cpo', 'dW'))).toMatchInlineSnapshot(`"\\beta \\sigma\\left(\\beta \\log\\pi_l - \\beta \\log\\pi_w\\right) + \\lambda"`);
    expect(toTex(checkedWeight('cpo', 'dL'))).toMatchInlineSnapshot(`"\\beta \\sigma\\left(\\beta \\log\\pi_l - \\beta \\log\\pi_w\\right)"`);
  });
  it('IPO', () => {
    expect(toTex(checkedWeight('ipo', 'dW'))).toMatchInlineSnapshot(`"2 c_{\\mathrm{ref}} + 2 \\log\\pi_l + \\frac{1}{\\beta} - 2 \\log\\pi_w"`);
  });
});
