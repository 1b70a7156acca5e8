// `marginlab eval` and `marginlab classify` as data and text.

import { CASES, type Classification, type Gram } from '../symbolic/conditions.js';
import type { Evaluation } from '../symbolic/point.js';
import { OUTSIDE_FLAG, type OutsideValue, outsideText } from '../spec/domain.js';

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
    L: e.L,
    dW: e.dW,
    dL: e.dL,
    ratio: e.ratio,
  };
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(10).replace(/\.?0+(e|$)/, '$1'));

export function evaluationText(e: Evaluation): string {
  const lines = [
    `regime: ${e.regime.label}`,
    `L       = ${fmt(e.L)}`,
    `d_w     = ${fmt(e.dW)}`,
    `d_l     = ${fmt(e.dL)}`,
    `d_w/d_l = ${e.ratio === null ? 'undefined (d_l = 0)' : fmt(e.ratio)}`,
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
