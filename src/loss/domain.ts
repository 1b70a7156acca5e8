// The domain of each value a user may give at a point: log-probabilities (and their reference values)
// are < 0, lengths ≥ 1, z_ref ≥ 0, and a parameter lies in its declared range (else [1e-3, 1e3], the range
// the audit and the prover explore). A value outside is refused (`--at logp_w=1` is no log-probability;
// `--param beta=-1` gives a d_w that means nothing) unless the user asks to explore outside, and then the
// output says so. Numbers are written in decimal or scientific notation: `0x10` is not a β.

import { type MarginError, type Result, fail, ok, shownName } from '../errors.js';
import type { ParamDecl } from './types.js';

/** The range of a parameter that declares none: the one the direction audit and the prover explore. */
export const DEFAULT_PARAM_RANGE: readonly [number, number] = [1e-3, 1e3];

export interface Domain {
  readonly lo: number;
  readonly hi: number;
  readonly loOpen: boolean;
  readonly hiOpen: boolean;
  /** How a message states it: "< 0", ">= 1", "in [0.001, 10]". */
  readonly text: string;
}

const below0: Domain = { lo: -Infinity, hi: 0, loOpen: true, hiOpen: true, text: '< 0 (a log-probability)' };
const SYMBOL_DOMAINS: ReadonlyMap<string, Domain> = new Map([
  ['logp_w', below0], ['logp_l', below0], ['c_ref_w', below0], ['c_ref_l', below0],
  ['len_w', { lo: 1, hi: Infinity, loOpen: false, hiOpen: true, text: '>= 1 (a length in tokens)' }],
  ['len_l', { lo: 1, hi: Infinity, loOpen: false, hiOpen: true, text: '>= 1 (a length in tokens)' }],
  ['z_ref', { lo: 0, hi: Infinity, loOpen: false, hiOpen: true, text: '>= 0' }],
]);

export function paramDomain(decl: ParamDecl): Domain {
  const [lo, hi] = decl.range ?? DEFAULT_PARAM_RANGE;
  return { lo, hi, loOpen: false, hiOpen: false, text: `in [${lo}, ${hi}] (its ${decl.range ? 'declared' : 'default'} range)` };
}

/** The domain of a named value of a point, or undefined for a name with none (an unknown name). */
export function domainOf(name: string, params: Readonly<Record<string, ParamDecl>>): Domain | undefined {
  if (Object.hasOwn(params, name)) return paramDomain(params[name]);
  // A ranked loss's per-response symbols (logp_k, c_ref_k, len_k) share the two-response ones' domains.
  const ranked = /^(logp|c_ref|len)_[1-8]$/.exec(name);
  return SYMBOL_DOMAINS.get(ranked ? `${ranked[1]}_w` : name);
}

export const inDomain = (d: Domain, v: number): boolean =>
  (d.loOpen ? v > d.lo : v >= d.lo) && (d.hiOpen ? v < d.hi : v <= d.hi);

/** A value given outside its domain, as the output reports it when exploring outside was asked for. */
export interface OutsideValue {
  readonly name: string;
  readonly value: number;
  readonly domain: string;
}

export const outsideText = (o: OutsideValue): string => `${o.name} = ${o.value} is outside its domain: ${o.name} ${o.domain}`;

/** The flag that allows exploring outside, named once for every message. */
export const OUTSIDE_FLAG = '--outside-domain';

/**
 * Check named values against their domains: refused (E_POINT / E_PARAM at `slot`) unless `allow`, in
 * which case the values outside come back for the output to state.
 */
export function checkDomains(values: ReadonlyMap<string, number> | Readonly<Record<string, number>>, params: Readonly<Record<string, ParamDecl>>,
  o: { slot: string; allow?: boolean; code?: 'E_POINT' | 'E_PARAM' }): Result<OutsideValue[]> {
  const outside: OutsideValue[] = [];
  const errors: MarginError[] = [];
  const entries = values instanceof Map ? [...values] : Object.entries(values);
  for (const [name, value] of entries) {
    const d = domainOf(name, params);
    if (!d || inDomain(d, value)) continue;
    const o1 = { name, value, domain: d.text };
    outside.push(o1);
    if (!o.allow) {
      errors.push({ code: o.code ?? 'E_POINT', message: outsideText(o1), at: { slot: o.slot, symbol: shownName(name) },
        hint: `give a value in the domain, or pass ${OUTSIDE_FLAG} to explore outside it (the output then says so)` });
    }
  }
  return errors.length ? fail(...errors) : ok(outside);
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A finite number written in decimal or scientific notation; undefined for `0x10`, `1_000`, `Infinity`, '' or junk. */
export function parseDecimal(text: string): number | undefined {
  const t = text.trim();
  if (!DECIMAL.test(t)) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}
