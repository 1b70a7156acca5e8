// The last-linear-layer model of section 4.1 (Theorem 1, Corollary 2, and the Taylor check):
//   π(y^i | x, y^{<i}) = s(h_iᵀθ)[y^i],   θ ∈ R^{d×V} learnable, hidden states h_i frozen.
// log π(y) = Σ_i log s(h_iᵀθ)[y_i], so ∇_θ log π(y) = Σ_i h_i ⊗ (e_{y_i} − s_i)  (appendix B.1, eq. 16–17),
// a sum of n outer products. It is returned in that structure (`OuterSum`); inner products of two such
// gradients cost O(n·n'·(d+V)) instead of O(dV), and `materialise` builds the d×V matrix only when asked.

import type { Backend, OuterSum } from '../backend.js';
import type { Gram } from '../../symbolic/conditions.js';

export interface LastLinear {
  readonly d: number;
  readonly V: number;
  /** d×V, row-major: θ[k, v] at k·V + v. */
  readonly theta: Float64Array;
}

/** One response: its n frozen hidden states (n×d, row i predicts token i) and its n tokens. */
export interface Response {
  readonly hidden: Float64Array;
  readonly tokens: readonly number[];
}

/** The model's two maps, kept injectable so a check can be run on a deliberately broken model. */
export interface LastLinearOps {
  /** log π(y) = Σ_i log s(h_iᵀθ)[y_i]. */
  logProb(b: Backend, model: LastLinear, r: Response): Promise<number>;
  /** ∇_θ log π(y) = Σ_i h_i ⊗ (e_{y_i} − s_i), structured. */
  gradient(b: Backend, model: LastLinear, r: Response): Promise<OuterSum>;
}

export const lastLinear: LastLinearOps = {
  async logProb(b, model, r) {
    const n = r.tokens.length;
    const ls = await b.logSoftmax(await b.logits(r.hidden, n, model.theta, model.d, model.V), n, model.V);
    let total = 0;
    for (let i = 0; i < n; i++) total += ls[i * model.V + r.tokens[i]];
    return total;
  },
  async gradient(b, model, r) {
    const n = r.tokens.length;
    const s = await b.softmax(await b.logits(r.hidden, n, model.theta, model.d, model.V), n, model.V);
    return gradientFromProbs(r, s, model.d, model.V);
  },
};

/**
 * The gradient once the forward pass is done: Σ_i h_i ⊗ (e_{y_i} − s_i), from the n×V next-token
 * distributions s (eq. 16: −s(j) h off the token, (1 − s(y)) h on it). O(nV); `s` is not modified.
 */
export function gradientFromProbs(r: Response, s: Float64Array, d: number, V: number): OuterSum {
  const n = r.tokens.length;
  const vocab = new Float64Array(n * V);
  for (let k = 0; k < vocab.length; k++) vocab[k] = -s[k];
  for (let i = 0; i < n; i++) vocab[i * V + r.tokens[i]] += 1;
  return { hidden: r.hidden, vocab, n, d, V };
}

/** ⟨∇log π_w, ∇log π_l⟩, ‖∇log π_w‖², ‖∇log π_l‖², structured. */
export async function gramOf(b: Backend, a: OuterSum, c: OuterSum): Promise<Gram> {
  const [innerWL, normW2, normL2] = await Promise.all([b.outerInner(a, c), b.outerInner(a, a), b.outerInner(c, c)]);
  return { innerWL, normW2, normL2 };
}

/** The same three numbers from the materialised d×V gradients (the benchmark's variant ii; cross-checks). */
export async function gramMaterialised(b: Backend, a: OuterSum, c: OuterSum): Promise<Gram> {
  const A = await b.materialise(a);
  const C = await b.materialise(c);
  return { innerWL: await b.dot(A, C), normW2: await b.dot(A, A), normL2: await b.dot(C, C) };
}

/** Σ_k c_k g_k as one OuterSum (the terms' rows stacked, each vocab row scaled by its coefficient). */
export function combine(terms: readonly { readonly coef: number; readonly g: OuterSum }[]): OuterSum {
  const first = terms[0].g;
  const n = terms.reduce((s, t) => s + t.g.n, 0);
  const hidden = new Float64Array(n * first.d);
  const vocab = new Float64Array(n * first.V);
  let row = 0;
  for (const { coef, g } of terms) {
    if (g.d !== first.d || g.V !== first.V) throw new RangeError('combine: gradient shapes differ');
    hidden.set(g.hidden, row * g.d);
    for (let k = 0; k < g.n * g.V; k++) vocab[row * g.V + k] = coef * g.vocab[k];
    row += g.n;
  }
  return { hidden, vocab, n, d: first.d, V: first.V };
}

/** A copy of the model whose θ has taken the step θ + η·direction (the direction is a gradient sum). */
export async function stepped(b: Backend, model: LastLinear, eta: number, direction: OuterSum): Promise<LastLinear> {
  const theta = Float64Array.from(model.theta);
  await b.addOuter(theta, eta, direction);
  return { ...model, theta };
}

/**
 * Move θ so that the logits at hidden state h are exactly `target` (up to round-off):
 * θ ← θ + h (target − hᵀθ)ᵀ / ‖h‖². Only the component of θ along h changes; this is how a check puts
 * the model in the post-SFT state a theorem assumes without leaving the model family.
 */
export async function pinLogits(b: Backend, model: LastLinear, h: Float64Array, target: Float64Array): Promise<void> {
  const z0 = await b.logits(h, 1, model.theta, model.d, model.V);
  let h2 = 0;
  for (let k = 0; k < h.length; k++) h2 += h[k] * h[k];
  const delta = new Float64Array(model.V);
  for (let v = 0; v < model.V; v++) delta[v] = target[v] - z0[v];
  await b.addOuter(model.theta, 1 / h2, { hidden: h, vocab: delta, n: 1, d: model.d, V: model.V });
}
