// `marginlab remedy` as text, JSON and LaTeX; a loss over K ranked responses as text and JSON (its own schema).

import type { RemedyReport } from '../symbolic/remedy.js';
import { CASES, type Gram } from '../symbolic/conditions.js';
import type { OutsideValue } from '../loss/domain.js';
import { outsideLines } from './evaluation.js';
import type { RankedRemedyReport } from '../symbolic/ranked-remedy.js';
import type { Matrix } from '../symbolic/gram.js';

export const REMEDY_SCHEMA = 'marginlab/remedy@1';

const f = (x: number) => (Number.isFinite(x) ? +x.toPrecision(6) : x > 0 ? '∞' : '−∞');

/** The derivation of the interval, in LaTeX, for papers. */
export function remedyTex(g: Gram): string {
  return [
    '\\Delta\\log\\pi_w \\ge 0 \\iff d_w\\|a\\|^2 \\ge d_l\\langle a,b\\rangle \\iff \\frac{d_w}{d_l} \\ge \\frac{\\langle a,b\\rangle}{\\|a\\|^2}',
    g.innerWL > 0
      ? '\\Delta\\log\\pi_l \\le 0 \\iff d_w\\langle a,b\\rangle \\le d_l\\|b\\|^2 \\iff \\frac{d_w}{d_l} \\le \\frac{\\|b\\|^2}{\\langle a,b\\rangle}'
      : '\\Delta\\log\\pi_l \\le 0 \\text{ for every } d_w, d_l > 0 \\text{ since } \\langle a,b\\rangle \\le 0',
    '\\frac{\\langle a,b\\rangle}{\\|a\\|^2} \\le \\frac{\\|b\\|^2}{\\langle a,b\\rangle} \\iff \\langle a,b\\rangle^2 \\le \\|a\\|^2\\|b\\|^2 \\text{ (Cauchy–Schwarz)}',
  ].join(' \\\\\n');
}

export function remedyJson(r: RemedyReport, g: Gram, outside: readonly OutsideValue[] = []) {
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return { schema: REMEDY_SCHEMA, gram: g, outsideDomain: outside, ...r, interval: { ...r.interval, hi: finite(r.interval.hi) },
    admissible: { ...r.admissible, lo: finite(r.admissible.lo), hi: finite(r.admissible.hi) }, tex: remedyTex(g) };
}

export function remedyText(r: RemedyReport, outside: readonly OutsideValue[] = []): string {
  const a = r.admissible;
  const set = a.empty ? '∅' : a.given === 'dL = 0' ? 'undefined (d_l = 0)' : `${Number.isFinite(a.lo) ? '[' : '('}${f(a.lo)}, ${f(a.hi)}${Number.isFinite(a.hi) ? ']' : ')'}`;
  const caseText = r.caseId === 0 ? 'no first-order change' : `case ${r.caseId} (${CASES[r.caseId - 1].label})`;
  const lines = [
    `regime: ${r.regime}`,
    `d_w = ${f(r.dW)}, d_l = ${f(r.dL)}, d_w/d_l = ${r.ratio === null ? 'undefined' : f(r.ratio)}`,
    `this step: ${caseText}`,
    `admissible d_w/d_l for chosen ↑ and rejected ↓, given ${a.given.replace('dL', 'd_l')}: ${set} — ${a.reason}`,
    r.caseId === 1 ? 'the step is already case 1'
      : a.empty ? 'no ratio of these weights gives case 1: a knob must change the sign of a weight'
        : `the loss's ratio is ${r.position === 'below' ? 'below the admissible set: the chosen response goes down' : r.position === 'above' ? 'above the admissible set: the rejected response goes up' : 'undefined here'}`,
  ];
  for (const k of r.knobs) {
    if (k.status === 'impossible') lines.push(`  ${k.knob}: no value can${k.proved ? ' (proved)' : ''} — ${k.reason}`);
    else if (k.status === 'already') lines.push(`  ${k.knob}: already case 1 at ${f(k.current)}`);
    else lines.push(`  ${k.knob}: ${f(k.current)} → ${f(k.value!)} gives d_w = ${f(k.dW!)}, d_l = ${f(k.dL!)}, Δlogp_w = ${f(k.dLogpW!)}, Δlogp_l = ${f(k.dLogpL!)} (η = 1): case 1`);
  }
  lines.push(...outsideLines(outside));
  return lines.join('\n');
}

export const RANKED_REMEDY_SCHEMA = 'marginlab/remedy-ranked@1';

export function rankedRemedyJson(r: RankedRemedyReport, G: Matrix, outside: readonly OutsideValue[] = []) {
  return { schema: RANKED_REMEDY_SCHEMA, gram: G, outsideDomain: outside, ...r };
}

export function rankedRemedyText(r: RankedRemedyReport, outside: readonly OutsideValue[] = []): string {
  const ks = r.d.map((_, k) => k + 1);
  const cone = r.cone.status === 'nonempty'
    ? `non-empty — e.g. d = (${r.cone.witness.map(f).join(', ')}) gives G·d = (${r.cone.change.map(f).join(', ')}); ${r.cone.how}`
    : r.cone.status === 'empty' ? `empty (proved) — μ = (${r.cone.certificate.map(f).join(', ')}); ${r.cone.how}` : `undecided — ${r.cone.how}`;
  const lines = [
    `regime: ${r.regime}`,
    `${ks.map((k) => `d_${k} = ${f(r.d[k - 1])}`).join(', ')}`,
    `this step: Δlogp = η·G·d = (${r.changes.map(f).join(', ')})·η, signs ${r.pattern}`,
    `weights d with response 1 ↑ and responses 2…${r.K} ↓ (signs ${r.target}): ${cone}`,
    r.position === 'inside' ? `the loss's d is in it: the step is already ${r.target}`
      : r.position === 'undecided' ? 'whether the loss\'s d is in it: undecided (float64 cannot certify the sign of some (G·d)_k here)'
        : r.cone.status === 'empty' ? 'the loss\'s d is not in it (nothing is)' : `the loss's d is not in it (signs ${r.pattern}, certified)`,
  ];
  for (const k of r.knobs) {
    if (k.status === 'impossible') lines.push(`  ${k.knob}: no value can${k.proved ? ' (proved)' : ''} — ${k.reason}`);
    else if (k.status === 'already') lines.push(`  ${k.knob}: already ${r.target} at ${f(k.current)}`);
    else lines.push(`  ${k.knob}: ${f(k.current)} → ${f(k.value!)} gives d = (${k.d!.map(f).join(', ')}), G·d = (${k.changes!.map(f).join(', ')}) (η = 1): ${r.target}`);
  }
  lines.push(...outsideLines(outside));
  return lines.join('\n');
}
