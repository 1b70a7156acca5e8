// The numeric backend: the few array operations the proof checks need, on plain Float64Arrays so that a
// WebGPU implementation (a later issue) can stand in for the CPU one without the checks changing.
// Matrices are row-major. Every method is async because a GPU backend must be; the CPU one resolves
// at once. Sampling is not a backend concern: samplers (src/numeric/sample.ts) draw on the CPU from the
// seeded PRNG, so the same seed gives the same bits whichever backend runs the arithmetic.

export type BackendKind = 'cpu' | 'webgpu';

/**
 * A gradient of the last-linear-layer model, kept in its structure: Σ_i h_i ⊗ r_i, a sum of n outer
 * products of a hidden state h_i ∈ R^d and a vocabulary vector r_i ∈ R^V (r_i = e_{y_i} − s_i for
 * ∇log π). The d×V matrix it stands for is never built unless `materialise` is asked to.
 */
export interface OuterSum {
  /** n×d hidden states. */
  readonly hidden: Float64Array;
  /** n×V vocabulary factors. */
  readonly vocab: Float64Array;
  readonly n: number;
  readonly d: number;
  readonly V: number;
}

export interface Backend {
  readonly kind: BackendKind;

  /** Row-wise softmax of a rows×cols matrix, max-shifted so that no exp overflows. */
  softmax(x: Float64Array, rows: number, cols: number): Promise<Float64Array>;
  /** Row-wise log-softmax, x − max − log Σ exp(x − max). */
  logSoftmax(x: Float64Array, rows: number, cols: number): Promise<Float64Array>;
  /** H θ: the logits of n hidden states (n×d) through θ (d×V), an n×V matrix. */
  logits(hidden: Float64Array, n: number, theta: Float64Array, d: number, V: number): Promise<Float64Array>;

  /**
   * ⟨Σ_i h_i⊗r_i, Σ_j h'_j⊗r'_j⟩_F = Σ_{i,j} (h_iᵀh'_j)(r_iᵀr'_j): the Frobenius inner product of two
   * structured gradients in O(n·n'·(d+V)), never forming d×V.
   */
  outerInner(a: OuterSum, b: OuterSum): Promise<number>;
  /** The d×V matrix Σ_i h_i ⊗ r_i (for cross-checks and the benchmark's materialised variant). */
  materialise(g: OuterSum): Promise<Float64Array>;
  /** θ ← θ + α Σ_i h_i⊗r_i, in place: a gradient step on the last linear layer without forming the gradient. */
  addOuter(theta: Float64Array, alpha: number, g: OuterSum): Promise<void>;

  /** Σ_k x_k y_k (pairwise-blocked summation, so long dot products keep their accuracy). */
  dot(x: Float64Array, y: Float64Array): Promise<number>;
  /** A new array y + α x: a gradient step on a dense parameter. */
  axpy(alpha: number, x: Float64Array, y: Float64Array): Promise<Float64Array>;
  /** Σ_k x_k. */
  sum(x: Float64Array): Promise<number>;
}
