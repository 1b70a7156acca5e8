// The prover's known results (issue 10): what must come out proved does, the known counterexamples come
// out refuted with witnesses that really violate the claim, and a claim that fails only on a set of
// measure zero stays undecided rather than being proved.
import { describe, expect, it } from 'vitest';
import { CATALOGUE, specOf } from '../../helpers/catalogue.js';
import { mustDerive } from '../../../src/symbolic/derive.js';
import { proveDirections, proveSign, expandCref } from '../../../src/symbolic/interval/direction.js';
import { prove } from '../../../src/symbolic/interval/prove.js';
import { parseDomain } from '../../../src/symbolic/interval/domain.js';
import { compile } from '../../../src/symbolic/evaluate.js';
import { compileDerivation, regimeAt } from '../../../src/symbolic/point.js';
import { samplePoint } from '../../../src/symbolic/audit.js';
import { makeRng } from '../../../src/util/prng.js';
import { expr } from '../../helpers/catalogue.js';
import { runCli } from '../../helpers/cli.js';
import { add, num, symbolsOf } from '../../../src/expr/expr.js';

const SYMS = ['logp_w', 'logp_l', 'c_ref_w', 'c_ref_l', 'x', 'beta'];

describe('known results come out proved', () => {
  it("DPO's d_w > 0 and d_l > 0 on the whole domain", () => {
    const [p] = proveDirections(mustDerive(specOf('dpo')));
    expect(p.dW.result.status).toBe('proved');
    expect(p.dL.result.status).toBe('proved');
  });
  it("SimPO's ratio > 0", () => {
    const d = mustDerive(specOf('simpo'));
    expect(proveSign(d, 0, d.regimes[0].ratio!, '>', 20_000).status).toBe('proved');
  });
  it("CPO's ratio > 1 for λ > 0", () => {
    const d = mustDerive(specOf('cpo'));
    expect(proveSign(d, 0, add(d.regimes[0].ratio!, num(-1)), '>', 20_000).status).toBe('proved');
  });
  it('β σ(x) > 0 on an unbounded x (the open end of σ at −∞ is kept open)', () => {
    const box = parseDomain('x<0, 0.01<=beta<=10');
    if (!box.ok) throw new Error('domain');
    expect(prove(expr('beta*sigmoid(x)', SYMS), '>', box.value).status).toBe('proved');
  });
});

describe('known counterexamples come out refuted, with witnesses that really violate the claim', () => {
  it.each([['sppo', 'dL'], ['ipo', 'dW'], ['cdpo', 'dW'], ['nca', 'dW'], ['apo-down', 'dW']] as const)('%s: %s > 0 is refuted', (id, w) => {
    const d = mustDerive(specOf(id));
    const r = proveSign(d, 0, d.regimes[0][w], '>', 20_000);
    expect(r.status).toBe('refuted');
    const x = r.witness!;
    // The witness gives every variable the weight uses (and only those), lies in the domain, and
    // evaluated in float64 on its own has the wrong sign.
    const e = expandCref(d.regimes[0][w]);
    expect(Object.keys(x).sort()).toEqual([...symbolsOf(e)].sort());
    const v = compile(e)(x);
    expect(v).toBeLessThanOrEqual(0);
    for (const k of ['logp_w', 'logp_l', 'c_ref_w', 'c_ref_l'] as const) if (k in x) expect(x[k]).toBeLessThan(0);
  });
  it('a witness in a hinged loss lies in the regime it refutes (SLiC-HF, d_l > 0 past the margin)', () => {
    const d = mustDerive(specOf('slic-hf'));
    const i = d.regimes.findIndex((r) => r.dL.kind === 'num' && r.dL.value === 0);
    const r = proveSign(d, i, d.regimes[i].dL, '>', 20_000);
    expect(r.status).toBe('refuted');
    const c = compileDerivation(d);
    expect(regimeAt(c, { ...r.witness!, c_ref: r.witness!.c_ref_w - r.witness!.c_ref_l })).toBe(i);
  });
  it('the underflow trap: σ(−800) = 0 in float64 is not taken as a witness against σ > 0', () => {
    const box = parseDomain('-1000 <= x <= -700');
    if (!box.ok) throw new Error('domain');
    expect(prove(expr('sigmoid(x)', SYMS), '>', box.value).status).toBe('proved');
  });
});

describe('undecided is reported, not guessed', () => {
  it('log(x) < x − 1 fails only at x = 1: refuted there, with a witness whose enclosure is exactly 0', () => {
    const box = parseDomain('0 < x < 100');
    if (!box.ok) throw new Error('domain');
    const r = prove(expr('log(x) - (x - 1)', SYMS), '<', box.value, { budget: 2000 });
    expect(r.status).toBe('refuted');
    expect(r.witness).toEqual({ x: 1 });
    expect(r.witnessEnclosure).toEqual([0, 0]);
  });
  it('(x² − 2)² > 0 fails only at √2, which no float64 is: undecided, with the remaining share, never proved', () => {
    const box = parseDomain('0 < x < 10');
    if (!box.ok) throw new Error('domain');
    const r = prove(expr('(x*x - 2)^2', SYMS), '>', box.value, { budget: 2000 });
    expect(r.status).toBe('undecided');
    expect(r.remainingShare).toBeGreaterThan(0);
    expect(r.remainingShare).toBeLessThan(0.01);
  });
});

describe('a proved direction is never contradicted by sampling', () => {
  it.each(CATALOGUE.map((e) => e.id))('%s', (id) => {
    const d = mustDerive(specOf(id));
    const c = compileDerivation(d);
    const proofs = proveDirections(d);
    const rng = makeRng(99);
    for (let k = 0; k < 1500; k++) {
      const env = samplePoint(d.spec, rng);
      let i: number;
      try { i = regimeAt(c, env); } catch { continue; }
      for (const w of ['dW', 'dL'] as const) {
        if (proofs[i][w].result.status !== 'proved') continue;
        const v = c.regimes[i][w](env);
        // Float64 may underflow to 0; it may never go negative where > 0 is proved.
        if (Number.isFinite(v)) expect(v, `${id} ${w} at ${JSON.stringify(env)}`).toBeGreaterThanOrEqual(0);
      }
    }
  });
});

describe('marginlab prove', () => {
  it('exit 0 when proved, 1 when refuted (with the witness), 2 on a bad domain', async () => {
    expect((await runCli(['prove', 'dW > 0', '--loss', 'dpo'])).code).toBe(0);
    const r = await runCli(['prove', 'dL > 0', '--loss', 'sppo']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('witness');
    expect((await runCli(['prove', 'x > 0', '--domain', 'x <> 3'])).code).toBe(2);
    expect((await runCli(['prove', 'bogus(x) > 0', '--domain', 'x < 0'])).code).toBe(2);
  });
});
