// Issue 9, part 1: the admissible interval and the knob search. Every claim is checked against the
// first-order changes computed from actual vectors, not against the interval's own formula.
import { describe, expect, it } from 'vitest';
import { admissible, positionOf, remedy } from '../../src/symbolic/remedy.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { compileDerivation, completePoint } from '../../src/symbolic/point.js';
import { firstOrderChange } from '../../src/symbolic/conditions.js';
import { specOf } from '../helpers/catalogue.js';
import { makeRng } from '../../src/util/prng.js';
import { runCli } from '../helpers/cli.js';

const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i], 0);

describe('the admissible interval', () => {
  it('a ratio inside it gives Δlogp_w ≥ 0 ≥ Δlogp_l, and just outside it does not (random vector pairs)', () => {
    const rng = makeRng(5);
    let positive = 0;
    for (let k = 0; k < 2000; k++) {
      const n = rng.int(2, 6);
      const a = Array.from({ length: n }, () => rng.normal());
      const b = a.map((x) => 0.8 * x + 0.6 * rng.normal());
      const g = { innerWL: dot(a, b), normW2: dot(a, a), normL2: dot(b, b) };
      const adm = admissible(g);
      expect(adm.lo).toBeLessThanOrEqual(adm.hi);
      for (const r of [adm.lo, adm.target, Math.min(adm.hi, adm.lo * 4 + 1)]) {
        const ch = firstOrderChange({ dW: r, dL: 1 }, g);
        const scale = 1e-12 * (Math.abs(r) + 1) * (g.normW2 + g.normL2);
        expect(ch.dLogpW).toBeGreaterThanOrEqual(-scale);
        expect(ch.dLogpL).toBeLessThanOrEqual(scale);
      }
      if (g.innerWL > 0) {
        positive++;
        expect(firstOrderChange({ dW: adm.lo * 0.99, dL: 1 }, g).dLogpW).toBeLessThan(0);
        expect(firstOrderChange({ dW: adm.hi * 1.01, dL: 1 }, g).dLogpL).toBeGreaterThan(0);
      }
    }
    expect(positive).toBeGreaterThan(1000);
  });
  it('refuses a Gram matrix no vectors have', () => {
    expect(() => admissible({ innerWL: 3, normW2: 1, normL2: 1 })).toThrow(RangeError);
  });
  it('positions', () => {
    const a = admissible({ innerWL: 3, normW2: 2, normL2: 5 });
    expect([positionOf(1, a), positionOf(1.6, a), positionOf(2, a), positionOf(null, a)]).toEqual(['below', 'inside', 'above', 'undefined']);
  });
});

describe('knobs', () => {
  const d = mustDerive(specOf('dpo'));
  const c = compileDerivation(d);
  const p = completePoint(d, { logp_w: -10, logp_l: -12 });
  if (!p.ok) throw new Error('point');
  const g = { innerWL: 3, normW2: 2, normL2: 5 };
  const r = remedy(c, p.value, g, [{ kind: 'param', name: 'beta' }, { kind: 'nll', normalised: false }, { kind: 'weights' }]);
  it("DPO's β cannot move its ratio (proved: the derivative simplifies to 0)", () => {
    expect(r.knobs[0].status).toBe('impossible');
    expect(r.knobs[0].reason).toContain('does not depend');
  });
  it('an NLL weight and a weight pair each reach the interval, and the resulting step is case 1', () => {
    for (const k of r.knobs.slice(1)) {
      expect(k.status).toBe('ok');
      expect(k.ratio!).toBeGreaterThanOrEqual(r.interval.lo * (1 - 1e-9));
      expect(k.ratio!).toBeLessThanOrEqual(r.interval.hi * (1 + 1e-9));
      expect(k.dLogpW!).toBeGreaterThanOrEqual(-1e-12);
      expect(k.dLogpL!).toBeLessThanOrEqual(1e-12);
    }
    // The NLL weight that lands on the lower edge is (lo − r)·d_l.
    expect(r.knobs[1].value!).toBeCloseTo((r.interval.lo - r.ratio!) * r.dL, 9);
  });
  it('an actual step of a log-linear model with the remedied weights confirms it', () => {
    // logp_w = aᵀθ, logp_l = bᵀθ exactly linear: a step of −η∇L changes them by exactly the first-order amounts.
    const a = [1, 1], b = [1, 2]; // ⟨a,b⟩ = 3, ‖a‖² = 2, ‖b‖² = 5
    const k = r.knobs[2];
    const dW = k.ratio! * r.dL, dL = r.dL, eta = 0.1;
    const step = a.map((ai, i) => eta * (dW * ai - dL * b[i]));
    expect(dot(a, step)).toBeGreaterThanOrEqual(-1e-15);
    expect(dot(b, step)).toBeLessThan(0);
  });
  it('marginlab remedy: text, JSON, and exit 2 on an impossible Gram', async () => {
    const j = JSON.parse((await runCli(['remedy', 'simpo', '--at', 'logp_w=-10,logp_l=-12,len_w=30,len_l=10', '--inner', '3', '--norm-w2', '4', '--norm-l2', '5', '--json'])).stdout);
    expect(j.position).toBe('below');
    expect(j.knobs.find((x: { knob: string }) => x.knob === 'gamma').status).toBe('impossible');
    expect(j.tex).toContain('Cauchy');
    expect((await runCli(['remedy', 'dpo', '--at', 'logp_w=-1,logp_l=-2', '--inner', '9', '--norm-w2', '1', '--norm-l2', '1'])).code).toBe(2);
    expect((await runCli(['remedy', 'dpo', '--at', 'logp_w=-1,logp_l=-2', '--inner', '1', '--norm-w2', '1', '--norm-l2', '1', '--knob', 'gama'])).code).toBe(2);
  });
});
