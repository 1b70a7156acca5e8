// fast-check arbitraries for the domain of the theory, shared by `marginlab fuzz` and the property
// suite (properties/arbitraries re-exports them): points of a loss's domain and gradient pairs.
//
// Points: log-probabilities < 0 (moderate, or log-uniform over 1e-3…1e3), reference log-probabilities
// equal to the policy's (start of training) or drawn independently, lengths ≥ 1, z_ref ≥ 0, and each
// param at its default or in its declared range. Everything shrinks towards logp = −1, lengths 1,
// defaults.
//
// Gradient pairs are built from actual vectors, so Cauchy–Schwarz holds by construction: random,
// parallel, anti-parallel, nearly (anti-)parallel, orthogonal, each scaled by 10^k with k in
// −8…8 (tiny and huge norms).

import fc from 'fast-check';
import type { Gram } from '../symbolic/conditions.js';
import type { LossSpec, ParamDecl } from '../loss/types.js';

export type DomainPoint = Record<string, number>;

const LN1000 = Math.log(1000);

/** A log-probability: −exp(t), t ∈ [−ln 1000, ln 1000] (shrinks to −1), or moderate in [−30, −0.05]. */
export const logpArb: fc.Arbitrary<number> = fc.oneof(
  fc.double({ min: -LN1000, max: LN1000, noNaN: true }).map((t) => -Math.exp(t)),
  fc.double({ min: 0.05, max: 30, noNaN: true }).map((x) => -x),
);

function paramArb(d: ParamDecl): fc.Arbitrary<number> {
  const [lo, hi] = d.range ?? [1e-3, 1e3];
  const drawn = lo > 0
    ? fc.double({ min: Math.log(lo), max: Math.log(hi), noNaN: true }).map((t) => Math.min(hi, Math.max(lo, Math.exp(t))))
    : fc.double({ min: lo, max: hi, noNaN: true });
  return fc.oneof(fc.constant(d.default), drawn);
}

/** Random points of a loss's domain (the same domain the direction audit samples). */
export function pointArb(spec: LossSpec): fc.Arbitrary<DomainPoint> {
  const params = Object.entries(spec.source.params);
  return fc.record({
    logp_w: logpArb,
    logp_l: logpArb,
    atStart: fc.boolean(),
    c_ref_w: logpArb,
    c_ref_l: logpArb,
    len_w: fc.integer({ min: 1, max: 1000 }),
    len_l: fc.integer({ min: 1, max: 1000 }),
    z_ref: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 10, noNaN: true })),
    params: fc.tuple(...params.map(([, d]) => paramArb(d))),
  }).map((r) => {
    const v: DomainPoint = { logp_w: r.logp_w, logp_l: r.logp_l };
    v.c_ref_w = r.atStart ? r.logp_w : r.c_ref_w;
    v.c_ref_l = r.atStart ? r.logp_l : r.c_ref_l;
    v.c_ref = v.c_ref_w - v.c_ref_l;
    v.len_w = r.len_w;
    v.len_l = r.len_l;
    v.z_ref = r.z_ref;
    params.forEach(([name], i) => { v[name] = r.params[i]; });
    return v;
  });
}

export type GramKind = 'random' | 'parallel' | 'anti-parallel' | 'nearly-parallel' | 'nearly-anti-parallel' | 'orthogonal';
export const GRAM_KINDS: readonly GramKind[] = ['random', 'parallel', 'anti-parallel', 'nearly-parallel', 'nearly-anti-parallel', 'orthogonal'];

/** A gradient pair a = ∇logp_w, b = ∇logp_l and its Gram data. */
export interface GradientPair extends Gram {
  readonly kind: GramKind;
  readonly a: readonly number[];
  readonly b: readonly number[];
}

const dot = (x: readonly number[], y: readonly number[]): number => x.reduce((s, xi, i) => s + xi * y[i], 0);

/** Build a pair of the given kind from two raw vectors; public so tests can check the construction. */
export function buildPair(kind: GramKind, rawA: readonly number[], rawB: readonly number[], k: number, eps: number, scaleA: number, scaleB: number): GradientPair {
  const n = rawA.length;
  let a = [...rawA];
  if (dot(a, a) === 0) a = a.map((_, i) => (i === 0 ? 1 : 0));
  let b: number[];
  switch (kind) {
    case 'random': b = [...rawB]; if (dot(b, b) === 0) b = b.map((_, i) => (i === n - 1 ? 1 : 0)); break;
    case 'parallel': b = a.map((x) => k * x); break;
    case 'anti-parallel': b = a.map((x) => -k * x); break;
    case 'nearly-parallel': b = a.map((x, i) => k * x + eps * rawB[i]); break;
    case 'nearly-anti-parallel': b = a.map((x, i) => -k * x + eps * rawB[i]); break;
    case 'orthogonal': {
      const c = dot(rawB, a) / dot(a, a);
      b = rawB.map((x, i) => x - c * a[i]);
      if (dot(b, b) < 1e-12 * dot(a, a)) b = a.map((_, i) => (i === 0 ? -a[1] : i === 1 ? a[0] : 0));
      break;
    }
  }
  if (dot(b, b) === 0) b = a.map((x) => k * x);
  a = a.map((x) => x * scaleA);
  b = b.map((x) => x * scaleB);
  return { kind, a, b, innerWL: dot(a, b), normW2: dot(a, a), normL2: dot(b, b) };
}

/** Random gradient pairs, every kind, each vector scaled by 10^k, k ∈ −8…8 (b at a's scale unless drawn apart). */
export function gramArb(): fc.Arbitrary<GradientPair> {
  return fc.integer({ min: 2, max: 6 }).chain((n) => {
    const vec = fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n });
    return fc.record({
      kind: fc.constantFrom(...GRAM_KINDS),
      a: vec,
      b: vec,
      k: fc.double({ min: 0.01, max: 100, noNaN: true }),
      eps: fc.double({ min: -9, max: -2, noNaN: true }).map((t) => 10 ** t),
      sa: fc.integer({ min: -8, max: 8 }),
      sb: fc.option(fc.integer({ min: -8, max: 8 }), { nil: undefined }),
    });
  }).map((r) => buildPair(r.kind, r.a, r.b, r.k, r.eps, 10 ** r.sa, 10 ** (r.sb ?? r.sa)));
}

/** Random points of a K-response loss: logp_k < 0, c_ref_k = logp_k (start of training) or drawn, len_k ≥ 1, params. */
export function rankedPointArb(spec: LossSpec): fc.Arbitrary<DomainPoint> {
  const K = spec.ranked?.K ?? 2;
  const params = Object.entries(spec.source.params);
  const perResponse = fc.record({ logp: logpArb, cRef: logpArb, len: fc.integer({ min: 1, max: 1000 }) });
  return fc.record({
    responses: fc.array(perResponse, { minLength: K, maxLength: K }),
    atStart: fc.boolean(),
    params: fc.tuple(...params.map(([, d]) => paramArb(d))),
  }).map((r) => {
    const v: DomainPoint = {};
    r.responses.forEach((x, i) => {
      v[`logp_${i + 1}`] = x.logp;
      v[`c_ref_${i + 1}`] = r.atStart ? x.logp : x.cRef;
      v[`len_${i + 1}`] = x.len;
    });
    params.forEach(([name], i) => { v[name] = r.params[i]; });
    return v;
  });
}

/** K gradient rows ∇logp_1 … ∇logp_K (their Gram matrix is PSD by construction) and a step size η. */
export interface GradientRows {
  readonly rows: readonly (readonly number[])[];
  readonly eta: number;
}

/**
 * K gradient rows in R^n (n = 1 … 6), each entry in [−1, 1], the whole set scaled by 10^s (s ∈ −4…4); a row is
 * sometimes a copy or the negative of another, so rank-deficient Gram matrices are drawn too.
 */
export function gradientRowsArb(K: number): fc.Arbitrary<GradientRows> {
  return fc.integer({ min: 1, max: 6 }).chain((n) => fc.record({
    raw: fc.array(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n }), { minLength: K, maxLength: K }),
    copies: fc.array(fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 },
      { arbitrary: fc.tuple(fc.integer({ min: 0, max: K - 1 }), fc.constantFrom(1, -1)), weight: 1 }), { minLength: K, maxLength: K }),
    s: fc.integer({ min: -4, max: 4 }),
    eta: fc.constantFrom(1, 0.1, 1e-3),
  })).map((r) => {
    const rows = r.raw.map((row, k) => {
      const c = r.copies[k];
      const base = c && c[0] < k ? r.raw[c[0]].map((x) => c[1] * x) : row;
      return base.map((x) => x * 10 ** r.s);
    });
    return { rows, eta: r.eta };
  });
}
