// Which weight directions make response 1 rise and every other response fall in one step of a K-response loss
// (symbolic/gram.ts: Δlogp ≈ η·G·d): the polyhedral cone
//   C = { d : (G d)_1 > 0 and (G d)_k < 0 for k > 1 } = { d : S G d > 0 },  S = diag(+1, −1, …, −1),
// decided exactly in rationals (every float64 entry of G is a dyadic rational, so G is taken as given, exactly)
// and always with a certificate, by Gordan's alternative: exactly one of
//   (a) some d has S G d > 0 — a witness d, checked exactly;
//   (b) some μ ≠ 0 with G μ = 0 and s_k μ_k ≥ 0 for every k — then for every d, 0 = μᵀG d = Σ_k μ_k (G d)_k
//       (G symmetric), a sum of terms s_k μ_k · s_k (G d)_k that would all be ≥ 0, and > 0 where μ_k ≠ 0,
//       if d were in C: a contradiction, so C is empty. The certificate μ is checked exactly.
// A non-singular G always has (a) (d = G⁻¹s). A singular one is searched by Fourier–Motzkin elimination over
// a basis of null(G) for (b) and over a basis of range(G) for (a); the search only finds candidates — the verdict
// rests on the exact check of the certificate it returns. A search that grows past ROW_LIMIT is UNDECIDED.

import { type Rat, ratAdd, ratInv, ratMul, ratNeg, ratOf, ratSign } from '../expr/rational.js';
import type { Matrix } from './gram.js';

const ZERO: Rat = { n: 0n, d: 1n };
const ONE: Rat = { n: 1n, d: 1n };
const ratDiv = (a: Rat, b: Rat): Rat => ratMul(a, ratInv(b)!);
const ratToNumber = (a: Rat): number => Number(a.n) / Number(a.d);

/** Fourier–Motzkin stops (UNDECIDED) past this many inequalities at one stage. */
export const ROW_LIMIT = 20_000;

export type ConeVerdict =
  | { readonly status: 'nonempty'; readonly how: string; readonly witness: readonly number[]; readonly change: readonly number[] }
  | { readonly status: 'empty'; readonly how: string; readonly certificate: readonly number[] }
  | { readonly status: 'undecided'; readonly how: string };

/** The sign pattern the cone asks for, response 1 first: + then K − 1 times −. */
export const conePattern = (K: number): string => `+${'-'.repeat(K - 1)}`;

const matVec = (G: readonly (readonly Rat[])[], x: readonly Rat[]): Rat[] => G.map((row) => row.reduce((acc, g, j) => ratAdd(acc, ratMul(g, x[j])), ZERO));

/** Gauss–Jordan elimination on the first `cols` columns of `rows` (exact): the reduced rows and pivot columns. */
function rref(rows: readonly (readonly Rat[])[], cols: number): { a: Rat[][]; pivots: number[] } {
  const a = rows.map((r) => [...r]);
  const pivots: number[] = [];
  let row = 0;
  for (let col = 0; col < cols && row < a.length; col++) {
    const p = a.findIndex((r, i) => i >= row && ratSign(r[col]) !== 0);
    if (p < 0) continue;
    [a[row], a[p]] = [a[p], a[row]];
    const inv = ratInv(a[row][col])!;
    a[row] = a[row].map((x) => ratMul(x, inv));
    for (let i = 0; i < a.length; i++) {
      if (i === row || ratSign(a[i][col]) === 0) continue;
      const f = a[i][col];
      a[i] = a[i].map((x, j) => ratAdd(x, ratNeg(ratMul(f, a[row][j]))));
    }
    pivots.push(col);
    row++;
  }
  return { a, pivots };
}

/** The pivot columns of G and a basis of its null space, exactly. */
function nullBasis(G: readonly (readonly Rat[])[]): { pivots: number[]; basis: Rat[][] } {
  const K = G.length;
  const { a, pivots } = rref(G, K);
  const free = Array.from({ length: K }, (_, j) => j).filter((j) => !pivots.includes(j));
  const basis = free.map((f) => {
    const v: Rat[] = Array.from({ length: K }, () => ZERO);
    v[f] = ONE;
    pivots.forEach((pc, i) => { v[pc] = ratNeg(a[i][f]); });
    return v;
  });
  return { pivots, basis };
}

interface Ineq { readonly a: readonly Rat[]; readonly b: Rat } // a·x ≥ b

/** A point satisfying every a·x ≥ b, or undefined when there is none; 'limit' when elimination grows past ROW_LIMIT. */
export function fourierMotzkin(rows: readonly Ineq[], m: number): Rat[] | undefined | 'limit' {
  const stages: Ineq[][] = [];
  let cur = [...rows];
  for (let j = m - 1; j >= 0; j--) {
    stages.push(cur);
    const pos = cur.filter((r) => ratSign(r.a[j]) > 0), neg = cur.filter((r) => ratSign(r.a[j]) < 0);
    const next = cur.filter((r) => ratSign(r.a[j]) === 0);
    for (const p of pos) {
      for (const q of neg) {
        // p/a_pj + q/|a_qj| eliminates x_j; both scalings are positive, so the inequality's direction is kept.
        const sp = ratInv(p.a[j])!, sq = ratInv(ratNeg(q.a[j]))!;
        next.push({ a: p.a.map((x, i) => ratAdd(ratMul(x, sp), ratMul(q.a[i], sq))), b: ratAdd(ratMul(p.b, sp), ratMul(q.b, sq)) });
      }
    }
    if (next.length > ROW_LIMIT) return 'limit';
    cur = next;
  }
  if (cur.some((r) => ratSign(r.b) > 0)) return undefined; // 0 ≥ b > 0
  // Back-substitution: x_j from the stage where it was still present, the later variables already fixed.
  const x: Rat[] = Array.from({ length: m }, () => ZERO);
  for (let s = stages.length - 1; s >= 0; s--) {
    const j = m - 1 - s;
    let lo: Rat | undefined, hi: Rat | undefined;
    for (const r of stages[s]) {
      const aj = r.a[j];
      if (ratSign(aj) === 0) continue;
      let rest = r.b;
      for (let i = 0; i < j; i++) rest = ratAdd(rest, ratNeg(ratMul(r.a[i], x[i])));
      // Only x_0 … x_j can be non-zero at this stage (x_{j+1} … were eliminated earlier and are 0 here).
      const bound = ratDiv(rest, aj);
      if (ratSign(aj) > 0) { if (!lo || ratSign(ratAdd(bound, ratNeg(lo))) > 0) lo = bound; } else if (!hi || ratSign(ratAdd(bound, ratNeg(hi))) < 0) hi = bound;
    }
    x[j] = lo && hi ? ratMul(ratAdd(lo, hi), { n: 1n, d: 2n }) : lo ?? hi ?? ZERO;
  }
  return x;
}

/** Whether some weights d make response 1 rise and the rest fall with this Gram matrix; see the top of this file. */
export function decideCone(Gf: Matrix): ConeVerdict {
  const K = Gf.length;
  // The symmetric part, exactly: a measured G is symmetric to rounding, and μᵀG d = (Gμ)ᵀd needs symmetry.
  const G = Gf.map((r, i) => r.map((_, j) => ratMul(ratAdd(ratOf(Gf[i][j]), ratOf(Gf[j][i])), { n: 1n, d: 2n })));
  const s = Array.from({ length: K }, (_, k) => (k === 0 ? 1 : -1));
  const checkWitness = (d: Rat[]): ConeVerdict | undefined => {
    const y = matVec(G, d);
    if (!y.every((v, k) => ratSign(v) === s[k])) return undefined;
    return { status: 'nonempty', how: 'a witness d with sign(G d) = (+, −, …, −), checked in exact rational arithmetic on G as given', witness: d.map(ratToNumber), change: y.map(ratToNumber) };
  };
  const { pivots, basis } = nullBasis(G);
  if (basis.length === 0) {
    // G non-singular: d = G⁻¹s gives G d = s exactly (solved through the pivots of [G | s]).
    const d = solve(G, s.map((x) => (x > 0 ? ONE : ratNeg(ONE))));
    const w = d && checkWitness(d);
    if (w) return { ...w, how: `G is non-singular, so d = G⁻¹(+1, −1, …, −1) gives exactly that change; ${w.how}` };
    return { status: 'undecided', how: 'the exact solve of G d = s did not check (an internal inconsistency)' };
  }
  // (b): μ = N t, s_k μ_k ≥ 0 for every k, Σ_k s_k μ_k ≥ 1 (μ ≠ 0, scaled).
  const n = basis.length;
  const mu = (t: readonly Rat[]) => Array.from({ length: K }, (_, k) => basis.reduce((acc, v, i) => ratAdd(acc, ratMul(v[k], t[i])), ZERO));
  const rowsB: Ineq[] = Array.from({ length: K }, (_, k) => ({ a: basis.map((v) => (s[k] > 0 ? v[k] : ratNeg(v[k]))), b: ZERO }));
  rowsB.push({ a: basis.map((v) => v.reduce((acc, x, k) => ratAdd(acc, s[k] > 0 ? x : ratNeg(x)), ZERO)), b: ONE });
  const tB = fourierMotzkin(rowsB, n);
  if (tB === 'limit') return { status: 'undecided', how: `the search for a certificate grew past ${ROW_LIMIT} inequalities` };
  if (tB) {
    const m = mu(tB);
    const inNull = matVec(G, m).every((v) => ratSign(v) === 0);
    const signs = m.every((v, k) => ratSign(v) * s[k] >= 0) && m.some((v) => ratSign(v) !== 0);
    if (inNull && signs) {
      return { status: 'empty', certificate: m.map(ratToNumber),
        how: 'a certificate μ ≠ 0 with G μ = 0, μ_1 ≥ 0 and μ_k ≤ 0 for k > 1 (checked exactly): for any d, 0 = μᵀG d = Σ_k μ_k (G d)_k, which would be > 0 if (G d)_1 > 0 and every other (G d)_k < 0 — so no weights give that step (Gordan\'s alternative)' };
    }
    return { status: 'undecided', how: 'the certificate found did not check exactly (an internal inconsistency)' };
  }
  // (a) over range(G), spanned by G's pivot columns: y = Σ_j c_j G[:, p_j], s_k y_k ≥ 1; then d = c on the pivots.
  const rowsA: Ineq[] = Array.from({ length: K }, (_, k) => ({ a: pivots.map((p) => (s[k] > 0 ? G[k][p] : ratNeg(G[k][p]))), b: ONE }));
  const c = fourierMotzkin(rowsA, pivots.length);
  if (c === 'limit') return { status: 'undecided', how: `the search for a witness grew past ${ROW_LIMIT} inequalities` };
  if (!c) return { status: 'undecided', how: 'neither a witness nor a certificate was found (an internal inconsistency: Gordan\'s alternative says one exists)' };
  const d: Rat[] = Array.from({ length: K }, () => ZERO);
  pivots.forEach((p, i) => { d[p] = c[i]; });
  return checkWitness(d) ?? { status: 'undecided', how: 'the witness found did not check exactly (an internal inconsistency)' };
}

/** x with G x = b for a non-singular G, from the reduced [G | b]; undefined when singular. */
function solve(G: readonly (readonly Rat[])[], b: readonly Rat[]): Rat[] | undefined {
  const K = G.length;
  const { a, pivots } = rref(G.map((r, i) => [...r, b[i]]), K);
  return pivots.length === K ? a.map((r) => r[K]) : undefined;
}
