// `marginlab fuzz` on a loss over K ranked responses: the laws that apply to K responses (d_k against finite
// differences of L, the regimes' cover, the step Δlogp = η·G·d against an actual gradient step on a linear model,
// simplification, printing), and each two-response law listed as not applicable, with the reason. A counterexample
// is fast-check's shrunk case as it is: the two-response witness tidying (witness.ts) works on a gradient pair.

import fc from 'fast-check';
import type { Expr } from '../expr/expr.js';
import { rankedSymbols } from '../loss/ranked.js';
import { type LawOutcome, parsePrintLaw, rankedDerivativeLaw, rankedStepLaw, regimeCoverLaw, simplifyLaw } from '../symbolic/laws.js';
import { type CompiledRanked, type RankedDerivation, compileRanked } from '../symbolic/ranked.js';
import { type DomainPoint, type GradientRows, gradientRowsArb, rankedPointArb } from './arbitraries.js';
import { type Counterexample, type FuzzOptions, type FuzzReport, type LawName, type LawRun, fuzzLaws, notApplicableRun, runProperty } from './engine.js';

interface RankedLaw {
  readonly name: LawName;
  readonly title: string;
  readonly needsRows: boolean;
  readonly check?: (c: CompiledRanked, env: DomainPoint, g: GradientRows) => LawOutcome;
  readonly notApplicable?: string;
}

const NO_ROWS: GradientRows = { rows: [], eta: 1 };

/** The laws `fuzz` runs on a K-response loss, the two-response ones listed as not applicable. */
export function rankedLawsFor(d: RankedDerivation): RankedLaw[] {
  const symbols = rankedSymbols(d.K, d.spec.source.params);
  const exprs: Expr[] = [d.spec.ranked!.L, d.L, ...d.regimes.flatMap((r) => r.d)];
  const noPair = `a loss over ${d.K} ranked responses has no chosen/rejected pair`;
  return [
    { name: 'derivative', title: 'd_k = −∂L/∂logp_k for every response (central differences)', needsRows: false, check: (c, env) => rankedDerivativeLaw(c, env) },
    { name: 'regimes', title: 'exactly one regime holds off the boundaries', needsRows: false, check: (c, env) => regimeCoverLaw(c, env) },
    { name: 'step', title: 'Δlogp_k = η·(G·d)_k matches a gradient step on a linear model with gradient rows A, G = A·Aᵀ', needsRows: true,
      check: (c, env, g) => rankedStepLaw(c, env, g.rows, g.eta) },
    { name: 'simplify', title: 'the simplified L has the value of L as written', needsRows: false, check: (_c, env) => simplifyLaw(d.spec.ranked!.L, env, d.L) },
    { name: 'print', title: 'derived expressions print → parse to the same value', needsRows: false,
      check: (_c, env) => {
        for (const e of exprs) { const o = parsePrintLaw(e, symbols, env); if (o.status === 'fail') return o; }
        return { status: 'pass' };
      } },
    { name: 'conditions', title: 'conditions (9)/(10) agree with the first-order step', needsRows: false,
      notApplicable: `${noPair}; each response's condition (G·d)_k ≥ 0 is what the step law checks` },
    { name: 'margin', title: 'eq. (6): Δ(logp_w − logp_l) = d_w‖∇logp_w − ∇logp_l‖² (margin-only loss)', needsRows: false, notApplicable: noPair },
    { name: 'margin-form', title: "the recovered margin form (m, h_w, h_l, Λ_w, Λ_l) gives L's d_w and d_l", needsRows: false,
      notApplicable: `${noPair}, so no margin h_w(logp_w) − h_l(logp_l) to recover` },
    { name: 'margin-shrinks', title: 'can a step shrink the margin logp_w − logp_l to first order? (eq. 6)', needsRows: false, notApplicable: noPair },
  ];
}

const ENGINE: ReadonlySet<LawName> = new Set(['derivative', 'regimes', 'step', 'simplify', 'print', 'conditions', 'margin', 'margin-form']);

function runRankedLaw(law: RankedLaw, c: CompiledRanked, opts: { runs: number; seed: number; onSample?: () => void }): LawRun {
  const engine = ENGINE.has(law.name);
  if (law.notApplicable || !law.check) return notApplicableRun({ ...law, engine, notApplicable: law.notApplicable ?? 'no check' });
  const check = law.check;
  const point = rankedPointArb(c.derivation.spec);
  const samples: fc.Arbitrary<[DomainPoint, GradientRows]> = law.needsRows ? fc.tuple(point, gradientRowsArb(c.derivation.K)) : point.map((env) => [env, NO_ROWS]);
  const { details, valid, skipped } = runProperty(samples, ([env, g]) => check(c, env, g), opts);
  let counterexample: Counterexample | undefined;
  if (details.failed && details.counterexample) {
    const [[env, g]] = details.counterexample;
    const o = check(c, env, g);
    const gram = g.rows.map((a) => g.rows.map((b) => a.reduce((s, x, i) => s + x * b[i], 0)));
    counterexample = {
      point: env,
      message: o.status === 'fail' ? o.message : 'the property threw',
      details: o.status === 'fail' ? o.details : { error: String(details.errorInstance ?? '') },
      shrinks: details.numShrinks,
      tidied: [],
      shrunk: { point: env },
      path: details.counterexamplePath ?? undefined,
      ...(law.needsRows ? { gradients: { rows: g.rows, gram, eta: g.eta } } : {}),
    };
  } else if (details.failed) {
    throw new Error(`internal: fuzzing ${law.name} failed without a counterexample: ${String(details.errorInstance ?? '')}`);
  }
  return { law: law.name, title: law.title, summary: counterexample ? `counterexample: ${law.title}` : law.title, engine, runs: details.numRuns, valid, skipped, counterexample };
}

/** `fuzz` on a K-response loss: the same report as for two responses (marginlab/fuzz@1). */
export function fuzzRanked(d: RankedDerivation, opts: FuzzOptions = {}): FuzzReport {
  const c = compileRanked(d);
  return fuzzLaws(d.spec.source.name, rankedLawsFor(d), (law, o) => runRankedLaw(law, c, o), opts);
}
