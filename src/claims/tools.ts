// Shared machinery for checking claims: catalogue analyses (derived once), samplers for domain points
// and gradient pairs, and comparisons of two losses' weights.

import { CATALOGUE, findEntry } from '../loss/catalogue/index.js';
import { checkLoss } from '../loss/check.js';
import { fromCatalogue, printedSource } from '../loss/file.js';
import type { LossSource, LossSpec } from '../loss/types.js';
import { MarginFault } from '../errors.js';
import { mustDerive } from '../symbolic/derive.js';
import { type CompiledDerivation, compileDerivation, regimeAt } from '../symbolic/point.js';
import { samplePoint } from '../symbolic/audit.js';
import type { Gram } from '../symbolic/conditions.js';
import { type Rng, logUniform } from '../util/prng.js';
import type { Evidence, Verdict, VerdictStatus } from '../numeric/verdict.js';

const cache = new Map<string, CompiledDerivation>();

function compiledOf(key: string, src: () => LossSource | undefined): CompiledDerivation {
  const hit = cache.get(key);
  if (hit) return hit;
  const s = src();
  if (!s) throw new Error(`internal: no loss for ${key}`);
  const spec = checkLoss(s);
  if (!spec.ok) throw new Error(`internal: ${key}: ${spec.errors.map((e) => e.message).join('; ')}`);
  const c = compileDerivation(mustDerive(spec.value));
  cache.set(key, c);
  return c;
}

/** A catalogue loss, derived and compiled once per process. */
export const lossOf = (id: string): CompiledDerivation => compiledOf(id, () => { const e = findEntry(id); return e && fromCatalogue(e); });

/** A Table 2 row exactly as printed, derived and compiled once per process. */
export const printedOf = (id: string): CompiledDerivation => compiledOf(`${id}@printed`, () => { const e = findEntry(id); return e && printedSource(e); });

export const specOf = (id: string): LossSpec => lossOf(id).derivation.spec;

export const paperIds = (): string[] => CATALOGUE.filter((e) => e.inPaper).map((e) => e.id);

export interface Weights { readonly env: Record<string, number>; readonly regime: number; readonly dW: number; readonly dL: number }

/** Weights at one point, or undefined where the point is on a boundary or leaves the reals. */
export function weightsAt(c: CompiledDerivation, env: Record<string, number>): Weights | undefined {
  try {
    const i = regimeAt(c, env);
    const dW = c.regimes[i].dW(env), dL = c.regimes[i].dL(env);
    return Number.isFinite(dW) && Number.isFinite(dL) ? { env, regime: i, dW, dL } : undefined;
  } catch (e) {
    if (e instanceof MarginFault) return undefined;
    throw e;
  }
}

/** A random gradient pair (a, b) in R^k: generic, nearly parallel, orthogonal, anti-parallel, tiny or huge. */
export function randomPair(rng: Rng): { a: number[]; b: number[]; gram: Gram } {
  const k = rng.int(2, 8);
  const vec = () => Array.from({ length: k }, () => rng.normal());
  const a = vec();
  let b = vec();
  const mode = rng.int(0, 5);
  if (mode === 1) b = a.map((x, i) => x + 1e-3 * b[i]);
  else if (mode === 2) { const t = dot(a, b) / dot(a, a); b = b.map((x, i) => x - t * a[i]); }
  else if (mode === 3) b = a.map((x, i) => -x + 0.05 * b[i]);
  else if (mode === 4) b = b.map((x, i) => 0.7 * a[i] + 0.3 * x);
  const sa = logUniform(rng, 1e-3, 1e3), sb = logUniform(rng, 1e-3, 1e3);
  const as = a.map((x) => x * sa), bs = b.map((x) => x * sb);
  return { a: as, b: bs, gram: { innerWL: dot(as, bs), normW2: dot(as, as), normL2: dot(bs, bs) } };
}

export const dot = (x: readonly number[], y: readonly number[]): number => x.reduce((s, v, i) => s + v * y[i], 0);

/**
 * Valid sampled points of each listed catalogue loss (every entry by default), loss after loss. A loss's
 * points are drawn when the walk reaches it, so the caller's own draws from rng between points keep the
 * order a nested loop over losses and points would give (the audit's seeds reproduce).
 */
export function* sampleCatalogue(rng: Rng, perLoss: number, ids: readonly string[] = CATALOGUE.map((e) => e.id)): Generator<{ id: string; c: CompiledDerivation; w: Weights }> {
  for (const id of ids) {
    const c = lossOf(id);
    for (const w of sampleWeights(c, rng, perLoss)) yield { id, c, w };
  }
}

/** Each point with a random gradient pair, drawn as the walk reaches it (the order of a loop drawing one per point). */
export function* withPairs(ws: Iterable<Weights>, rng: Rng): Generator<Weights & { a: number[]; b: number[]; gram: Gram }> {
  for (const w of ws) yield { ...w, ...randomPair(rng) };
}

/** The largest error over the items (0 when none is positive) and the first item that reached it. */
export function worstOf<T>(items: Iterable<T>, error: (t: T) => number): { worst: number; at: T | undefined } {
  let worst = 0, at: T | undefined;
  for (const t of items) { const e = error(t); if (e > worst) { worst = e; at = t; } }
  return { worst, at };
}

/** A Gram's three numbers rounded for a report. */
export const roundGram = (g: Gram): Gram => ({ innerWL: r4(g.innerWL), normW2: r4(g.normW2), normL2: r4(g.normL2) });

/** Sample valid points of a loss's domain. */
export function sampleWeights(c: CompiledDerivation, rng: Rng, n: number, tweak?: (env: Record<string, number>) => void): Weights[] {
  const out: Weights[] = [];
  for (let i = 0; i < n * 4 && out.length < n; i++) {
    const env = samplePoint(c.derivation.spec, rng);
    tweak?.(env);
    env.c_ref = env.c_ref_w - env.c_ref_l;
    const w = weightsAt(c, env);
    if (w) out.push(w);
  }
  return out;
}

export const relErr = (x: number, y: number): number => Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y), 1e-300);

export function verdict(id: string, status: VerdictStatus, summary: string, evidence: Partial<Evidence> & { samples: number; seed: number },
  extra: { assumption?: string; backend?: Verdict['backend'] } = {}): Verdict {
  return {
    id, status, summary,
    assumption: extra.assumption,
    evidence: { maxAbsError: 0, maxRelError: 0, ...evidence },
    backend: extra.backend ?? 'cpu',
  };
}

/** Round for reports: 4 significant digits. */
export const r4 = (x: number): number => +x.toPrecision(4);
export const roundEnv = (env: Readonly<Record<string, number>>): Record<string, number> =>
  Object.fromEntries(Object.entries(env).filter(([k]) => k !== 'c_ref').map(([k, v]) => [k, r4(v)]));
