// Issue 14: every reproduction of a wrong verdict, as it must now be answered. Exact values come from
// mpmath at 60 digits (Debian's python3-mpmath, computed here, not typed in).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { expr } from '../helpers/catalogue.js';
import { prove } from '../../src/symbolic/interval/prove.js';
import { MarginFault } from '../../src/errors.js';
import { parseExpression } from '../../src/loss/parse.js';
import { certified, encloseAt } from '../../src/symbolic/interval/enclose.js';
import { contains } from '../../src/expr/interval.js';

const LIT = 'test/fixtures/literature';

/** Exact values by mpmath: `cases` maps a name to a Python expression over mpf values. */
function mpmath(cases: Record<string, string>): Record<string, number> {
  const py = ['import json, mpmath', 'from mpmath import mpf, exp, log, sqrt', 'mpmath.mp.dps = 60',
    'sig = lambda x: 1/(1+exp(-x))', 'logsig = lambda x: -log(1+exp(-x))', 'softplus = lambda x: log(1+exp(x))', 'out = {}',
    ...Object.entries(cases).map(([k, v]) => `out[${JSON.stringify(k)}] = float(${v})`), 'print(json.dumps(out))'].join('\n');
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' }));
}

// β = 1e12 lies outside every catalogue loss's declared range: these points are explored on purpose.
const evalJson = async (args: string[]) => {
  const r = await runCli(['eval', ...args, '--outside-domain', '--json']);
  return { code: r.code, stderr: r.stderr, j: r.code === 0 ? JSON.parse(r.stdout) : undefined };
};
const relClose = (x: number, y: number, tol = 1e-12) => Math.abs(x - y) <= tol * Math.max(Math.abs(y), 1e-300);

describe('1. the empty domain proves nothing', () => {
  it('every free symbol takes its documented domain: logp_w − 1e6 > 0 and logp_w > 0 are refuted, logp_w < 0 proved', async () => {
    const a = await runCli(['prove', 'logp_w - 1e6 > 0', '--json']);
    expect(a.code).toBe(1);
    const j = JSON.parse(a.stdout);
    expect(j.status).toBe('refuted');
    expect(j.domain.logp_w).toMatchObject({ lo: null, hi: 0, hiOpen: true });
    expect((await runCli(['prove', 'logp_w > 0'])).code).toBe(1);
    expect((await runCli(['prove', 'logp_w < 0'])).code).toBe(0);
    expect((await runCli(['prove', 'len_w >= 1'])).code).toBe(0);
    expect((await runCli(['prove', 'z_ref < 0'])).code).toBe(1);
  });
  it('a symbol with no known domain is refused, naming it; the library refuses a box that lacks one', async () => {
    const r = await runCli(['prove', 'beta*logp_w < 0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_UNKNOWN_SYMBOL.*'beta'/);
    expect((await runCli(['prove', 'beta*logp_w < 0', '--domain', '0.1<=beta<=2'])).code).toBe(0);
    expect(() => prove(expr('x - 1', ['x']), '>', {})).toThrow(MarginFault);
    try { prove(expr('x - 1', ['x']), '>', {}); } catch (e) { expect((e as MarginFault).error).toMatchObject({ code: 'E_NO_DOMAIN', at: { symbol: 'x' } }); }
  });
  it("a loss's declared parameter ranges are its params' domains", async () => {
    expect((await runCli(['prove', 'lambda >= 0.5', '--loss', `${LIT}/dpo-shift.yaml`])).code).toBe(0);
    expect((await runCli(['prove', 'lambda > 0.5', '--loss', `${LIT}/dpo-shift.yaml`])).code).toBe(1);
  });
});

describe('2. remedy takes the signs of the weights', () => {
  const gram = ['--inner', '1', '--norm-w2', '2', '--norm-l2', '5'];
  it('DiscoPOP at the start of training is case 4, as classify says, and no reweighting of these weights reaches case 1', async () => {
    const c = await runCli(['classify', `${LIT}/discopop.yaml`, '--at', 'logp_w=-12,logp_l=-15', ...gram, '--json']);
    expect(JSON.parse(c.stdout).case).toBe(4);
    const r = await runCli(['remedy', `${LIT}/discopop.yaml`, '--at', 'logp_w=-12,logp_l=-15', ...gram, '--json']);
    const j = JSON.parse(r.stdout);
    expect(j.caseId).toBe(4);
    expect(j.position).not.toBe('inside');
    expect(j.admissible).toMatchObject({ given: 'dL < 0', empty: true });
    const knob = (name: string) => j.knobs.find((k: { knob: string }) => k.knob.startsWith(name));
    expect(knob('NLL weight')).toMatchObject({ status: 'impossible', proved: true });
    expect(knob('weight ratio')).toMatchObject({ status: 'impossible', proved: true });
    // tau changes the sign of m′(u): the value it names really gives case 1 (checked by classify).
    const tau = knob('tau');
    expect(tau.status).toBe('ok');
    const at = await runCli(['classify', `${LIT}/discopop.yaml`, '--param', `tau=${tau.value}`, '--at', 'logp_w=-12,logp_l=-15', ...gram, '--json']);
    expect(JSON.parse(at.stdout).case).toBe(1);
    expect(r.stderr).toBe('');
    expect((await runCli(['remedy', `${LIT}/discopop.yaml`, '--at', 'logp_w=-12,logp_l=-15', ...gram])).stdout).not.toContain('already case 1');
  });
  it('EXO-pair past its target probability (β = 0.5, ε = 0.2, ⟨a,b⟩ = −1) is case 4, never "already case 1"', async () => {
    const args = [`${LIT}/exo-pair.yaml`, '--param', 'beta=0.5', '--param', 'eps=0.2', '--at', 'logp_w=-10,logp_l=-15,c_ref_w=-12,c_ref_l=-12', '--inner', '-1', '--norm-w2', '2', '--norm-l2', '5', '--json'];
    expect(JSON.parse((await runCli(['classify', ...args])).stdout).case).toBe(4);
    const j = JSON.parse((await runCli(['remedy', ...args])).stdout);
    expect(j.caseId).toBe(4);
    expect(j.position).not.toBe('inside');
    expect(j.knobs.every((k: { status: string }) => k.status !== 'already')).toBe(true);
  });
});

describe('3. claims files do not refute from underflow', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ml-claims-'));
  const loss = (range: string) => `name: DPO-Shift\nparams:\n  beta: {default: 0.1, range: [0.001, 10]}\n  lambda: {default: 0.75, range: ${range}}\nm: logsigmoid(a)\nh_w: beta*(a - c_ref_w)\nh_l: lambda*beta*(a - c_ref_l)\n`;
  writeFileSync(join(dir, 'shift.yaml'), loss('[0.5, 1]'));
  writeFileSync(join(dir, 'shift-strict.yaml'), loss('[0.5, 0.9]'));
  it('ratio: 1/lambda is proved symbolically; an equal form the simplifier cannot reduce is verified on samples, the underflowed ones skipped and counted', async () => {
    writeFileSync(join(dir, 'c1.yaml'), 'loss: shift.yaml\nclaims:\n  - id: exact\n    ratio: 1/lambda\n  - id: sampled\n    ratio: (sigmoid(logp_w) + sigmoid(-logp_w))/lambda\n');
    const r = await runCli(['audit', '--claims', join(dir, 'c1.yaml'), '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const byId = (id: string) => j.claims.find((c: { id: string }) => c.id === id).verdict;
    expect(byId('exact')).toMatchObject({ status: 'proved', backend: 'symbolic' });
    const s = byId('sampled');
    expect(s.status).toBe('verified');
    expect(s.evidence.notes.join(' ')).toMatch(/\d+ skipped/);
  });
  it('holds: ratio > 1 is proved where λ < 1 on the whole range, and refuted at the closed end λ = 1 with a genuine witness', async () => {
    writeFileSync(join(dir, 'c2.yaml'), 'loss: shift-strict.yaml\nclaims:\n  - id: gt1\n    holds: ratio > 1\n');
    const a = await runCli(['audit', '--claims', join(dir, 'c2.yaml'), '--json']);
    expect(JSON.parse(a.stdout).claims[0].verdict.status).toBe('proved');
    writeFileSync(join(dir, 'c3.yaml'), 'loss: shift.yaml\nclaims:\n  - id: gt1\n    holds: ratio > 1\n');
    const b = await runCli(['audit', '--claims', join(dir, 'c3.yaml'), '--json']);
    expect(b.code).toBe(1);
    const v = JSON.parse(b.stdout).claims[0].verdict;
    expect(v.status).toBe('refuted');
    expect(v.evidence.worst.point.lambda).toBe(1);
  });
  it('a false ratio claim is refuted with a certified witness (disjoint enclosures)', async () => {
    writeFileSync(join(dir, 'c4.yaml'), 'loss: shift.yaml\nclaims:\n  - id: wrong\n    ratio: lambda\n');
    const v = JSON.parse((await runCli(['audit', '--claims', join(dir, 'c4.yaml'), '--json'])).stdout).claims[0].verdict;
    expect(v.status).toBe('refuted');
    const [dlo, dhi] = v.evidence.worst.derived, [clo, chi] = v.evidence.worst.claimed;
    expect(dhi < clo || chi < dlo).toBe(true);
  });
});

describe("4. derive's proof agrees with its own audit", () => {
  it('DiscoPOP: the audit finds d_w < 0 and the proof says REFUTED with a witness, never UNDECIDED', async () => {
    const j = JSON.parse((await runCli(['derive', `${LIT}/discopop.yaml`, '--json'])).stdout);
    expect(j.audit.dW.negative).toBeGreaterThan(0);
    for (const w of ['dW', 'dL'] as const) {
      const p = j.audit.proofs[0][w];
      expect(p.status).toBe('refuted');
      expect(p.witnessEnclosure[1]).toBeLessThanOrEqual(0);
    }
  });
});

describe('5. repeated flags are conjoined', () => {
  it('--assuming A --assuming B needs both', async () => {
    const claim = ['prove', 'logp_w < c_ref_w'];
    expect((await runCli([...claim, '--assuming', 'logp_w < -5', '--assuming', 'c_ref_w > -5'])).code).toBe(0);
    expect((await runCli([...claim, '--assuming', 'c_ref_w > -5'])).code).toBe(1);
  });
  it('two --domain flags intersect', async () => {
    expect((await runCli(['prove', 'x > 1', '--domain', '0<x<10', '--domain', '2<x<5'])).code).toBe(0);
    expect((await runCli(['prove', 'x > 1', '--domain', '0<x<10'])).code).toBe(1);
    const r = await runCli(['prove', 'x > 1', '--domain', '0<x<1', '--domain', '2<x<5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("do not overlap");
  });
});

describe('6. a witness is labelled', () => {
  it("prove 'ratio < 1' on DPO-Shift prints the point, each side, and d_w/d_l — the ratio, not LHS − RHS", async () => {
    const r = await runCli(['prove', 'ratio < 1', '--loss', `${LIT}/dpo-shift.yaml`, '--json']);
    const reg = JSON.parse(r.stdout).regimes[0];
    const lambda = reg.result.witness.lambda;
    expect(reg.witness.lhs.value).toBeCloseTo(1 / lambda, 12);
    expect(reg.witness.rhs.value).toBe(1);
    expect(reg.witness.weights.ratio.value).toBeCloseTo(1 / lambda, 12);
    const t = await runCli(['prove', 'ratio < 1', '--loss', `${LIT}/dpo-shift.yaml`]);
    const m = /witness lambda=([\d.]+): left side = ([\d.]+), right side = 1; d_w\/d_l = ([\d.]+)/.exec(t.stdout);
    expect(m, t.stdout).not.toBeNull();
    // The left side is the ratio at the witness, 1/λ — not LHS − RHS = 1/λ − 1.
    expect(Number(m![2])).toBeCloseTo(1 / Number(m![1]), 12);
    expect(Number(m![3])).toBeCloseTo(1 / Number(m![1]), 12);
  });
});

describe('7. proved facts prune impossible branches in --explain', () => {
  it('DPO (d_l > 0 proved) prints no "if d_l < 0" branch; SPPO (refuted) keeps it', async () => {
    const dpo = (await runCli(['derive', 'dpo', '--explain'])).stdout;
    expect(dpo).toContain('if d_l > 0');
    expect(dpo).not.toMatch(/if d_l (<|=) 0/);
    const sppo = (await runCli(['derive', 'sppo', '--explain'])).stdout;
    expect(sppo).toMatch(/if d_l < 0/);
  });
});

describe('8. numbers at extreme values are right or refused', () => {
  const exact = mpmath({
    simpoL: 'softplus(mpf(1)/2)', simpoDW: 'mpf(10)**12 * sig(mpf(1)/2)',
    sppoDW: '2*(mpf(10)**-12)',
    mixedL: '-logsig(mpf(7))', mixedDW: 'sig(mpf(-7))',
  });
  it('hinge, β = 1e12, logp_l = −1e-300: the regime where the weights are β (exact: 1e12), not 0', async () => {
    const { j } = await evalJson(['hinge', '--at', 'logp_w=-1e4,logp_l=-1e-300,beta=1e12']);
    expect(j.dW).toBe(1e12);
    expect(j.dL).toBe(1e12);
    expect(j.L).toBe(1);
  });
  it('hinge, β = 1e12, logp_l = −15: far from the boundary, no E_ON_BOUNDARY', async () => {
    const { code, j } = await evalJson(['hinge', '--at', 'logp_w=-1e4,logp_l=-15,beta=1e12']);
    expect(code).toBe(0);
    expect(j.dW).toBe(1e12);
  });
  it('SimPO at β = 1e12: L = softplus(1/2) and d_w = 1e12·σ(1/2), to float64 precision', async () => {
    const { j } = await evalJson(['simpo', '--at', 'logp_w=-1e4,logp_l=-1e4,beta=1e12']);
    expect(relClose(j.L, exact.simpoL)).toBe(true);
    expect(relClose(j.dW, exact.simpoDW)).toBe(true);
  });
  it('SPPO at β = 1e12: d_w = 2/β exactly, where float64 cancels', async () => {
    const { j } = await evalJson(['sppo', '--at', 'logp_w=-3,logp_l=-2,beta=1e12']);
    expect(relClose(j.dW, exact.sppoDW)).toBe(true);
    const far = await evalJson(['sppo', '--at', 'logp_w=-1e5,logp_l=-2,beta=1e12']);
    expect(relClose(far.j.dW, exact.sppoDW)).toBe(true);
  });
  it('one answer, one regime: L and d_w of the ternary both come from its then-branch', async () => {
    const { j } = await evalJson(['--m', 'logsigmoid(a)', '--hw', 'a', '--hl', '1e308 + softplus(a) > 1e308 ? a : 5*a', '--at', 'logp_w=-2,logp_l=-9']);
    expect(relClose(j.L, exact.mixedL)).toBe(true);
    expect(relClose(j.dW, exact.mixedDW)).toBe(true);
  });
  it('a weight with no significant digit in float64 is a coded refusal naming it', async () => {
    const r = await runCli(['eval', '--m', 'exp(a)', '--at', 'logp_w=-900,logp_l=-0.5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^E_ILL_CONDITIONED.*d_w/m);
  });
});

describe('9. undecided has its own exit code', () => {
  it('prove exits 4 when undecided; audit --claims exits 4 for an undecided claim unless the file allows it', async () => {
    const r = await runCli(['prove', '(x*x - 2)^2 > 0', '--domain', '0<x<10', '--budget', '500']);
    expect(r.stdout).toMatch(/^UNDECIDED/);
    expect(r.code).toBe(4);
    const dir = mkdtempSync(join(tmpdir(), 'ml-undecided-'));
    writeFileSync(join(dir, 'loss.yaml'), 'name: t\nm: logsigmoid(a)\nh_w: a\nh_l: a\n');
    const claims = (allow: string) => `loss: loss.yaml\n${allow}claims:\n  - id: nothing-checked\n    direction: chosen-up\n    whenever: inner > normW2 and inner < -normW2\n`;
    writeFileSync(join(dir, 'c.yaml'), claims(''));
    const a = await runCli(['audit', '--claims', join(dir, 'c.yaml')]);
    expect(a.stdout).toContain('undecided');
    expect(a.code).toBe(4);
    writeFileSync(join(dir, 'c2.yaml'), claims('allow-undecided: true\n'));
    expect((await runCli(['audit', '--claims', join(dir, 'c2.yaml')])).code).toBe(0);
  });
});

describe('a prover that decides', () => {
  it("DPO-Shift's ratio > 1 on 0.5 ≤ λ ≤ 1 is refuted at the closed end λ = 1, at once", async () => {
    const r = await runCli(['prove', 'ratio > 1', '--loss', `${LIT}/dpo-shift.yaml`, '--domain', '0.5<=lambda<=1', '--json']);
    expect(r.code).toBe(1);
    const reg = JSON.parse(r.stdout).regimes[0];
    expect(reg.result.witness.lambda).toBe(1);
    expect(reg.result.boxes).toBeLessThan(100);
  });
  it('log(1 − exp(logp_w)) < 0 is proved in one box (rewritten to log1mexp)', async () => {
    const r = await runCli(['prove', 'log(1 - exp(logp_w)) < 0', '--domain', 'logp_w<0', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).regimes[0].result.boxes).toBe(1);
  });
});

describe('overflow is no bound: exp(1e5) exceeds the largest float, it is not ∞ (issue 18\'s ranked losses found it)', () => {
  const at = (text: string, env: Record<string, number>) => {
    const e = parseExpression(text, { slot: 't', symbols: new Set(Object.keys(env)) });
    if (!e.ok) throw new Error(e.errors[0].message);
    return encloseAt(e.value, env);
  };
  it('an overflowed exp is [MAX_VALUE, ∞) as an enclosure, and a quotient of two never certifies 0', () => {
    expect(at('exp(x)', { x: 1e5 })).toMatchObject({ lo: Number.MAX_VALUE, hi: Infinity, loOpen: true });
    // e^x/(e^x + 1) is within 1e-43000 of 1 at x = 1e5; float64 cannot certify a digit of it, and must not claim 0.
    const q = at('exp(x)/(exp(x) + 1)', { x: 1e5 });
    expect(certified(q)).toBeUndefined();
    expect(contains(q, 1)).toBe(true);
    const n = at('-exp(x)', { x: 1e5 });
    expect([n.lo, Number.isFinite(n.hi) && n.hi < -1e308]).toEqual([-Infinity, true]);
  });
  it("InfoNCA where exp(reward/α) overflows: eval refuses as ill-conditioned (it printed d_1 = 0), prove does not refute Σ d_k <= 0 (it is ≡ 0)", async () => {
    const point = ['--at', 'logp_1=-0.000001,c_ref_1=-0.000001,logp_2=-0.000001,c_ref_2=-0.000001,logp_3=-0.000001,c_ref_3=-0.000001',
      '--param', 'beta=0.001', '--param', 'alpha=0.001', '--param', 'reward_1=100', '--param', 'reward_2=-100', '--param', 'reward_3=-100'];
    const e = await runCli(['eval', 'infonca', ...point]);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('E_ILL_CONDITIONED');
    const p = await runCli(['prove', 'd_1 + d_2 + d_3 <= 0', '--loss', 'infonca', '--budget', '200']);
    expect(p.stdout).not.toContain('REFUTED');
  });
});
