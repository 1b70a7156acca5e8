// Λ_l, the rejected-side regulariser: L = −(m(u) + Λ_w(logp_w) + Λ_l(logp_l)), so d_l = m′(u)·h_l′ − Λ_l′.
// Written in a spec file (Lambda_l; Lambda_w as Lambda's other name) or inline (--Lambda-l); a slot that
// names the other side's log-probability is told which slot can, located in the file's own coordinates.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inlineLoss, loadSpecFile } from '../../src/loss/file.js';
import { lossFromArgs } from '../../src/cli/load.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { compileDerivation, completePoint, evaluateAt } from '../../src/symbolic/point.js';
import { derivativeLaw } from '../../src/symbolic/laws.js';
import { derivationJson } from '../../src/report/derivation.js';
import { deriveSchema } from '../../src/report/schema/derive.js';
import type { LossSpec } from '../../src/loss/types.js';

const dir = mkdtempSync(join(tmpdir(), 'marginlab-sided-'));
const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
function must<T>(r: { ok: true; value: T } | { ok: false; errors?: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}
const weightsAt = (spec: LossSpec, at: Record<string, number>) => {
  const d = mustDerive(spec);
  return must(evaluateAt(compileDerivation(d), must(completePoint(d, at))));
};

// DPO plus an unlikelihood-style pull on the rejected response: Λ_l(a) = −λ·a adds +λ to d_l.
const dpoPlusRejected = must(inlineLoss({ m: 'logsigmoid(a)', hw: 'beta*a', hl: 'beta*a', Lambda_l: '-lambda*a', params: { beta: 0.1, lambda: 0.5 } }));

describe('Λ_l in the derivation', () => {
  it('d_l = m′(u)·h_l′(logp_l) − Λ_l′(logp_l): DPO’s weight plus λ', () => {
    const at = { logp_w: -12, logp_l: -15 };
    const sigma = 1 / (1 + Math.exp(-0.1 * (-15 + 12)));
    const e = weightsAt(dpoPlusRejected, at);
    expect(e.dW).toBeCloseTo(0.1 * sigma, 12);
    expect(e.dL).toBeCloseTo(0.1 * sigma + 0.5, 12);
    // L itself carries the term: −logsigmoid(0.1·(−12 + 15)) + 0.5·(−15).
    expect(e.L).toBeCloseTo(Math.log1p(Math.exp(-0.3)) - 7.5, 12);
  });

  it('d_w and d_l agree with finite differences of L at many points (the law the property suite runs)', () => {
    const calDpo = must(inlineLoss({ m: 'logsigmoid(a)', hw: 'a - c_ref_w', hl: 'a - c_ref_l',
      Lambda: '-(a - c_ref_w - 1/(2*beta))^2', Lambda_l: '-(a - c_ref_l + 1/(2*beta))^2', params: { beta: 0.1 } }));
    const d = mustDerive(calDpo);
    const c = compileDerivation(d);
    let passed = 0;
    for (let i = 0; i < 50; i++) {
      const p = must(completePoint(d, { logp_w: -1 - (i * 7) % 23, logp_l: -2 - (i * 11) % 19, c_ref_w: -3 - (i % 5), c_ref_l: -4 - (i % 7) }));
      const law = derivativeLaw(c, p.values);
      expect(law.status, JSON.stringify(law)).not.toBe('fail');
      if (law.status === 'pass') passed++;
    }
    expect(passed).toBeGreaterThan(40);
  });

  it('the derive JSON carries the Λ_l slot and validates against the schema', () => {
    const j = derivationJson(mustDerive(dpoPlusRejected));
    expect(j.loss.slots.Lambda_l).toMatchObject({ source: '-lambda*a', text: '-lambda*a' });
    expect(deriveSchema.safeParse(JSON.parse(JSON.stringify(j))).success).toBe(true);
  });
});

describe('Λ_l in spec files and on the command line', () => {
  it('Lambda_l in a file; Lambda_w is Lambda by another name', async () => {
    const viaW = must(await loadSpecFile(file('w.yaml', 'name: x\nparams: {beta: 0.1}\nm: logsigmoid(a)\nh_w: beta*a\nh_l: beta*a\nLambda_w: 0.2*a\nLambda_l: -0.3*a\n')));
    const viaL = must(await loadSpecFile(file('l.yaml', 'name: x\nparams: {beta: 0.1}\nm: logsigmoid(a)\nh_w: beta*a\nh_l: beta*a\nLambda: 0.2*a\nLambda_l: -0.3*a\n')));
    const at = { logp_w: -3, logp_l: -4 };
    const a = weightsAt(viaW, at), b = weightsAt(viaL, at);
    expect([a.dW, a.dL]).toEqual([b.dW, b.dL]);
    expect(a.dW - a.dL).toBeCloseTo(0.2 - 0.3, 12);
  });

  it('Lambda and Lambda_w together are refused', async () => {
    const r = await loadSpecFile(file('both.yaml', 'name: x\nm: logsigmoid(a)\nh_w: a\nh_l: a\nLambda: a\nLambda_w: a\n'));
    expect(r).toFailWith('E_SPEC', { slot: 'Lambda_w', line: 6 });
  });

  it('--Lambda-l makes an inline loss with a rejected-side term', async () => {
    const spec = must(await lossFromArgs(undefined, { m: 'logsigmoid(a)', hw: 'beta*a', hl: 'beta*a', LambdaL: '-lambda*a', param: ['beta=0.1', 'lambda=0.5'] }));
    const e = weightsAt(spec, { logp_w: -12, logp_l: -15 });
    expect(e.dL - e.dW).toBeCloseTo(0.5, 12);
  });
});

describe('a slot that names the other side says which slot can', () => {
  it("logp_l in Lambda: use Lambda_l or L; line and column are the file's", async () => {
    // The value starts at column 11 (three spaces after the key); logp_l is its third character.
    const p = file('cal.yaml', 'name: Cal-DPO try\nparams:\n  beta: 0.1\nm: logsigmoid(a)\nh_w: a - c_ref_w\nh_l: a - c_ref_l\nLambda:   -(logp_l - c_ref_l)^2\n');
    const r = await loadSpecFile(p);
    expect(r).toFailWith('E_UNKNOWN_SYMBOL', { file: p, slot: 'Lambda', line: 7, column: 13, symbol: 'logp_l' });
    if (!r.ok) expect(r.errors[0].hint).toMatch(/use Lambda_l, or write the whole loss as L/);
  });

  it('a quoted value counts its quote; a value on its own line is located there', async () => {
    const quoted = await loadSpecFile(file('q.yaml', 'name: x\nm: "logsigmoid(a)"\nh_w: "a + logp_l"\nh_l: a\n'));
    expect(quoted).toFailWith('E_UNKNOWN_SYMBOL', { slot: 'h_w', line: 3, column: 11 });
    if (!quoted.ok) expect(quoted.errors[0].hint).toMatch(/use h_l or Lambda_l/);
    const nextLine = await loadSpecFile(file('n.yaml', 'name: x\nm:\n    logsigmoid(a) + bta\nh_w: a\nh_l: a\n'));
    expect(nextLine).toFailWith('E_UNKNOWN_SYMBOL', { slot: 'm', line: 3, column: 21 });
  });

  it('logp_w in Lambda_l, and either log-probability in m', () => {
    const side = inlineLoss({ m: 'logsigmoid(a)', Lambda_l: '0.1*logp_w' });
    expect(side).toFailWith('E_UNKNOWN_SYMBOL', { slot: 'Lambda_l', column: 5 });
    if (!side.ok) expect(side.errors[0].hint).toMatch(/Lambda_l sees only logp_l; use Lambda, or write the whole loss as L/);
    const inM = inlineLoss({ m: 'logsigmoid(a) + logp_l' });
    if (inM.ok) throw new Error('expected a refusal');
    expect(inM.errors[0].hint).toMatch(/m receives the margin .* use h_l or Lambda_l/);
    const own = inlineLoss({ m: 'logsigmoid(a)', hw: 'logp_w' });
    if (own.ok) throw new Error('expected a refusal');
    expect(own.errors[0].hint).toBe("h_w receives logp_w as its argument: write 'a'");
  });
});
