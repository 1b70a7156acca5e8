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
import { RANKED_CATALOGUE } from '../../src/loss/catalogue/index.js';
import { checkLoss } from '../../src/loss/check.js';
import { fromCatalogue } from '../../src/loss/file.js';
import { rankedSymbols } from '../../src/loss/ranked.js';
import { texNames } from '../../src/report/notation.js';
import { deriveRanked } from '../../src/symbolic/ranked.js';

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

/** The weight d_k of a one-regime ranked catalogue loss in the table's LaTeX, its text parsed back and checked against −∂L/∂logp_k. */
function checkedRankedWeight(id: string, k: number): string {
  const r = checkLoss(fromCatalogue(RANKED_CATALOGUE.find((e) => e.id === id)!));
  if (!r.ok) throw new Error(id);
  const spec = r.value, K = spec.ranked!.K;
  const d = deriveRanked(spec);
  if (!d.ok) throw new Error(id);
  expect(d.value.regimes).toHaveLength(1);
  const e = d.value.regimes[0].d[k - 1];
  const back = parseExpression(toText(e), { slot: 'printed', symbols: rankedSymbols(K, spec.source.params) });
  if (!back.ok) throw new Error(back.errors[0].message);
  const f = compile(back.value), L = compile(spec.ranked!.L);
  const rng = makeRng(5);
  const params = Object.fromEntries(Object.entries(spec.source.params).map(([n, p]) => [n, p.default]));
  for (let i = 0; i < 20; i++) {
    const env: Record<string, number> = { ...params };
    for (let j = 1; j <= K; j++) { env[`logp_${j}`] = -1 - 20 * rng.next(); env[`c_ref_${j}`] = -1 - 20 * rng.next(); env[`len_${j}`] = 1; }
    const name = `logp_${k}`, h = 1e-6 * Math.abs(env[name]);
    const fd = -(L({ ...env, [name]: env[name] + h }) - L({ ...env, [name]: env[name] - h })) / (2 * h);
    expect(Math.abs(f(env) - fd), `${id} d_${k} at ${JSON.stringify(env)}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(fd)));
  }
  return toTex(e, texNames(spec));
}

describe('printed weights of a loss over ranked responses, pinned and checked', () => {
  it('Plackett–Luce DPO (3 responses): d_1 and d_3, with response k as log π_k and c^k_ref', () => {
    expect(checkedRankedWeight('plackett-luce-dpo', 1)).toMatchInlineSnapshot(`"\\beta - \\frac{\\beta e^{\\beta \\left(\\log\\pi_{1} - c^{1}_{\\mathrm{ref}}\\right)}}{\\left(e^{\\beta \\left(\\log\\pi_{1} - c^{1}_{\\mathrm{ref}}\\right)} + e^{\\beta \\left(\\log\\pi_{2} - c^{2}_{\\mathrm{ref}}\\right)} + e^{\\beta \\left(\\log\\pi_{3} - c^{3}_{\\mathrm{ref}}\\right)}\\right)}"`);
    expect(checkedRankedWeight('plackett-luce-dpo', 3)).toMatchInlineSnapshot(`"-\\frac{\\beta e^{\\beta \\left(\\log\\pi_{3} - c^{3}_{\\mathrm{ref}}\\right)}}{\\left(e^{\\beta \\left(\\log\\pi_{1} - c^{1}_{\\mathrm{ref}}\\right)} + e^{\\beta \\left(\\log\\pi_{2} - c^{2}_{\\mathrm{ref}}\\right)} + e^{\\beta \\left(\\log\\pi_{3} - c^{3}_{\\mathrm{ref}}\\right)}\\right)} - \\beta \\sigma\\left(\\beta \\left(\\log\\pi_{3} - c^{3}_{\\mathrm{ref}}\\right) - \\beta \\left(\\log\\pi_{2} - c^{2}_{\\mathrm{ref}}\\right)\\right)"`);
  });
});
