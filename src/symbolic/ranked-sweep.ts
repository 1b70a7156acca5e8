// A sweep of a loss over K ranked responses: d_1 … d_K (and L; and, given the K×K Gram matrix of a step, the
// predicted Δlogp_k = η·(G·d)_k) over one variable of the point — a logp_k, a c_ref_k, a len_k or a param.
// Every value comes from evaluateRanked, so each weight is certified by an interval enclosure; where it refuses
// (E_ILL_CONDITIONED, E_ON_BOUNDARY, …) the sample is a gap with the refusal's code, never a number, and a Δlogp_k
// whose sign the enclosures cannot certify is a gap too. Regime boundaries are located by bisection, as for two
// responses (sweep.ts, whose Sweep this returns, with quantities named d_k, L, dLogp_k). Pure: no I/O, no randomness.

import { dependsOn, symbolsOf } from '../expr/expr.js';
import { type ErrorCode, type MarginError, type Result, didYouMean, fail, ok } from '../errors.js';
import { logpName, rankedName, rankedSymbols } from '../loss/ranked.js';
import { type Matrix, rankedStep } from './gram.js';
import { type CompiledRanked, completeRankedPoint, evaluateRanked, weightName } from './ranked.js';
import { type BoundaryPoint, type Sweep, type SweepGap, type SweepRequest, type SweepSample, axisValues, bisect, domainError } from './sweep.js';
import { regimeAt } from './point.js';

/** A sweep request with K responses' quantities (d_1 … d_K, L, dLogp_1 … dLogp_K: the last need the Gram matrix) and a K×K Gram matrix. */
export type RankedSweepRequest = Omit<SweepRequest, 'of' | 'gram'> & { readonly of: readonly string[]; readonly gram?: Matrix };

/** Response k's predicted change of one step, as a quantity name. */
export const changeName = (k: number): string => `dLogp_${k}`;

/** The quantities a K-response sweep knows, and the default: every d_k, and with a Gram matrix every Δlogp_k. */
export const rankedQuantities = (K: number): string[] => [...Array.from({ length: K }, (_, i) => weightName(i + 1)), 'L', ...Array.from({ length: K }, (_, i) => changeName(i + 1))];
export const defaultRankedQuantities = (K: number, withGram: boolean): string[] =>
  rankedQuantities(K).filter((q) => q.startsWith('d_') || (withGram && q.startsWith('dLogp_')));

/** `--of d_1,d_3,L`: each a quantity of this K (with a did-you-mean). */
export function parseRankedQuantities(list: string, K: number): Result<string[]> {
  const known = rankedQuantities(K);
  const names = list.split(',').map((x) => x.trim()).filter(Boolean);
  const errors: MarginError[] = names.filter((n) => !known.includes(n)).map((n): MarginError => {
    const guess = didYouMean(n, known);
    return { code: 'E_USAGE', message: `unknown quantity '${n}' for a loss over ${K} ranked responses`, at: { slot: '--of', symbol: n }, hint: guess ? `did you mean '${guess}'?` : `quantities: ${known.join(', ')}` };
  });
  if (!names.length) errors.push({ code: 'E_USAGE', message: '--of names no quantity', at: { slot: '--of' }, hint: `quantities: ${known.join(', ')}` });
  return errors.length ? fail(...errors) : ok([...new Set(names)]);
}

function validate(c: CompiledRanked, r: RankedSweepRequest): MarginError[] {
  const d = c.derivation, K = d.K, L = d.spec.ranked!.L;
  const known = rankedSymbols(K, d.spec.source.params);
  const errors: MarginError[] = [];
  if (r.axes.length !== 1) {
    errors.push({ code: 'E_USAGE', message: `a sweep of a loss over ${K} ranked responses has one variable, got ${r.axes.length}`, at: { slot: '--over' },
      hint: 'sweep one logp_k, c_ref_k, len_k or param, and hold the others with --at' });
  }
  for (const a of r.axes.slice(0, 1)) {
    if (!known.has(a.name)) {
      const guess = didYouMean(a.name, known);
      errors.push({ code: 'E_POINT', message: `'${a.name}' is not a variable of this loss's point`, at: { slot: '--over', symbol: a.name },
        hint: guess ? `did you mean '${guess}'?` : `variables: ${[...known].join(', ')}` });
      continue;
    }
    if (!(a.lo < a.hi)) errors.push({ code: 'E_USAGE', message: `'${a.name}': lo must be below hi, got ${a.lo}:${a.hi}`, at: { slot: '--over', symbol: a.name } });
    if (a.log && !(a.lo * a.hi > 0)) errors.push({ code: 'E_USAGE', message: `'${a.name}': a log-spaced range must not include 0, got ${a.lo}:${a.hi}`, at: { slot: '--over', symbol: a.name } });
    if (!Number.isInteger(a.n) || a.n < 2 || a.n > 5001) errors.push({ code: 'E_USAGE', message: `'${a.name}': between 2 and 5001 samples, got ${a.n}`, at: { slot: '--over', symbol: a.name } });
    const dom = domainError(a);
    if (dom) errors.push({ code: 'E_POINT', message: dom, at: { slot: '--over', symbol: a.name } });
    if (a.name in r.at) errors.push({ code: 'E_USAGE', message: `'${a.name}' is both swept and fixed with --at`, at: { slot: '--at', symbol: a.name } });
  }
  const swept = new Set(r.axes.map((a) => a.name));
  for (let k = 1; k <= K; k++) {
    const logp = logpName(k), ref = rankedName('c_ref', k);
    if (!swept.has(logp) && r.at[logp] === undefined) {
      errors.push({ code: 'E_POINT', message: `the sweep needs a value for ${logp}`, at: { slot: '--at', symbol: logp }, hint: `give it with --at ${logp}=-12, or sweep it with --over ${logp}=-40:-1` });
    }
    // The documented default c_ref_k = logp_k would move the reference with the swept policy.
    if (swept.has(logp) && dependsOn(L, ref) && r.at[ref] === undefined) {
      errors.push({ code: 'E_POINT', message: `sweeping ${logp} moves the policy; this loss reads its reference ${ref}, which has to be held somewhere`, at: { slot: '--at', symbol: ref },
        hint: `give it with --at ${ref}=-12 (the default ${ref} = ${logp} would move the reference with the policy)` });
    }
  }
  const steps = r.of.filter((q) => q.startsWith('dLogp_'));
  if (steps.length && !r.gram) errors.push({ code: 'E_USAGE', message: `${steps.join(', ')} need the Gram matrix of a step`, at: { slot: '--of' }, hint: `give --gram with the ${K}×${K} entries row by row` });
  if (!r.of.length) errors.push({ code: 'E_USAGE', message: 'nothing to sweep: --of names no quantity', at: { slot: '--of' } });
  return errors;
}

function sampleAt(c: CompiledRanked, given: Record<string, number>, r: RankedSweepRequest, at: number[]): Result<SweepSample<string>> {
  const p = completeRankedPoint(c.derivation, given);
  if (!p.ok) return p;
  const values: Record<string, number | null> = {};
  const gaps: Record<string, SweepGap> = {};
  const e = evaluateRanked(c, p.value);
  if (!e.ok) {
    for (const q of r.of) { values[q] = null; gaps[q] = { code: e.errors[0].code, message: e.errors[0].message }; }
    return ok({ at, regime: regionOf(c, p.value.values), values, gaps, caseId: null });
  }
  const step = r.gram ? rankedStep(e.value.certified, r.gram, r.eta ?? 1) : undefined;
  for (const q of r.of) {
    if (q === 'L') {
      values.L = e.value.L;
      if (e.value.L === null) gaps.L = { code: 'E_ILL_CONDITIONED', message: 'L has no significant digit in float64 at this point' };
    } else if (q.startsWith('d_')) values[q] = e.value.d[Number(q.slice(2)) - 1];
    else if (step) {
      const k = Number(q.slice('dLogp_'.length)) - 1;
      if (step.moves[k] === 'undecided') { values[q] = null; gaps[q] = { code: 'E_ILL_CONDITIONED', message: `the sign of Δlogp_${k + 1} cannot be certified in float64 at this point` }; }
      else values[q] = step.moves[k] === 'unchanged' ? 0 : step.changes[k];
    }
  }
  return ok({ at, regime: e.value.regime.index, values, gaps, caseId: null });
}

/** The regime at a point, or null where regimeAt refuses (on a boundary, or undecidable). */
function regionOf(c: CompiledRanked, env: Readonly<Record<string, number>>): number | null {
  try { return regimeAt(c, env); } catch { return null; }
}

function regimeAtValue(c: CompiledRanked, base: Readonly<Record<string, number>>, name: string, x: number): number | null {
  const p = completeRankedPoint(c.derivation, { ...base, [name]: x });
  return p.ok ? regionOf(c, p.value.values) : null;
}

export function rankedSweep(c: CompiledRanked, r: RankedSweepRequest): Result<Sweep<string>> {
  const errors = validate(c, r);
  if (errors.length) return fail(...errors);
  const d = c.derivation, a = r.axes[0];
  const xs = axisValues(a);
  const samples: SweepSample<string>[] = [];
  for (const x of xs) {
    const s = sampleAt(c, { ...r.at, [a.name]: x }, r, [x]);
    if (!s.ok) return s;
    samples.push(s.value);
  }
  const byCode: Partial<Record<ErrorCode, number>> = {};
  let refusedSamples = 0, refusedValues = 0;
  for (const s of samples) {
    const gs = Object.values(s.gaps) as SweepGap[];
    if (gs.length) refusedSamples++;
    refusedValues += gs.length;
    for (const code of new Set(gs.map((g) => g.code))) byCode[code] = (byCode[code] ?? 0) + 1;
  }
  const boundaries: BoundaryPoint[] = [];
  const reg = xs.map((x, i) => samples[i].regime ?? regimeAtValue(c, r.at, a.name, x));
  let last = -1;
  reg.forEach((k, i) => {
    if (k === null) return;
    if (last >= 0 && reg[last] !== k) boundaries.push({ at: bisect(a, xs[last], xs[i], reg[last]!, (x) => regimeAtValue(c, r.at, a.name, x)), from: reg[last]!, to: k });
    last = i;
  });
  // The defaults the points took (c_ref_k = logp_k, len_k = 1, params), of the symbols L reads and the sweep does not set.
  const first = completeRankedPoint(d, { ...r.at, [a.name]: xs[0] });
  const reads = symbolsOf(d.spec.ranked!.L);
  const defaults = first.ok ? first.value.defaults.filter((x) => x.name !== a.name && reads.has(x.name)) : [];
  return ok({
    loss: { id: d.spec.source.id, name: d.spec.source.name }, axes: r.axes, of: r.of, gram: null, gramMatrix: r.gram ?? null, eta: r.eta ?? 1,
    fixed: { ...r.at }, defaults, regimes: d.regimes.map((x) => x.label),
    samples, refused: { samples: refusedSamples, values: refusedValues, byCode }, ratioUndefined: 0, boundaries, regimeEdges: [], case1Edges: [],
  });
}
