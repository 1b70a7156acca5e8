// The direction audit: over the domain (log-probabilities < 0, params in their ranges, lengths ≥ 1,
// z_ref ≥ 0), can d_w or d_l be ≤ 0 — does the loss on its own push the chosen response down (d_w < 0)
// or the rejected one up (d_l < 0)? It samples the domain with a seeded generator, including the start
// of training (c_ref = logp, a quarter of the points) and the params' defaults (a fifth of the draws of
// each param), and returns witnesses.
// A sampled "never" is evidence, not proof; it says how many points it rests on.

import { type Rng, logUniform, makeRng } from '../util/prng.js';
import type { LossSpec } from '../loss/types.js';
import { type CompiledDerivation, regimeAt } from './point.js';
import { MarginFault } from '../errors.js';
import type { Sign } from './conditions.js';
import type { Expr } from '../expr/expr.js';
import { signAt } from './interval/enclose.js';

export interface Witness {
  readonly values: Readonly<Record<string, number>>;
  readonly value: number;
  readonly regime: string;
}

export interface WeightVerdict {
  readonly weight: 'dW' | 'dL';
  readonly negative: number;
  /** Samples in a regime where the weight is identically 0 (e.g. SLiC-HF past its margin). */
  readonly zero: number;
  /** Samples where a weight that is not identically 0 evaluated to ≤ 0 in float64 but its enclosure is positive (σ of a huge negative number underflows). */
  readonly underflow: number;
  /** Samples where float64 gave ≤ 0 and the enclosure could not certify a sign: counted, never taken as a witness. */
  readonly uncertain: number;
  readonly positive: number;
  readonly min: number;
  readonly max: number;
  /** The most negative sample (its sign certified by an enclosure), or a zero one when nothing was negative. */
  readonly witness?: Witness;
}

export interface DirectionAudit {
  readonly seed: number;
  readonly samples: number;
  /** Samples drawn: `samples`, or fewer when the audit's time budget ran out first (then the findings say so). */
  readonly drawn: number;
  /** Points where every quantity was finite. */
  readonly valid: number;
  readonly dW: WeightVerdict;
  readonly dL: WeightVerdict;
  /** Per regime: how many samples fell in it and which signs d_w and d_l took there. */
  readonly regimes: readonly { readonly index: number; readonly label: string; readonly hits: number;
    readonly dWSigns: readonly Sign[]; readonly dLSigns: readonly Sign[] }[];
  readonly findings: readonly string[];
  /** Why no point was drawn: 'proved' — the proofs decided the sign of both weights in every regime first. */
  readonly skipped?: 'proved';
}

/** One random point of the audit domain. */
export function samplePoint(spec: LossSpec, rng: Rng): Record<string, number> {
  const logp = () => -logUniform(rng, 1e-3, 1e3);
  const v: Record<string, number> = {};
  v.logp_w = logp();
  v.logp_l = logp();
  const atStart = rng.next() < 0.25;
  v.c_ref_w = atStart ? v.logp_w : logp();
  v.c_ref_l = atStart ? v.logp_l : logp();
  v.c_ref = v.c_ref_w - v.c_ref_l;
  v.len_w = auditLength(rng);
  v.len_l = auditLength(rng);
  return sampleContext(spec, rng, v);
}

/** A completion length of the audit domain: log-uniform on [1, 1000], whole. */
export const auditLength = (rng: Rng): number => Math.round(logUniform(rng, 1, 1000));

/** z_ref and the params, drawn into `v` (its last draws, after the log-probabilities; ranked-audit.ts shares it). */
export function sampleContext(spec: LossSpec, rng: Rng, v: Record<string, number>): Record<string, number> {
  v.z_ref = rng.next() < 0.3 ? 0 : logUniform(rng, 1e-3, 10);
  for (const [name, d] of Object.entries(spec.source.params)) {
    const [lo, hi] = d.range ?? [1e-3, 1e3];
    v[name] = rng.next() < 0.2 ? d.default : lo > 0 ? logUniform(rng, lo, hi) : lo + rng.next() * (hi - lo);
  }
  return v;
}

function verdict(weight: 'dW' | 'dL'): { weight: 'dW' | 'dL'; negative: number; zero: number; underflow: number; uncertain: number; positive: number; min: number; max: number; witness?: Witness } {
  return { weight, negative: 0, zero: 0, underflow: 0, uncertain: 0, positive: 0, min: Infinity, max: -Infinity };
}

const identicallyZero = (e: { kind: string; value?: number }) => e.kind === 'num' && e.value === 0;

/**
 * The audit that was not run because the interval proofs had already decided the sign of d_w and d_l in
 * every regime: sampled points could only agree with them. It draws nothing and says so.
 */
export function skippedAudit(samples: number, seed = 1): DirectionAudit {
  return { seed, samples, drawn: 0, valid: 0, dW: verdict('dW'), dL: verdict('dL'), regimes: [], skipped: 'proved',
    findings: ['The proofs below decide the sign of d_w and d_l in every regime, so sampled points could only agree with them.',
      `--samples N draws N points anyway (${samples} by default).`] };
}

/** `deadline` (performance.now()'s clock) stops the sampling early; `budgetMs` is the budget it came from, for the finding. */
export function directionAudit(c: CompiledDerivation, opts: { samples?: number; seed?: number; deadline?: number; budgetMs?: number; onProgress?: (done: number, total: number) => void } = {}): DirectionAudit {
  const samples = opts.samples ?? 4000;
  const seed = opts.seed ?? 1;
  const rng = makeRng(seed);
  const spec = c.derivation.spec;
  const w = verdict('dW'), l = verdict('dL');
  const perRegime = c.regimes.map((r) => ({ index: r.regime.index, label: r.regime.label, hits: 0, dW: new Set<Sign>(), dL: new Set<Sign>() }));
  let valid = 0;
  let drawn = 0;
  const deadline = opts.deadline ?? Infinity;
  // A float64 value ≤ 0 is a finding only when its enclosure certifies the sign; an underflowed
  // positive weight (σ(−800) = 0) is counted apart, and an undecidable one is never a witness.
  const record = (v: ReturnType<typeof verdict>, value: number, env: Record<string, number>, regime: string, symbolicZero: boolean, e: Expr): Sign | undefined => {
    v.min = Math.min(v.min, value);
    v.max = Math.max(v.max, value);
    if (value > 0) { v.positive++; return 'positive'; }
    const s = symbolicZero ? 'zero' : signAt(e, env);
    if (s === 'positive') { v.underflow++; return 'positive'; }
    if (s !== 'negative' && s !== 'zero') { v.uncertain++; return undefined; }
    if (s === 'negative') v.negative++; else v.zero++;
    const better = !v.witness || value < v.witness.value;
    if (better) v.witness = { values: { ...env }, value, regime };
    return s;
  };
  for (let i = 0; i < samples; i++) {
    // The clock is read every 64 samples: a sample costs microseconds, or milliseconds where it is certified exactly.
    if (i % 64 === 0 && i > 0) {
      if (performance.now() > deadline) break;
      opts.onProgress?.(i, samples);
    }
    drawn++;
    const env = samplePoint(spec, rng);
    try {
      const ri = regimeAt(c, env);
      const dW = c.regimes[ri].dW(env), dL = c.regimes[ri].dL(env);
      if (!Number.isFinite(dW) || !Number.isFinite(dL)) continue;
      valid++;
      const reg = perRegime[ri];
      reg.hits++;
      const r = c.regimes[ri].regime;
      const sw = record(w, dW, env, reg.label, identicallyZero(r.dW), r.dW);
      const sl = record(l, dL, env, reg.label, identicallyZero(r.dL), r.dL);
      if (sw) reg.dW.add(sw);
      if (sl) reg.dL.add(sl);
    } catch (e) {
      if (e instanceof MarginFault) continue;
      throw e;
    }
  }
  const fmt = (x: Witness) => Object.entries(x.values).filter(([k]) => k !== 'c_ref').map(([k, v]) => `${k}=${+v.toPrecision(4)}`).join(', ');
  const finding = (v: ReturnType<typeof verdict>, name: 'd_w' | 'd_l', down: string, none: string): string => {
    const uncertain = v.uncertain ? ` At ${v.uncertain} samples float64 gave ≤ 0 but could not certify the sign; they are not counted as witnesses.` : '';
    if (v.negative > 0) return `${name} < 0 at ${v.negative}/${valid} samples, each certified by an enclosure (e.g. ${fmt(v.witness!)}: ${name} = ${v.witness!.value.toPrecision(4)}) — ${down}.${uncertain}`;
    if (v.zero > 0) return `${name} = 0 at ${v.zero}/${valid} samples (regime ${v.witness!.regime}) — ${none}.${uncertain}`;
    return (v.underflow ? `${name} > 0 at ${v.positive}/${valid} samples; at the other ${v.underflow} it evaluates to 0 through float64 underflow (its enclosure is positive: ${name} is not 0 there).` : `${name} > 0 at all ${valid} samples.`) + uncertain;
  };
  const findings = [
    finding(w, 'd_w', 'the loss on its own pushes the chosen response down there', 'no push on the chosen response there'),
    finding(l, 'd_l', 'the loss on its own pushes the rejected response up there', 'no push on the rejected response there; it moves only through ⟨a,b⟩'),
    ...(drawn < samples ? [`The audit stopped after ${drawn} of its ${samples} samples: its time budget${opts.budgetMs !== undefined ? ` (a share of --budget ${opts.budgetMs} ms)` : ''} ran out; the counts above rest on those ${drawn}.`] : []),
  ];
  return {
    seed, samples, drawn, valid, dW: w, dL: l,
    regimes: perRegime.map((r) => ({ index: r.index, label: r.label, hits: r.hits, dWSigns: [...r.dW].sort(), dLSigns: [...r.dL].sort() })),
    findings,
  };
}
