// The learnable-logits model of Theorem 3 (section 4.1.2, appendix B.2), for data setup 3: y_w and y_l
// of length L agree except at position m (1 ≤ m < L).
//
// Which parameterisation, and why. The paper gives each response its own next-token distributions,
// s_{w,i} and s_{l,i}, equal for i ≤ m (same prefix) and different after m. Read literally — rows m+1..L
// of θ̄_w and θ̄_l as *separate* parameters — a margin step moves those rows independently:
// ∇log π_l has no component on θ̄_w's suffix rows, so position i > m of the chosen response changes by
// η‖e_{j*} − s_{w,i}‖² > 0, and eq. (13)'s decrease could never happen. Eq. (22) instead takes the inner
// product ⟨∇log s(θ̄_w[i]), ∇log s(θ̄_w[i]) − ∇log s(θ̄_l[i])⟩ as if both gradients lived on one row of
// parameters. That is exactly the case when the two responses share a learnable row per position and
// differ only by a frozen, context-dependent offset:
//   logits_w[i] = φ[i] + c_w[i],   logits_l[i] = φ[i] + c_l[i],   c_w[i] = c_l[i] for i ≤ m,
// φ ∈ R^{L×V} learnable, the offsets c (what the differing token y[m] does to later predictions) frozen.
// Then ∇_{φ[i]} log s_{w,i}[j] = e_j − s_{w,i} and ∇_{φ[i]} log s_{l,i}[j] = e_j − s_{l,i} share the
// row φ[i], one margin step moves both, and eqs. (11)–(13)/(21)–(22) are first-order statements about it.
// This is marginlab's default ('shared-offset'). The literal reading ('separate-rows') is kept so the
// check can show what it predicts instead.
//
// Positions are 1-based in the paper; arrays here are 0-based (position i at row i − 1).

import type { Backend } from '../backend.js';

export type Tying = 'shared-offset' | 'separate-rows';

export interface LearnableLogits {
  readonly L: number;
  readonly V: number;
  /** The differing position, 1-based as in the paper: y_w[m] ≠ y_l[m], 1 ≤ m < L. */
  readonly m: number;
  readonly tying: Tying;
  /** Learnable rows, R×V: R = L ('shared-offset') or 2L − m ('separate-rows'). */
  readonly params: Float64Array;
  /** Frozen context offsets, L×V each; equal on rows 1..m. */
  readonly offsetW: Float64Array;
  readonly offsetL: Float64Array;
  readonly tokensW: readonly number[];
  readonly tokensL: readonly number[];
}

export type Side = 'w' | 'l';

/** The learnable row that position i (0-based) of a side reads. */
export function paramRow(model: Pick<LearnableLogits, 'L' | 'm' | 'tying'>, side: Side, i: number): number {
  if (model.tying === 'shared-offset' || side === 'w' || i < model.m) return i;
  return model.L + (i - model.m);
}

export const paramRows = (L: number, m: number, tying: Tying): number => (tying === 'shared-offset' ? L : 2 * L - m);

export interface LearnableLogitsOps {
  /** The L×V next-token distributions s_{side,i}. */
  distributions(b: Backend, model: LearnableLogits, side: Side): Promise<Float64Array>;
  /** Per-position log s_{side,i}[y_side[i]], a vector of length L (their sum is log π_side). */
  tokenLogProbs(b: Backend, model: LearnableLogits, side: Side): Promise<Float64Array>;
  /** ∇_params log π_side, R×V: row paramRow(side, i) gets e_{y_i} − s_{side,i}. */
  gradient(b: Backend, model: LearnableLogits, side: Side): Promise<Float64Array>;
}

function sideLogits(model: LearnableLogits, side: Side): Float64Array {
  const { L, V } = model;
  const off = side === 'w' ? model.offsetW : model.offsetL;
  const z = new Float64Array(L * V);
  for (let i = 0; i < L; i++) {
    const r = paramRow(model, side, i) * V;
    for (let j = 0; j < V; j++) z[i * V + j] = model.params[r + j] + off[i * V + j];
  }
  return z;
}

export const learnableLogits: LearnableLogitsOps = {
  distributions: (b, model, side) => b.softmax(sideLogits(model, side), model.L, model.V),
  async tokenLogProbs(b, model, side) {
    const ls = await b.logSoftmax(sideLogits(model, side), model.L, model.V);
    const y = side === 'w' ? model.tokensW : model.tokensL;
    return Float64Array.from({ length: model.L }, (_, i) => ls[i * model.V + y[i]]);
  },
  async gradient(b, model, side) {
    const { L, V } = model;
    const s = await b.softmax(sideLogits(model, side), L, V);
    const y = side === 'w' ? model.tokensW : model.tokensL;
    const g = new Float64Array(paramRows(L, model.m, model.tying) * V);
    for (let i = 0; i < L; i++) {
      const r = paramRow(model, side, i) * V;
      for (let j = 0; j < V; j++) g[r + j] -= s[i * V + j];
      g[r + y[i]] += 1;
    }
    return g;
  },
};

/** The same model with params + η·direction. */
export async function steppedLogits(b: Backend, model: LearnableLogits, eta: number, direction: Float64Array): Promise<LearnableLogits> {
  return { ...model, params: await b.axpy(eta, direction, model.params) };
}
