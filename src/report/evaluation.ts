// `marginlab eval` and `marginlab classify` as data and text.

import { CASES, type Classification, type Gram } from '../symbolic/conditions.js';
import type { Certified } from '../symbolic/interval/enclose.js';
import type { Evaluation, Quantity } from '../symbolic/point.js';
import { OUTSIDE_FLAG, type OutsideValue, outsideText } from '../loss/domain.js';

export const EVAL_SCHEMA = 'marginlab/eval@1';
export const CLASSIFY_SCHEMA = 'marginlab/classify@1';

export function evaluationJson(e: Evaluation) {
  return {
    schema: EVAL_SCHEMA,
    point: e.point.values,
    defaults: e.point.defaults,
    // Values taken outside their domain on request; [] when every value is in its domain.
    outsideDomain: e.point.outside,
    regime: { index: e.regime.index, label: e.regime.label },
    L: e.uncertified.includes('L') ? null : e.L,
    dW: e.dW,
    dL: e.dL,
    ratio: e.uncertified.includes('ratio') ? null : e.ratio,
    uncertified: e.uncertified,
    certified: Object.fromEntries(Object.entries(e.certified).map(([q, c]) => [q, { lo: c.lo, hi: c.hi, digits: c.digits }])),
  };
}

export const fmt = (v: number, digits = 10) => (Number.isInteger(v) && (digits >= 10 || Math.abs(v) < 10 ** digits) ? String(v)
  : v.toPrecision(Math.max(1, Math.min(10, digits))).replace(/\.?0+(e|$)/, '$1'));

/** A value printed to the digits its enclosure certifies (at most 10). */
const fmtQ = (e: Evaluation, q: Quantity, v: number) => {
  if (e.uncertified.includes(q)) return 'not certified (float64 leaves it no significant digit at this point)';
  const c: Certified | undefined = e.certified[q];
  return fmt(v, c ? c.digits : 10);
};

export function evaluationText(e: Evaluation): string {
  const lines = [
    `regime: ${e.regime.label}`,
    `L       = ${fmtQ(e, 'L', e.L)}`,
    `d_w     = ${fmtQ(e, 'dW', e.dW)}`,
    `d_l     = ${fmtQ(e, 'dL', e.dL)}`,
    `d_w/d_l = ${e.ratio === null ? 'undefined (d_l = 0)' : fmtQ(e, 'ratio', e.ratio)}`,
  ];
  if (e.point.defaults.length) {
    lines.push('defaults used:');
    for (const d of e.point.defaults) lines.push(`  ${d.name} = ${fmt(d.value)}  (${d.rule})`);
  }
  lines.push(...outsideLines(e.point.outside));
  return lines.join('\n');
}

/** The lines every text output adds when a value was taken outside its domain. */
export function outsideLines(outside: readonly OutsideValue[]): string[] {
  return outside.length ? [`OUTSIDE THE DOMAIN (${OUTSIDE_FLAG}): the numbers above are not a statement about the loss on its domain`, ...outside.map((o) => `  ${outsideText(o)}`)] : [];
}

export function classificationJson(e: Evaluation, g: Gram, eta: number, c: Classification) {
  return {
    ...evaluationJson(e),
    schema: CLASSIFY_SCHEMA,
    gram: g,
    eta,
    dLogpW: c.dLogpW,
    dLogpL: c.dLogpL,
    chosen: c.chosen,
    rejected: c.rejected,
    case: c.caseId,
    caseLabel: c.caseId === 0 ? 'no first-order change' : CASES[c.caseId - 1].label,
    marginChange: c.marginChange,
  };
}

export function classificationText(e: Evaluation, g: Gram, eta: number, c: Classification): string {
  return [
    evaluationText(e),
    `<a,b> = ${fmt(g.innerWL)}, ||a||^2 = ${fmt(g.normW2)}, ||b||^2 = ${fmt(g.normL2)}, eta = ${fmt(eta)}`,
    `first order: Δlogp_w = ${fmt(c.dLogpW)} (chosen ${c.chosen}), Δlogp_l = ${fmt(c.dLogpL)} (rejected ${c.rejected})`,
    `case ${c.caseId}: ${c.caseId === 0 ? 'no first-order change' : CASES[c.caseId - 1].label}`,
  ].join('\n');
}
