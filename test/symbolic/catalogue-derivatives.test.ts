// Every catalogue loss: the engine's d_w, d_l agree with a central finite difference of L itself
// (d_w = −∂L/∂logp_w, d_l = +∂L/∂logp_l), and the simplified ratio evaluates to d_w/d_l.
import { describe, expect, it } from 'vitest';
import { CATALOGUE, specOf } from '../helpers/catalogue.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { compileDerivation, regimeAt } from '../../src/symbolic/point.js';
import { samplePoint } from '../../src/symbolic/audit.js';
import { makeRng } from '../../src/util/prng.js';
import { MarginFault } from '../../src/errors.js';

function centralDifference(f: (x: number) => number, x: number): number {
  const h = 1e-5 * Math.max(1, Math.abs(x));
  return (f(x + h) - f(x - h)) / (2 * h);
}

describe.each(CATALOGUE.map((e) => e.id))('%s', (id) => {
  const c = compileDerivation(mustDerive(specOf(id)));
  it('d_w and d_l agree with a central finite difference of L (relative 1e-6)', () => {
    const rng = makeRng(7);
    let checked = 0;
    for (let i = 0; i < 400 && checked < 60; i++) {
      const env = samplePoint(c.derivation.spec, rng);
      // Keep to moderate magnitudes, where a finite difference is itself accurate to 1e-6.
      env.logp_w = -0.5 - 30 * rng.next();
      env.logp_l = -0.5 - 30 * rng.next();
      let ri: number;
      try { ri = regimeAt(c, env); } catch (e) { if (e instanceof MarginFault) continue; throw e; }
      // Stay away from regime boundaries: a difference across a kink measures no derivative.
      if (c.regimes[ri].constraints.some((k) => Math.abs(k.g(env)) < 1e-3)) continue;
      const L = (lw: number, ll: number) => c.L({ ...env, logp_w: lw, logp_l: ll });
      const fdW = -centralDifference((x) => L(x, env.logp_l), env.logp_w);
      const fdL = centralDifference((x) => L(env.logp_w, x), env.logp_l);
      const dW = c.regimes[ri].dW(env), dL = c.regimes[ri].dL(env);
      if (![fdW, fdL, dW, dL].every(Number.isFinite)) continue;
      // Relative 1e-6, plus the difference quotient's own round-off (|L|·ε/h), which no engine can beat.
      const noise = (x: number) => (16 * Math.abs(L(env.logp_w, env.logp_l)) * Number.EPSILON) / (1e-5 * Math.max(1, Math.abs(x)));
      const tol = (a: number, b: number, x: number) => 1e-6 * Math.max(Math.abs(a), Math.abs(b), 1e-3) + noise(x);
      expect(Math.abs(dW - fdW), `d_w at ${JSON.stringify(env)}`).toBeLessThan(tol(dW, fdW, env.logp_w));
      expect(Math.abs(dL - fdL), `d_l at ${JSON.stringify(env)}`).toBeLessThan(tol(dL, fdL, env.logp_l));
      const ratio = c.regimes[ri].ratio;
      if (ratio && dL !== 0) expect(Math.abs(ratio(env) - dW / dL) / Math.max(1, Math.abs(dW / dL))).toBeLessThan(1e-9);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(30);
  });
});
