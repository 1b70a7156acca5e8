// Theorem 1 (appendix B.1): a last linear layer θ ∈ R^{d×V}, softmax s(hᵀθ) uniform (1/M) on M tokens
// of the vocabulary, chosen and rejected single tokens y_w ≠ y_l both in that support. Then
//   ⟨∇logπ_w, ∇logπ_l⟩ = −‖h‖²/M,   ‖∇logπ_w‖² = ‖∇logπ_l‖² = (M−1)/M ‖h‖²,
// and DPO's step raises logπ_w and lowers logπ_l (case 1).
// The gradients are computed here directly as ∇_θ log s(hᵀθ)[y] = h ⊗ (e_y − s). (src/numeric/models is
// being written concurrently; this tiny local model keeps the suite independent of it.)
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { classify } from '../src/symbolic/conditions.js';
import { NAMED_LOSSES } from './arbitraries/catalogue.js';
import { pointArb } from './arbitraries/domain.js';
import { compiled } from './support.js';

/** ∇_θ log softmax(hᵀθ)[y], flattened row-major over (d, V). */
function gradLogSoftmax(h: readonly number[], s: readonly number[], y: number): number[] {
  const g: number[] = [];
  for (const hi of h) for (let j = 0; j < s.length; j++) g.push(hi * ((j === y ? 1 : 0) - s[j]));
  return g;
}
const dot = (a: readonly number[], b: readonly number[]) => a.reduce((t, x, i) => t + x * b[i], 0);

const setup = fc.record({
  d: fc.integer({ min: 1, max: 8 }),
  V: fc.integer({ min: 2, max: 12 }),
}).chain(({ d, V }) => fc.record({
  h: fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: d, maxLength: d }).filter((h) => dot(h, h) > 1e-6),
  support: fc.shuffledSubarray([...Array(V).keys()], { minLength: 2, maxLength: V }),
  V: fc.constant(V),
})).chain((r) => fc.record({
  h: fc.constant(r.h), support: fc.constant(r.support), V: fc.constant(r.V),
  pair: fc.tuple(fc.constantFrom(...r.support), fc.constantFrom(...r.support)).filter(([w, l]) => w !== l),
}));

it('Theorem 1: ⟨∇w,∇l⟩ = −‖h‖²/M, ‖∇w‖² = ‖∇l‖² = (M−1)/M ‖h‖², and DPO lands in case 1', () => {
  const dpo = compiled(NAMED_LOSSES.find((l) => l.id === 'dpo')!.spec)!;
  fc.assert(fc.property(setup, pointArb(dpo.derivation.spec), ({ h, support, V, pair: [yw, yl] }, env) => {
    const M = support.length;
    const s = Array.from({ length: V }, (_, j) => (support.includes(j) ? 1 / M : 0));
    const gw = gradLogSoftmax(h, s, yw), gl = gradLogSoftmax(h, s, yl);
    const h2 = dot(h, h);
    const tol = 1e-12 * h2 * V;
    expect(Math.abs(dot(gw, gl) + h2 / M)).toBeLessThanOrEqual(tol);
    expect(Math.abs(dot(gw, gw) - (M - 1) / M * h2)).toBeLessThanOrEqual(tol);
    expect(Math.abs(dot(gl, gl) - (M - 1) / M * h2)).toBeLessThanOrEqual(tol);
    const w = { dW: dpo.regimes[0].dW(env), dL: dpo.regimes[0].dL(env) };
    if (w.dW > 0 && w.dL > 0) {
      const c = classify(w, { innerWL: dot(gw, gl), normW2: dot(gw, gw), normL2: dot(gl, gl) });
      expect(c.caseId).toBe(1);
      expect(c.chosen).toBe('up');
      expect(c.rejected).toBe('down');
    }
  }));
});
