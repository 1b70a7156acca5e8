// `marginlab prove` as text and JSON: the verdict, each regime's result, and a refuting point labelled
// with the value of each side (and of d_w, d_l, d_w/d_l where the claim uses them).

import type { Interval } from '../expr/interval.js';
import type { RegimeProof, WitnessValue } from '../symbolic/interval/claim.js';
import { stoppedText } from '../symbolic/interval/prove.js';

export const PROVE_SCHEMA = 'marginlab/prove@1';

const shortest = (v: number) => String(v);
/** A certified value: exactly as float64 prints it where the enclosure is a few ulps wide, else with its enclosure. */
const val = (w: WitnessValue | null | undefined) => {
  if (!w) return 'not certified';
  const tight = w.hi - w.lo <= 8 * Number.EPSILON * Math.max(Math.abs(w.lo), Math.abs(w.hi));
  return tight ? shortest(w.value) : `${shortest(w.value)} (in [${w.lo}, ${w.hi}])`;
};

export function witnessText(r: RegimeProof): string {
  const x = r.result;
  if (!x.witness || !r.witness) return '';
  const point = Object.entries(x.witness).map(([k, v]) => `${k}=${shortest(v)}`).join(', ');
  const w = r.witness;
  const weights = Object.entries(w.weights).map(([k, v]) => `${k === 'dW' ? 'd_w' : k === 'dL' ? 'd_l' : k === 'ratio' ? 'd_w/d_l' : k} = ${val(v)}`);
  return `witness ${point || '(no variables)'}: left side = ${val(w.lhs)}, right side = ${val(w.rhs)}${weights.length ? `; ${weights.join(', ')}` : ''}`;
}

/** Why an undecided proof stopped, as every report says it. */

export function proveText(claim: string, status: string, results: readonly RegimeProof[]): string {
  const lines = [`${status.toUpperCase()}: ${claim}`];
  for (const r of results) {
    const x = r.result;
    let line = `  [${r.regime}] ${x.status}${x.vacuous ? ' (vacuously: no point of the domain is in this regime)' : ''} after ${x.boxes} boxes and ${x.probes} candidate points (${(x.seconds * 1000).toFixed(0)} ms)`;
    if (x.status === 'refuted') line += `; ${witnessText(r)}`;
    if (x.status === 'undecided') line += r.note ? `; ${r.note}` : `; ${x.remaining} boxes left, ${(100 * x.remainingShare).toPrecision(3)}% of the (atan-mapped) domain, ${stoppedText[x.stopped ?? 'budget']}`;
    lines.push(line);
  }
  return lines.join('\n');
}

export function proveJson(claim: string, box: Readonly<Record<string, Interval>>, status: string, results: readonly RegimeProof[]) {
  return { schema: PROVE_SCHEMA, claim, domain: box, status, regimes: results };
}
