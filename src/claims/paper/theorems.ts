// Section 4's theorems and section 3.2's first-order expansion, checked on the toy models by
// src/numeric/theorems (real gradients, real steps), at their default sizes.

import { CHECKS, type CheckId } from '../../numeric/theorems/index.js';
import type { Claim } from '../types.js';

function modelClaim(check: CheckId, where: string, statement: string, how: string): Claim {
  return {
    id: check, where, statement, method: 'numeric', how,
    check: ({ seed }) => CHECKS[check].run({ seed }),
  };
}

export const theorems: readonly Claim[] = [
  modelClaim('taylor', 'section 3.2, the first-order changes Δlog π_w, Δlog π_l',
    'Δlog π_w ≈ η(d_w‖∇log π_w‖² − d_l⟨∇log π_w, ∇log π_l⟩), Δlog π_l ≈ η(d_w⟨·,·⟩ − d_l‖∇log π_l‖²), for every loss.',
    'Every catalogue loss on the last-linear-layer model: predicted changes (from the derived d_w, d_l) against real gradient steps, error fitted against η (slope 2 = first order); d_w, d_l cross-checked against finite differences of L.'),
  modelClaim('cases', 'Table 1 generalised; conditions (9)/(10) with sign handling',
    'The case predicted from (⟨a,b⟩, ‖a‖², ‖b‖², d_w, d_l) is the case of the actual first-order changes.',
    'Random free gradient pairs for every catalogue loss: marginlab\'s sign-handled conditions against the signs of the changes computed from the vectors.'),
  modelClaim('theorem1', 'section 4.1.1, Theorem 1 (and appendix B.1)',
    'One-token responses, model uniform on M tokens: ⟨∇w,∇l⟩ = −‖h‖²/M, ‖∇w‖² = ‖∇l‖² = (M−1)/M ‖h‖², so log π_w ↑ and log π_l ↓.',
    'Gradients of the last-linear-layer model computed from the model (structured, cross-checked against the materialised d×V gradient and finite differences) at several M, d, V, ‖h‖; plus the closed form for any next-token distribution; then a real DPO step.'),
  modelClaim('corollary2', 'section 4.1.1, Corollary 2',
    'Responses that differ only at the last token: ⟨∇w,∇l⟩ ≤ ‖∇w‖² = ‖∇l‖², log π_w ↑ and log π_l ↓.',
    'Sentence-level gradients of the last-linear-layer model with a shared prefix, under three prefix geometries (orthogonal to h_L, random, aligned), and a real step.'),
  modelClaim('theorem3', 'section 4.1.2, Theorem 3, eqs. (11)–(13), appendix B.2',
    'Edit distance 1 at position m: Δ = 0 before m (11), ≥ 0 at m (12), ≤ 0 after m under Pal et al.\'s assumption (13); the chosen falls more as the shared suffix grows.',
    'The learnable-logits model with a shared row per position (the only reading under which (13) can hold), a real first-order step, per-position changes against (11), (12)/(21), (13), the suffix-length trend, and distributions that violate the assumption.'),
];
