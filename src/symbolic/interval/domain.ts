// The audit's domain as boxes, and the `--domain 'logp_w<0, 0.01<=beta<=10'` syntax.

import { type Interval, interval } from '../../expr/interval.js';
import { type MarginError, type Result, ok } from '../../errors.js';
import type { LossSpec } from '../../loss/types.js';
import { parseDecimal } from '../../loss/domain.js';

/**
 * logp, c_ref < 0; len ≥ 1; z_ref ≥ 0; each param over its declared range (closed). Lengths are
 * treated as real numbers ≥ 1, which only makes a proof stronger.
 */
export function auditBox(spec?: LossSpec): Record<string, Interval> {
  const neg = interval(-Infinity, 0, true, true);
  const box: Record<string, Interval> = {
    logp_w: neg, logp_l: neg, c_ref_w: neg, c_ref_l: neg,
    len_w: interval(1, Infinity, false, true), len_l: interval(1, Infinity, false, true),
    z_ref: interval(0, Infinity, false, true),
  };
  // A loss over K ranked responses: logp_k, c_ref_k < 0 and len_k ≥ 1 for each response in place of the pair's.
  if (spec?.ranked) {
    for (const n of ['logp_w', 'logp_l', 'c_ref_w', 'c_ref_l', 'len_w', 'len_l']) delete box[n];
    for (let k = 1; k <= spec.ranked.K; k++) Object.assign(box, { [`logp_${k}`]: neg, [`c_ref_${k}`]: neg, [`len_${k}`]: interval(1, Infinity, false, true) });
  }
  for (const [k, d] of Object.entries(spec?.source.params ?? {})) {
    const [lo, hi] = d.range ?? [1e-3, 1e3];
    box[k] = interval(lo, hi);
  }
  return box;
}

/**
 * Two domains conjoined: each variable's interval is the intersection of its intervals (a variable
 * in only one keeps its interval). An empty intersection is an error naming the variable.
 */
export function conjoinDomains(a: Readonly<Record<string, Interval>>, b: Readonly<Record<string, Interval>>): Result<Record<string, Interval>> {
  const out: Record<string, Interval> = { ...a };
  for (const [name, j] of Object.entries(b)) {
    const i = Object.prototype.hasOwnProperty.call(out, name) ? out[name] : undefined;
    if (!i) { out[name] = j; continue; }
    const [lo, loOpen] = i.lo > j.lo ? [i.lo, i.loOpen] : j.lo > i.lo ? [j.lo, j.loOpen] : [i.lo, i.loOpen || j.loOpen];
    const [hi, hiOpen] = i.hi < j.hi ? [i.hi, i.hiOpen] : j.hi < i.hi ? [j.hi, j.hiOpen] : [i.hi, i.hiOpen || j.hiOpen];
    if (!(lo < hi) && !(lo === hi && !loOpen && !hiOpen)) return { ok: false, errors: [{ code: 'E_SYNTAX', message: `the domains given for '${name}' do not overlap`, at: { slot: '--domain', symbol: name } }] };
    out[name] = interval(lo, hi, loOpen, hiOpen);
  }
  return ok(out);
}

/** Parse `logp_w<0, logp_l<0, 0.01<=beta<=10, len_w>=1`: one or two bounds per name. */
export function parseDomain(text: string): Result<Record<string, Interval>> {
  // A Map: a name such as `constructor` is a name here, not a way to write onto Object.
  const box = new Map<string, { lo: number; hi: number; loOpen: boolean; hiOpen: boolean }>();
  const errors: MarginError[] = [];
  const num = (s: string): number => (s.trim() === 'inf' ? Infinity : s.trim() === '-inf' ? -Infinity : parseDecimal(s) ?? NaN);
  let column = 1;
  for (const part of text.split(',')) {
    const p = part.trim();
    const two = /^(-?[\d.e+-]+|-?inf)\s*(<=|<)\s*([A-Za-z][A-Za-z0-9_]*)\s*(<=|<)\s*(-?[\d.e+-]+|inf)$/.exec(p);
    const one = /^([A-Za-z][A-Za-z0-9_]*)\s*(<=|<|>=|>)\s*(-?[\d.e+-]+|-?inf)$/.exec(p);
    const set = (name: string) => {
      if (!box.has(name)) box.set(name, { lo: -Infinity, hi: Infinity, loOpen: true, hiOpen: true });
      return box.get(name)!;
    };
    if (two && !Number.isNaN(num(two[1])) && !Number.isNaN(num(two[5]))) {
      const b = set(two[3]);
      b.lo = num(two[1]); b.loOpen = two[2] === '<';
      b.hi = num(two[5]); b.hiOpen = two[4] === '<';
    } else if (one && !Number.isNaN(num(one[3]))) {
      const b = set(one[1]);
      const v = num(one[3]);
      if (one[2] === '<' || one[2] === '<=') { b.hi = v; b.hiOpen = one[2] === '<'; } else { b.lo = v; b.loOpen = one[2] === '>'; }
    } else {
      errors.push({ code: 'E_SYNTAX', message: `expected 'name < v', 'name >= v' or 'lo <= name <= hi', got '${p.slice(0, 60)}'`, at: { slot: '--domain', column } });
    }
    column += part.length + 1;
  }
  for (const [name, b] of box) {
    if (!(b.lo < b.hi) && !(b.lo === b.hi && !b.loOpen && !b.hiOpen)) errors.push({ code: 'E_SYNTAX', message: `the domain of '${name}' is empty`, at: { slot: '--domain', symbol: name } });
  }
  if (errors.length) return { ok: false, errors };
  return ok(Object.fromEntries([...box].map(([k, b]) => [k, interval(b.lo, b.hi, b.loOpen, b.hiOpen)])));
}
