// One gradient step of a K-response loss, and which sign patterns a step can have.
//
// With G_jk = ⟨∇logp_j, ∇logp_k⟩ (the Gram matrix of the K gradients, symmetric positive semidefinite) and
// ∇L = −Σ_k d_k ∇logp_k, a step of size η moves Δlogp_k ≈ η·⟨∇logp_k, Σ_j d_j ∇logp_j⟩ = η·(G·d)_k: response k
// rises iff Σ_j G_kj d_j ≥ 0 (η > 0).
//
// Which strict sign patterns s ∈ {+,−}^K (s_k = + : response k rises, Δlogp_k > 0; − : it falls) does some PSD G
// reach, for the weights d at a point? Exactly those with s_k·d_k > 0 for at least one k:
//   • reachable (a witness): pick Δ with sign(Δ) = s and dᵀΔ > 0 — |Δ_k| = 1 off P = {k : s_k d_k > 0} and
//     |Δ_k| = T on P, T = (1 + Σ_{k∉P}|d_k|)/Σ_{k∈P}|d_k|, so dᵀΔ = T·Σ_P|d_k| − Σ_{∉P}|d_k| ≥ 1 (with |d_k| bounded
//     above by its enclosure off P and below on P, the inequality holds for the exact weights too). Then
//     v = Δ/√(dᵀΔ) gives G = v vᵀ — the K gradients ∇logp_k = v_k·e, all along one direction e — and
//     G·d = v (vᵀd) = Δ·(dᵀΔ)/(dᵀΔ) = Δ. The witness is re-checked: (G·d)_k is enclosed and its sign certified.
//   • unreachable (a proof): suppose s_k·d_k ≤ 0 for every k and some PSD G gives sign(G·d) = s strictly. Then
//     dᵀG d = Σ_k d_k (G·d)_k ≤ 0, each term having d_k = 0 or the sign opposite to (G·d)_k; G PSD gives
//     dᵀG d = ‖G^{1/2} d‖² ≥ 0, so ‖G^{1/2} d‖ = 0, G^{1/2} d = 0 and G·d = 0 — no strict sign at all, a
//     contradiction. (In particular d = 0 reaches no strict pattern.)
// A pattern is decided only from signs of d_k that their enclosures certify; otherwise it is UNDECIDED.

import { type Interval, iadd, imul, interval, point } from '../expr/interval.js';
import { type MarginError, type Result, fail, ok } from '../errors.js';
import { parseDecimal } from '../loss/domain.js';
import type { Certified } from './interval/enclose.js';
import { signOf } from './interval/enclose.js';

export type Matrix = readonly (readonly number[])[];

/** How far from symmetric and below 0 a Gram matrix may be, relative to its largest entry (float64 round-off of its inputs). */
export const GRAM_TOLERANCE = 1e-9;

const gramError = (message: string, hint?: string): MarginError => ({ code: 'E_POINT', message, at: { slot: '--gram' }, ...(hint ? { hint } : {}) });

/**
 * A K×K Gram matrix from text: its K² entries row by row, separated by commas (or whitespace), or JSON — an
 * array of K rows or a flat array of K² numbers. Refused unless symmetric positive semidefinite.
 */
export function parseGram(text: string, K: number): Result<number[][]> {
  const t = text.trim();
  let entries: unknown[];
  if (t.startsWith('[')) {
    let data: unknown;
    try { data = JSON.parse(t); } catch { return fail(gramError('the Gram matrix is not valid JSON', 'give an array of K rows, e.g. [[1,0],[0,1]]')); }
    if (!Array.isArray(data)) return fail(gramError('the Gram matrix must be a JSON array'));
    if (data.every(Array.isArray)) {
      if (data.length !== K || data.some((row) => (row as unknown[]).length !== K)) return fail(gramError(`the Gram matrix must have ${K} rows of ${K} entries (one per response)`));
      entries = (data as unknown[][]).flat();
    } else entries = data;
    if (entries.some((x) => typeof x !== 'number' || !Number.isFinite(x))) return fail(gramError('every entry of the Gram matrix must be a finite number'));
  } else {
    const parts = t.split(/[\s,]+/).filter(Boolean);
    entries = parts.map((p) => parseDecimal(p));
    const bad = entries.findIndex((x) => x === undefined);
    if (bad >= 0) return fail(gramError(`entry ${bad + 1} of the Gram matrix, '${parts[bad].slice(0, 40)}', is not a finite decimal number`));
  }
  if (entries.length !== K * K) {
    return fail(gramError(`a loss over ${K} responses needs a ${K}×${K} Gram matrix: ${K * K} entries, got ${entries.length}`, 'give the entries row by row, comma-separated, or a JSON file'));
  }
  const G = Array.from({ length: K }, (_, i) => (entries as number[]).slice(i * K, (i + 1) * K));
  const psd = checkPsd(G);
  return psd ? fail(psd) : ok(G);
}

/** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations (K ≤ 8: exact enough, and never slow). */
export function symmetricEigenvalues(G: Matrix): number[] {
  const n = G.length;
  const a = G.map((r) => [...r]);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i][j] * a[i][j];
    if (off < 1e-300) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (a[p][q] === 0) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq; a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk; a[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  return a.map((r, i) => r[i]);
}

/** Why G is no Gram matrix of K gradients (not symmetric, or an eigenvalue below −tolerance·scale), or undefined. */
export function checkPsd(G: Matrix, tolerance = GRAM_TOLERANCE): MarginError | undefined {
  const K = G.length;
  const scale = Math.max(1, ...G.flat().map(Math.abs));
  for (let i = 0; i < K; i++) {
    for (let j = i + 1; j < K; j++) {
      if (Math.abs(G[i][j] - G[j][i]) > tolerance * scale) {
        return gramError(`the Gram matrix is not symmetric: G_${i + 1}${j + 1} = ${G[i][j]} but G_${j + 1}${i + 1} = ${G[j][i]}`, 'G_jk = <grad logp_j, grad logp_k> = G_kj');
      }
    }
  }
  const sym = G.map((r, i) => r.map((_, j) => (G[i][j] + G[j][i]) / 2));
  const min = Math.min(...symmetricEigenvalues(sym));
  if (min < -tolerance * scale * K) {
    return gramError(`the Gram matrix is not positive semidefinite: its smallest eigenvalue is ${min.toPrecision(6)}`,
      'no K gradients have this matrix of inner products; check the entries (diagonal: squared norms, off-diagonal: inner products)');
  }
  return undefined;
}

export type Move = 'up' | 'down' | 'unchanged' | 'undecided';
const moveOf = (iv: Interval): Move => {
  const s = signOf(iv);
  return s === 'positive' ? 'up' : s === 'negative' ? 'down' : s === 'zero' ? 'unchanged' : 'undecided';
};
export const moveSign = (m: Move): string => (m === 'up' ? '+' : m === 'down' ? '-' : m === 'unchanged' ? '0' : '?');

/** The enclosure of a weight an evaluation was certified by. */
const weightInterval = (c: Certified): Interval => interval(c.lo, c.hi, c.lo !== c.value, c.hi !== c.value);

/** Enclosures of η·(G·d)_k from the weights' enclosures. */
function stepEnclosures(G: Matrix, d: readonly Interval[], eta: number): Interval[] {
  return G.map((row) => imul(point(eta), row.reduce((acc: Interval, g, j) => iadd(acc, imul(point(g), d[j])), point(0))));
}

export interface RankedStep {
  /** η·(G·d)_k, float64 (index 0 is response 1). */
  readonly changes: readonly number[];
  /** Each response's move, certified from enclosures ('undecided' where float64 cannot tell). */
  readonly moves: readonly Move[];
  /** The moves as signs, response 1 first: '+', '-', '0' or '?'. */
  readonly pattern: string;
}

/** The first-order changes Δlogp_k = η·(G·d)_k of one step and their signs. */
export function rankedStep(weights: readonly Certified[], G: Matrix, eta = 1): RankedStep {
  const d = weights.map(weightInterval);
  const changes = G.map((row) => eta * row.reduce((acc, g, j) => acc + g * weights[j].value, 0));
  const moves = stepEnclosures(G, d, eta).map(moveOf);
  return { changes, moves, pattern: moves.map(moveSign).join('') };
}

export type PatternVerdict =
  | { readonly pattern: string; readonly status: 'reachable'; readonly how: string; readonly vectors: readonly number[]; readonly gram: Matrix }
  | { readonly pattern: string; readonly status: 'unreachable'; readonly how: string }
  | { readonly pattern: string; readonly status: 'undecided'; readonly how: string };

/** The 2^K strict sign patterns, response 1 first. */
export function allPatterns(K: number): string[] {
  return Array.from({ length: 2 ** K }, (_, m) => Array.from({ length: K }, (_, k) => ((m >> (K - 1 - k)) & 1 ? '-' : '+')).join(''));
}

/** Whether some PSD G gives the strict pattern for these weights: a verified witness, the proof, or UNDECIDED (see the top of this file). */
export function patternVerdict(pattern: string, weights: readonly Certified[]): PatternVerdict {
  const s = [...pattern].map((c) => (c === '+' ? 1 : -1));
  const agree = (k: number) => (s[k] > 0 ? weights[k].lo > 0 : weights[k].hi < 0);
  const opposes = (k: number) => (s[k] > 0 ? weights[k].hi <= 0 : weights[k].lo >= 0);
  const P = s.map((_, k) => k).filter(agree);
  if (P.length === 0) {
    if (s.every((_, k) => opposes(k))) {
      return { pattern, status: 'unreachable', how: 'no response has s_k·d_k > 0: then dᵀG d = Σ_k d_k (G d)_k ≤ 0, and G ⪰ 0 forces G d = 0, with no strict sign' };
    }
    return { pattern, status: 'undecided', how: 'a weight the pattern turns on has an enclosure containing 0 (float64 cannot certify its sign here)' };
  }
  // |d_k| bounded below on P, above off P, so the exact weights satisfy dᵀΔ ≥ 1 too.
  const mag = (k: number) => Math.max(Math.abs(weights[k].lo), Math.abs(weights[k].hi));
  const low = (k: number) => Math.min(Math.abs(weights[k].lo), Math.abs(weights[k].hi));
  const off = s.reduce((acc, _, k) => (P.includes(k) ? acc : acc + mag(k)), 0);
  const T = (1 + off) / P.reduce((acc, k) => acc + low(k), 0);
  const delta = s.map((sk, k) => sk * (P.includes(k) ? T : 1));
  const dDelta = delta.reduce((acc, x, k) => acc + x * weights[k].value, 0);
  const v = delta.map((x) => x / Math.sqrt(dDelta));
  const gram = v.map((a) => v.map((b) => a * b));
  // Checked on the vectors themselves, (G d)_k = v_k·Σ_j v_j d_j, which is exact for the v given (no rounded G).
  const vd = v.reduce((acc: Interval, x, j) => iadd(acc, imul(point(x), weightInterval(weights[j]))), point(0));
  const check = v.map((x) => moveSign(moveOf(imul(point(x), vd)))).join('');
  if (check !== pattern) {
    return { pattern, status: 'undecided', how: `the witness built for it was not certified by interval arithmetic (its step gives ${check})` };
  }
  return { pattern, status: 'reachable', how: `response${P.length > 1 ? 's' : ''} ${P.map((k) => k + 1).join(', ')} ha${P.length > 1 ? 've' : 's'} s_k·d_k > 0; witness: the gradients ∇logp_k = v_k·e along one direction e, G = v vᵀ`, vectors: v, gram };
}

/** Every strict sign pattern's verdict at a point. */
export const patternVerdicts = (weights: readonly Certified[]): PatternVerdict[] => allPatterns(weights.length).map((p) => patternVerdict(p, weights));
