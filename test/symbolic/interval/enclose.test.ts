// signAt, the direction audit's shortcut, answers what signOf(encloseAt(…)) answers: it skips the exact
// pass only where the interval pass already excludes 0. Every regime's d_w and d_l of every catalogue loss,
// at the audit's own sample points (seed 1) and at the extreme points where float64 underflows.
import { describe, expect, it } from 'vitest';
import { CATALOGUE, specOf } from '../../helpers/catalogue.js';
import { mustDerive } from '../../../src/symbolic/derive.js';
import { samplePoint } from '../../../src/symbolic/audit.js';
import { encloseAt, signAt, signOf } from '../../../src/symbolic/interval/enclose.js';
import { makeRng } from '../../../src/util/prng.js';

describe('signAt', () => {
  it.each(CATALOGUE.map((e) => e.id))('%s: the same certified sign as the full enclosure, at every point', (id) => {
    const spec = specOf(id);
    const d = mustDerive(spec);
    const rng = makeRng(1);
    const points = Array.from({ length: 150 }, () => samplePoint(spec, rng));
    // Far out: the weights' sigmoids underflow in float64 and the interval pass alone may not decide.
    for (const [w, l] of [[-1, -900], [-900, -1], [-0.001, -1000], [-1000, -1000]]) points.push({ ...points[0], logp_w: w, logp_l: l, c_ref_w: -1, c_ref_l: -1, c_ref: 0 });
    const seen = new Set<string>();
    for (const r of d.regimes) for (const e of [r.dW, r.dL]) for (const p of points) {
      const s = signAt(e, p);
      seen.add(s);
      expect(s, `${id} at ${JSON.stringify(p)}`).toBe(signOf(encloseAt(e, p)));
    }
    expect(seen.size).toBeGreaterThan(0);
  });
});
