// `marginlab fuzz`: the laws of src/symbolic/laws.ts, driven by fast-check over one loss's domain, with
// shrinking to a minimal counterexample. The property suite runs the same laws over the catalogue and
// random losses; this is the same machinery for a user's own loss.
//
// Engine laws (a counterexample is a bug in marginlab, or a loss it mis-derives):
//   derivative  d_w, d_l match finite differences of L; d_w/d_l is the ratio of the two
//   regimes     off the boundaries exactly one regime holds
//   conditions  (9)/(10) with sign handling agree with the sign of the first-order step
//   simplify    the simplified L has the value of L as written
//   print       every derived expression prints to text that parses back to the same value
//   margin      (margin-only losses) Δ(logp_w − logp_l) = d_w‖∇logp_w − ∇logp_l‖², eq. (6)
// Finding (a property of the loss, not a bug): whether the margin can shrink to first order.
//
// A counterexample is shrunk by fast-check, then tidied (src/fuzz/witness.ts) into a well-scaled witness
// of the same failure: defaults and plain digits where they still fail, unit-scale gradients where the
// law allows. Values are printed at full precision, so `--at` reproduces the witness exactly.

import fc from 'fast-check';
import type { Expr } from '../expr/expr.js';
import { ARG, LOGP_L, LOGP_W } from '../loss/symbols.js';
import { CONTEXT_NAMES } from '../loss/symbols.js';
import { type Derivation, derive } from '../symbolic/derive.js';
import { marginForm, marginFormSpec } from '../symbolic/margin-form.js';
import { conditionLaw, derivativeLaw, isMarginOnly, type LawOutcome, marginChange, marginFormLaw, marginLaw, parsePrintLaw, rawLoss,
  regimeCoverLaw, simplifyLaw } from '../symbolic/laws.js';
import { type CompiledDerivation, compileDerivation, pointShown, regimeAt } from '../symbolic/point.js';
import { MarginFault } from '../errors.js';
import { type DomainPoint, type GradientPair, gramArb, pointArb } from './arbitraries.js';
import { tidyWitness } from '../fuzz/witness.js';

export type LawName = 'derivative' | 'regimes' | 'conditions' | 'simplify' | 'print' | 'margin' | 'margin-form' | 'step' | 'margin-shrinks';

export interface LawSpec {
  readonly name: LawName;
  /** What the law says (an engine law) or what is looked for (a finding). */
  readonly title: string;
  /** A finding's wording: what a counterexample shows, and what none found means. */
  readonly found?: string;
  readonly notFound?: string;
  /** false: a counterexample is reported as a finding about the loss, not as a failure. */
  readonly engine: boolean;
  readonly needsGram: boolean;
  readonly check: (c: CompiledDerivation, env: DomainPoint, g: GradientPair) => LawOutcome;
  /** Why the law does not apply to this loss (it is then reported, with the reason, and not run). */
  readonly notApplicable?: string;
}

/** A law that does not apply to a loss: listed with the reason, never silently left out. */
export const notApplicable = (name: LawName, title: string, reason: string, engine = true): LawSpec =>
  ({ name, title, engine, needsGram: false, notApplicable: reason, check: () => ({ status: 'skip', reason }) });

type GramReport = { innerWL: number; normW2: number; normL2: number; kind: string; a: readonly number[]; b: readonly number[] };

export interface Counterexample {
  /** The witness after tidying: a counterexample of the same law, well-scaled where the law allows. */
  readonly point: DomainPoint;
  readonly gram?: GramReport;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly shrinks: number;
  /** How the shrunk case was tidied into this witness, in order (empty: it was already plain). */
  readonly tidied: readonly string[];
  /** fast-check's shrunk case, before tidying. */
  readonly shrunk: { readonly point: DomainPoint; readonly gram?: GramReport };
  /** fast-check's replay path: `fc.check(..., { seed, path })` replays the shrunk case (not the tidied one). */
  readonly path?: string;
  /** A K-response loss's step: the gradient rows ∇logp_1 … ∇logp_K, their Gram matrix and η. */
  readonly gradients?: { readonly rows: readonly (readonly number[])[]; readonly gram: readonly (readonly number[])[]; readonly eta: number };
}

export interface LawRun {
  readonly law: LawName;
  readonly title: string;
  /** The result in words: for a finding, what was found (or that nothing was). */
  readonly summary: string;
  readonly engine: boolean;
  readonly runs: number;
  /** Samples where the law could be judged (not skipped), in the main run (shrinking excluded). */
  readonly valid: number;
  readonly skipped: Readonly<Record<string, number>>;
  readonly counterexample?: Counterexample;
  /** Why the law does not apply to this loss (then runs = valid = 0). */
  readonly notApplicable?: string;
}

export const FUZZ_SCHEMA = 'marginlab/fuzz@1';

export interface FuzzReport {
  readonly schema: typeof FUZZ_SCHEMA;
  readonly loss: string;
  readonly seed: number;
  readonly runs: number;
  readonly laws: readonly LawRun[];
  /** No engine law has a counterexample. */
  readonly ok: boolean;
  /** Engine laws judged on fewer than `minValid` samples. */
  readonly inconclusive: readonly LawName[];
}

const allSymbols = (d: Derivation): string[] => [ARG, LOGP_W, LOGP_L, ...CONTEXT_NAMES, ...Object.keys(d.spec.source.params)];

/** The derived expressions of every regime that `print` must round-trip. */
function printed(d: Derivation): Expr[] {
  return [d.spec.m, d.spec.h_w, d.spec.h_l, d.spec.Lambda, d.spec.Lambda_l, ...(d.u ? [d.u] : []), ...(d.spec.L ? [d.spec.L] : []), d.L, ...d.regimes.flatMap((r) => [r.dW, r.dL, ...(r.ratio ? [r.ratio] : []), ...(r.invRatio ? [r.invRatio] : [])])];
}

/** The laws `fuzz` runs on a loss (the margin identity only where the loss is margin-only). */
export function lawsFor(d: Derivation): LawSpec[] {
  const raw = rawLoss(d);
  const exprs = printed(d);
  const symbols = allSymbols(d);
  const laws: LawSpec[] = [
    { name: 'derivative', title: 'd_w = −∂L/∂logp_w, d_l = ∂L/∂logp_l (central differences)', engine: true, needsGram: false,
      check: (c, env) => derivativeLaw(c, env) },
    { name: 'regimes', title: 'exactly one regime holds off the boundaries', engine: true, needsGram: false,
      check: (c, env) => regimeCoverLaw(c, env) },
    { name: 'conditions', title: 'conditions (9)/(10) agree with the first-order step', engine: true, needsGram: true,
      check: (c, env, g) => conditionLaw(c, env, g) },
    { name: 'simplify', title: 'the simplified L has the value of L as written', engine: true, needsGram: false,
      check: (_c, env) => simplifyLaw(raw, env, d.L) },
    { name: 'print', title: 'derived expressions print → parse to the same value', engine: true, needsGram: false,
      check: (_c, env) => {
        const at = { ...env, [ARG]: env[LOGP_W] };
        for (const e of exprs) { const o = parsePrintLaw(e, symbols, at); if (o.status === 'fail') return o; }
        return { status: 'pass' };
      } },
  ];
  const marginTitle = 'eq. (6): Δ(logp_w − logp_l) = d_w‖∇logp_w − ∇logp_l‖² (margin-only loss)';
  laws.push(isMarginOnly(d.spec)
    ? { name: 'margin', title: marginTitle, engine: true, needsGram: true, check: (c, env, g) => marginIdentity(c, env, g) }
    : notApplicable('margin', marginTitle, d.spec.L ? 'the loss is written whole as L, not as m(h(logp_w) − h(logp_l)) with one affine h and Λ_w = Λ_l = 0'
      : 'the loss is not margin-only: m(h(logp_w) − h(logp_l)) with one affine h and Λ_w = Λ_l = 0'));
  laws.push(marginFormLawFor(d));
  // The law holds where the margin does not shrink; its counterexample is the finding.
  laws.push({ name: 'margin-shrinks', title: 'can a step shrink the margin logp_w − logp_l to first order? (eq. 6)', engine: false, needsGram: true,
    found: 'a step can shrink the margin logp_w − logp_l to first order (eq. 6)',
    notFound: 'no judged sample shrank the margin logp_w − logp_l to first order (eq. 6)',
    check: (c, env, g) => marginLaw(c, env, g) });
  return laws;
}

/** A general L whose margin form is recovered: the recovered slots, derived as eq. (8), give L's d_w and d_l. */
function marginFormLawFor(d: Derivation): LawSpec {
  const title = "the recovered margin form (m, h_w, h_l, Λ_w, Λ_l) gives L's d_w and d_l";
  if (!d.spec.L) return notApplicable('margin-form', title, "the loss is written in eq. (8)'s slots: there is no margin form to recover");
  const form = marginForm(d.spec);
  if (!form.slots) return notApplicable('margin-form', title, `no margin form was recovered: ${form.reason}`);
  const back = derive(marginFormSpec(d.spec, form.slots));
  if (!back.ok) return notApplicable('margin-form', title, `the recovered margin form could not be derived: ${back.errors[0].message}`);
  const recovered = compileDerivation(back.value);
  return { name: 'margin-form', title, engine: true, needsGram: false, check: (c, env) => marginFormLaw(c, recovered, env) };
}

/** For a margin-only loss: d_w = d_l and Δmargin = d_w‖a − b‖². */
export function marginIdentity(c: CompiledDerivation, env: DomainPoint, g: GradientPair): LawOutcome {
  let ri: number;
  try { ri = regimeAt(c, env); } catch (e) { if (e instanceof MarginFault) return { status: 'skip', reason: 'no regime' }; throw e; }
  let dW: number, dL: number;
  try { dW = c.regimes[ri].dW(env); dL = c.regimes[ri].dL(env); } catch (e) { if (e instanceof MarginFault) return { status: 'skip', reason: 'undefined' }; throw e; }
  if (!Number.isFinite(dW) || !Number.isFinite(dL)) return { status: 'skip', reason: 'not finite' };
  const diff2 = g.a.reduce((s, x, i) => s + (x - g.b[i]) ** 2, 0);
  const change = marginChange({ dW, dL }, g);
  const expected = dW * diff2;
  const scale = (Math.abs(dW) + Math.abs(dL)) * (g.normW2 + g.normL2 + 2 * Math.abs(g.innerWL));
  if (Math.abs(dW - dL) > 1e-12 * Math.max(Math.abs(dW), Math.abs(dL)) || Math.abs(change - expected) > 1e-9 * scale + 1e-300) {
    return { status: 'fail', message: `Δ(logp_w − logp_l) = ${change}, but d_w‖a − b‖² = ${expected}`, details: { dW, dL, change, expected, env } };
  }
  return { status: 'pass' };
}

export interface FuzzOptions {
  readonly runs?: number;
  readonly seed?: number;
  /** Minimum judged samples per engine law before its pass counts (default: a tenth of the runs, at least 1). */
  readonly minValid?: number;
  readonly onProgress?: (done: number, total: number, law: LawName) => void;
}

/** Run one law as a fast-check property; a failure is shrunk to a minimal counterexample. */
export interface PropertyRun<S> {
  readonly details: fc.RunDetails<[S]>;
  readonly valid: number;
  readonly skipped: Readonly<Record<string, number>>;
}

/** One law as a fast-check property over samples S: judged and skipped samples counted in the main run (shrinking excluded). */
export function runProperty<S>(samples: fc.Arbitrary<S>, check: (s: S) => LawOutcome, opts: { runs: number; seed: number; onSample?: () => void }): PropertyRun<S> {
  let valid = 0;
  let main = true;
  const skipped: Record<string, number> = {};
  const judge = (s: S): boolean => {
    const o = check(s);
    if (main) {
      opts.onSample?.();
      if (o.status === 'skip') skipped[o.reason] = (skipped[o.reason] ?? 0) + 1;
      else valid++;
    }
    if (o.status === 'fail') main = false;
    return o.status !== 'fail';
  };
  const details = fc.check(fc.property(samples, judge), { seed: opts.seed, numRuns: opts.runs, endOnFailure: false });
  return { details, valid, skipped };
}

/** A law that does not apply: reported with its reason, never run. */
export const notApplicableRun = (law: { name: LawName; title: string; engine: boolean; notApplicable?: string }): LawRun =>
  ({ law: law.name, title: law.title, summary: `not applicable: ${law.notApplicable}`, engine: law.engine, runs: 0, valid: 0, skipped: {}, notApplicable: law.notApplicable });

export function runLaw(law: LawSpec, c: CompiledDerivation, opts: { runs: number; seed: number; onSample?: () => void }): LawRun {
  if (law.notApplicable) return notApplicableRun(law);
  const point = pointArb(c.derivation.spec);
  const samples: fc.Arbitrary<[DomainPoint, GradientPair]> = law.needsGram ? fc.tuple(point, gramArb()) : point.map((env) => [env, NO_GRAM]);
  const { details, valid, skipped } = runProperty(samples, ([env, g]) => law.check(c, env, g), opts);
  let counterexample: Counterexample | undefined;
  if (details.failed && details.counterexample) {
    const [[env, g0]] = details.counterexample;
    const g = law.needsGram ? g0 : undefined;
    const params = Object.entries(c.derivation.spec.source.params);
    const t = tidyWitness(law, c, env, g, { noGram: NO_GRAM, defaults: Object.fromEntries(params.map(([k, d]) => [k, d.default])),
      ranges: Object.fromEntries(params.flatMap(([k, d]) => (d.range ? [[k, d.range]] : []))) });
    const o = law.check(c, t.point, t.gram ?? NO_GRAM);
    counterexample = {
      // What the loss reads: the rest never changes the verdict, and `--at` fills it the same way.
      point: pointShown(c.derivation, t.point),
      gram: t.gram ? gramReport(t.gram) : undefined,
      message: o.status === 'fail' ? o.message : 'the property threw',
      details: o.status === 'fail' ? o.details : { error: String(details.errorInstance ?? '') },
      shrinks: details.numShrinks,
      tidied: t.steps,
      shrunk: { point: env, gram: g ? gramReport(g) : undefined },
      path: details.counterexamplePath ?? undefined,
    };
  } else if (details.failed) {
    throw new Error(`internal: fuzzing ${law.name} failed without a counterexample: ${String(details.errorInstance ?? '')}`);
  }
  const summary = counterexample ? law.found ?? `counterexample: ${law.title}` : law.notFound ?? law.title;
  return { law: law.name, title: law.title, summary, engine: law.engine, runs: details.numRuns, valid, skipped, counterexample };
}

const gramReport = (g: GradientPair): GramReport => ({ innerWL: g.innerWL, normW2: g.normW2, normL2: g.normL2, kind: g.kind, a: g.a, b: g.b });

const NO_GRAM: GradientPair = { kind: 'random', a: [1, 0], b: [0, 1], innerWL: 0, normW2: 1, normL2: 1 };

export function fuzzDerivation(d: Derivation, opts: FuzzOptions = {}): FuzzReport {
  const c = compileDerivation(d);
  return fuzzLaws(d.spec.source.name, lawsFor(d), (law, o) => runLaw(law, c, o), opts);
}

/** Run every law (with progress over all of them) and gather the report: shared by two-response and K-response losses. */
export function fuzzLaws<L extends { readonly name: LawName }>(loss: string, laws: readonly L[],
  run: (law: L, o: { runs: number; seed: number; onSample: () => void }) => LawRun, opts: FuzzOptions): FuzzReport {
  const runs = opts.runs ?? 200;
  const seed = opts.seed ?? 1;
  const minValid = opts.minValid ?? Math.max(1, Math.floor(runs / 10));
  const total = runs * laws.length;
  let done = 0;
  const results = laws.map((law, i) => {
    const r = run(law, { runs, seed, onSample: () => { done = Math.min(total, done + 1); opts.onProgress?.(done, total, law.name); } });
    done = Math.min(total, (i + 1) * runs);
    opts.onProgress?.(done, total, law.name);
    return r;
  });
  return {
    schema: FUZZ_SCHEMA,
    loss,
    seed,
    runs,
    laws: results,
    ok: results.every((r) => !r.engine || !r.counterexample),
    inconclusive: results.filter((r) => r.engine && !r.counterexample && !r.notApplicable && r.valid < minValid).map((r) => r.law),
  };
}

/** Full precision: the shortest text that reads back as the same float64, so `--at` replays the witness. */
const fmt = (v: unknown): string => (typeof v === 'number' ? String(v) : JSON.stringify(v));

function pointText(p: DomainPoint): string {
  return Object.entries(p).filter(([k]) => k !== 'c_ref').map(([k, v]) => `${k}=${fmt(v)}`).join(',');
}

/** The text `marginlab fuzz` prints. */
export function fuzzText(r: FuzzReport): string {
  const out: string[] = [`fuzz ${r.loss}: ${r.runs} runs per law, seed ${r.seed} (replay with --seed ${r.seed})`];
  for (const l of r.laws) {
    const skips = Object.values(l.skipped).reduce((s, n) => s + n, 0);
    // A finding says what was found; an engine law says whether it held.
    if (l.notApplicable) { out.push(`  ${'n/a'.padEnd(12)} ${l.law.padEnd(15)} — ${l.title}: does not apply (${l.notApplicable})`); continue; }
    const status = l.engine ? (l.counterexample ? 'FAIL' : r.inconclusive.includes(l.law) ? 'inconclusive' : 'ok') : l.counterexample ? 'found' : 'not found';
    out.push(`  ${status.padEnd(12)} ${l.law.padEnd(15)} ${l.valid}/${l.runs} judged${skips ? `, ${skips} skipped` : ''} — ${l.engine ? l.title : l.summary}`);
    if (l.counterexample) {
      const ce = l.counterexample;
      const how = `shrunk in ${ce.shrinks} steps${ce.tidied.length ? `, then tidied — ${ce.tidied.join('; ')}` : ''}`;
      out.push(`      ${l.engine ? 'counterexample' : 'witness'} (${how}): ${ce.message}`);
      out.push(`      --at ${pointText(ce.point)}`);
      if (ce.gradients) out.push(`      --gram ${ce.gradients.gram.flat().map(fmt).join(',')} --eta ${fmt(ce.gradients.eta)}  (gradient rows ${JSON.stringify(ce.gradients.rows)})`);
      if (ce.gram) out.push(`      --inner ${fmt(ce.gram.innerWL)} --norm-w2 ${fmt(ce.gram.normW2)} --norm-l2 ${fmt(ce.gram.normL2)}  (${ce.gram.kind} pair)`);
      for (const [k, v] of Object.entries(ce.details)) if (k !== 'env') out.push(`      ${k}: ${fmt(v)}`);
    }
  }
  if (r.inconclusive.length) out.push(`warning: ${r.inconclusive.join(', ')} judged on too few samples (most points were outside the loss's domain or on a boundary)`);
  out.push(r.ok ? 'no counterexample to any engine law' : 'counterexample found: marginlab mis-derives this loss (please report it)');
  return out.join('\n');
}
