// A loss over K ranked responses as text and JSON: its derivation (d_1 … d_K and each response's condition),
// its evaluation at a point (`weights: {d_1: …}`), and one step with a Gram matrix (changes, sign pattern, and
// which of the 2^K strict patterns some PSD G reaches).

import { logpName } from '../loss/ranked.js';
import { namedLine, whereDefinitions, whereForms } from '../symbolic/where-names.js';
import type { Matrix, PatternVerdict, RankedStep } from '../symbolic/gram.js';
import { toText } from '../symbolic/print.js';
import { type RankedDerivation, type RankedEvaluation, weightName } from '../symbolic/ranked.js';
import type { ProofResult } from '../symbolic/interval/prove.js';
import type { RankedRegimeSigns, RankedSign } from '../symbolic/interval/ranked-signs.js';
import type { RankedAudit, RankedWeightAudit } from '../symbolic/ranked-audit.js';
import { EVAL_SCHEMA, CLASSIFY_SCHEMA, fmt, outsideLines } from './evaluation.js';

export const RANKED_DERIVE_SCHEMA = 'marginlab/derive-ranked@1';

const ks = (K: number): number[] => Array.from({ length: K }, (_, i) => i + 1);

/** Response k's condition for one step: Σ_j G_kj d_j ≥ 0, written out. */
export const riseCondition = (k: number, K: number): string => `${ks(K).map((j) => `G_${k}${j}*d_${j}`).join(' + ')} >= 0`;

const PATTERN_LAW = 'a strict sign pattern s (s_k = + : response k rises, - : it falls) is reached by some positive semidefinite G '
  + 'iff s_k*d_k > 0 for at least one k (witness G = v v^T with one gradient direction; otherwise d^T G d <= 0 forces G d = 0)';

const point = (r: ProofResult) => Object.entries(r.witness ?? {}).map(([k, v]) => `${k}=${+v.toPrecision(6)}`).join(', ');

/** One weight's sign on the whole domain, as the proofs decided it. */
function signText(name: string, s: RankedSign): string {
  const push = (up: boolean) => `response ${name.slice(2)} is always pushed ${up ? 'up' : 'down'}`;
  switch (s.sign) {
    case 'positive': return `${name} > 0: PROVED — ${push(true)}`;
    case 'negative': return `${name} < 0: PROVED — ${push(false)}`;
    case 'both': return `${name} takes both signs: > 0 REFUTED at ${point(s.above)}; < 0 REFUTED at ${point(s.below!)}`;
    case 'undecided': return `${name}: UNDECIDED (> 0 ${s.above.status}, < 0 ${s.below?.status ?? 'not tried'}${s.above.stopped === 'time' || s.below?.stopped === 'time' ? '; the time budget ran out (--budget)' : ''})`;
  }
}

/** One weight's sampled signs, certified sample by sample. */
function auditText(name: string, w: RankedWeightAudit): string {
  const n = w.positive + w.negative + w.zero;
  const unsure = w.uncertain ? `; ${w.uncertain} not certified (not counted)` : '';
  if (w.negative === 0 && w.zero === 0) return `${name} > 0 at all ${n} certified samples${unsure}`;
  if (w.positive === 0 && w.zero === 0) return `${name} < 0 at all ${n} certified samples${unsure}`;
  const at = Object.entries(w.nonPositiveAt ?? {}).map(([k, v]) => `${k}=${+v.toPrecision(4)}`).join(', ');
  return `${name}: > 0 at ${w.positive}, < 0 at ${w.negative}, = 0 at ${w.zero} of ${n} certified samples (e.g. ≤ 0 at ${at})${unsure}`;
}

export function rankedDerivationText(d: RankedDerivation, signs?: readonly RankedRegimeSigns[] | 'not proved', audit?: RankedAudit): string {
  const s = d.spec.source;
  const out = [`${s.name}${s.citation ? ` [${s.citation.key}]` : ''} — ${s.origin}`, `responses: ${d.K} (response 1 the most preferred, in rank order)`];
  if (Object.keys(s.params).length) out.push(`params: ${Object.entries(s.params).map(([k, p]) => `${k}=${p.default}`).join(', ')}`);
  // where: names printed back where they shorten the line (symbolic/where-names.ts).
  const names = whereForms(whereDefinitions(d.spec), []);
  const named = (e: Parameters<typeof namedLine>[0]) => namedLine(e, names);
  out.push(`  L(${ks(d.K).map(logpName).join(', ')}) = ${named(d.L)}`);
  d.regimes.forEach((r, i) => {
    out.push('', d.regimes.length > 1 ? `Regime ${i + 1}: ${r.label}` : 'Gradient weights (d_k = -dL/dlogp_k; a positive d_k pushes response k up):');
    r.d.forEach((e, k) => out.push(`  ${weightName(k + 1)} = ${named(e)}`));
  });
  out.push('', 'One step of size eta > 0 moves dlogp_k = eta*(G d)_k, G_jk = <grad logp_j, grad logp_k> (positive semidefinite):');
  for (const k of ks(d.K)) out.push(`  response ${k} rises iff ${riseCondition(k, d.K)}`);
  out.push(`  sign patterns: ${PATTERN_LAW}; \`classify --at … --gram …\` decides all ${2 ** d.K} at a point`);
  if (audit) {
    out.push('', `Direction audit (${audit.drawn} sampled points, seed ${audit.seed}; evidence, not proof):`);
    audit.weights.forEach((w, k) => out.push(`  ${auditText(weightName(k + 1), w)}`));
    if (audit.drawn < audit.samples) out.push(`  The audit stopped after ${audit.drawn} of its ${audit.samples} samples: its share of --budget ran out.`);
  }
  if (signs === 'not proved') out.push('', 'Weight signs: not proved (--no-prove).');
  else if (signs) {
    out.push('', 'Weight signs (interval branch and bound over logp_k, c_ref_k < 0, params in their ranges):');
    for (const r of signs) for (const [k, s] of r.d.entries()) out.push(`  ${signText(weightName(k + 1), s)}${signs.length > 1 ? ` in regime ${r.index + 1}` : ''}`);
  }
  return out.join('\n');
}

const proofJson = (r: ProofResult | undefined) => (r ? { status: r.status, witness: r.witness ?? null, boxes: r.boxes, stopped: r.stopped ?? null } : null);

export function rankedDerivationJson(d: RankedDerivation, signs?: readonly RankedRegimeSigns[], audit?: RankedAudit) {
  const s = d.spec.source;
  return {
    schema: RANKED_DERIVE_SCHEMA,
    loss: { id: s.id, name: s.name, origin: s.origin, citation: s.citation ?? null, form: 'ranked', responses: d.K,
      params: Object.fromEntries(Object.entries(s.params).map(([k, p]) => [k, p.default])) },
    L: { text: toText(d.L) },
    regimes: d.regimes.map((r) => ({ index: r.index, label: r.label, constraints: r.constraints.map((c) => ({ text: `${toText(c.g)} ${c.side === 'above' ? '>' : '<'} 0`, hinge: c.hinge })),
      L: { text: toText(r.L) }, weights: Object.fromEntries(r.d.map((e, k) => [weightName(k + 1), { text: toText(e) }])) })),
    conditions: ks(d.K).map((k) => ({ response: k, rises: riseCondition(k, d.K) })),
    signPatterns: PATTERN_LAW,
    /** Each weight's sign on the whole domain, per regime; null with --no-prove. */
    audit: audit ? { seed: audit.seed, samples: audit.samples, drawn: audit.drawn,
      weights: Object.fromEntries(audit.weights.map((w, k) => [weightName(k + 1), { positive: w.positive, negative: w.negative, zero: w.zero, uncertain: w.uncertain, nonPositiveAt: w.nonPositiveAt ?? null }])) } : null,
    signs: signs ? signs.map((r) => ({ regime: r.index, weights: Object.fromEntries(r.d.map((s, k) => [weightName(k + 1), { sign: s.sign, positive: proofJson(s.above), negative: proofJson(s.below) }])) })) : null,
    rules: d.rules.map((r) => r.rule),
  };
}

const weightsOf = (e: RankedEvaluation) => Object.fromEntries(e.d.map((v, k) => [weightName(k + 1), v]));

export function rankedEvaluationJson(e: RankedEvaluation) {
  return {
    schema: EVAL_SCHEMA,
    responses: e.d.length,
    point: e.point.values,
    defaults: e.point.defaults,
    outsideDomain: e.point.outside,
    regime: { index: e.regime.index, label: e.regime.label },
    L: e.L,
    weights: weightsOf(e),
    certified: Object.fromEntries(e.certified.map((c, k) => [weightName(k + 1), { lo: c.lo, hi: c.hi, digits: c.digits }])),
  };
}

export function rankedEvaluationText(e: RankedEvaluation): string {
  const lines = [`regime: ${e.regime.label}`, `L   = ${e.L === null ? 'not certified (float64 leaves it no significant digit at this point)' : fmt(e.L)}`,
    ...e.d.map((v, k) => `${weightName(k + 1)} = ${fmt(v, e.certified[k].digits)}`)];
  if (e.point.defaults.length) {
    lines.push('defaults used:');
    for (const d of e.point.defaults) lines.push(`  ${d.name} = ${fmt(d.value)}  (${d.rule})`);
  }
  lines.push(...outsideLines(e.point.outside));
  return lines.join('\n');
}

export function rankedClassificationJson(e: RankedEvaluation, G: Matrix, eta: number, step: RankedStep, patterns: readonly PatternVerdict[]) {
  return {
    ...rankedEvaluationJson(e),
    schema: CLASSIFY_SCHEMA,
    gram: G,
    eta,
    changes: Object.fromEntries(step.changes.map((v, k) => [logpName(k + 1), v])),
    moves: step.moves,
    pattern: step.pattern,
    patterns,
  };
}

export function rankedClassificationText(e: RankedEvaluation, G: Matrix, eta: number, step: RankedStep, patterns: readonly PatternVerdict[]): string {
  const count = (st: PatternVerdict['status']) => patterns.filter((p) => p.status === st);
  const reach = count('reachable'), never = count('unreachable'), open = count('undecided');
  return [
    rankedEvaluationText(e),
    `G = [${G.map((r) => r.map((x) => fmt(x)).join(', ')).join('; ')}], eta = ${fmt(eta)}`,
    'first order:',
    ...step.changes.map((v, k) => `  Δlogp_${k + 1} = ${fmt(v)} (${step.moves[k]})`),
    `sign pattern: ${step.pattern} (response 1 first; + rises, - falls, 0 unchanged, ? undecided in float64)`,
    `patterns some PSD G reaches at these weights (of ${patterns.length}): ${reach.map((p) => p.pattern).join(' ') || 'none'}`,
    `unreachable (proved: no k has s_k*d_k > 0): ${never.map((p) => p.pattern).join(' ') || 'none'}`,
    ...(open.length ? [`UNDECIDED: ${open.map((p) => p.pattern).join(' ')} (${open[0].how})`] : []),
  ].join('\n');
}
