// A point of the domain: values for logp_w, logp_l, the context symbols and the params, with the
// documented defaults filled in (and reported), and the regime the point falls in.

import { MarginFault, type MarginError, type Result, didYouMean, fail, ok, shownName } from '../errors.js';
import { type OutsideValue, checkDomains, parseDecimal } from '../loss/domain.js';
import { CONTEXT_NAMES, LOGP_L, LOGP_W } from '../loss/symbols.js';
import type { Expr } from '../expr/expr.js';
import type { LossSpec } from '../loss/types.js';
import { type Compiled, type Env, compile } from './evaluate.js';
import { type Certified, certified, encloseAt, signOf } from './interval/enclose.js';
import type { Derivation, Regime } from './derive.js';
import { constraintText, symbolsRead } from './derive.js';

export interface Point {
  readonly values: Readonly<Record<string, number>>;
  /** Names whose value was not given and took its default, with the rule used. */
  readonly defaults: readonly { name: string; value: number; rule: string }[];
  /** Values outside their domain, kept only because exploring outside was asked for (the output says so). */
  readonly outside: readonly OutsideValue[];
}

/** Parse `logp_w=-12,logp_l=-15,beta=0.1`: each name once, each value a decimal or scientific number. */
export function parseAssignments(text: string, what = '--at'): Result<Record<string, number>> {
  // A Map, not an object: a name like `constructor` or `valueOf` is an ordinary name here.
  const out = new Map<string, number>();
  const errors: MarginError[] = [];
  let column = 1;
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*([^\s]+)\s*$/.exec(part);
    if (!m) errors.push({ code: 'E_POINT', message: `expected name=value, got '${part.trim().slice(0, 40)}'`, at: { slot: what, column } });
    else {
      const v = parseDecimal(m[2]);
      if (v === undefined) errors.push({ code: 'E_POINT', message: `'${shownName(m[1])}' needs a finite decimal number, got '${m[2].slice(0, 40)}'`, at: { slot: what, column, symbol: shownName(m[1]) } });
      else if (out.has(m[1])) errors.push({ code: 'E_POINT', message: `'${shownName(m[1])}' is given twice`, at: { slot: what, column, symbol: shownName(m[1]) }, hint: 'give each name once' });
      else out.set(m[1], v);
    }
    column += part.length + 1;
  }
  return errors.length ? { ok: false, errors } : ok(Object.fromEntries(out));
}

/**
 * Fill the defaults: params from the loss, c_ref_w = logp_w, c_ref_l = logp_l, z_ref = 0, lengths 1. Every
 * value is checked against its domain (loss/domain.ts); `outsideDomain` keeps the ones outside and lists them.
 */
export function completePoint(d: Derivation, given: Readonly<Record<string, number>>, o: { outsideDomain?: boolean } = {}): Result<Point> {
  const extra: MarginError[] = Object.hasOwn(given, 'c_ref')
    ? [{ code: 'E_POINT', message: "c_ref is derived as c_ref_w − c_ref_l; give those two instead", at: { slot: '--at', symbol: 'c_ref' } }] : [];
  // What --at accepts, and so what the hint lists: c_ref is derived from c_ref_w and c_ref_l, refused above.
  const p = fillPoint(d.spec, given, { known: [LOGP_W, LOGP_L, ...CONTEXT_NAMES].filter((x) => x !== 'c_ref'), required: [LOGP_W, LOGP_L], extra, o, reads: symbolsRead(d),
    context: (v) => [
      ['c_ref_w', v[LOGP_W], 'c_ref_w = logp_w (policy at its reference)'], ['c_ref_l', v[LOGP_L], 'c_ref_l = logp_l (policy at its reference)'],
      ['z_ref', 0, 'z_ref = 0'], ['len_w', 1, 'len_w = 1'], ['len_l', 1, 'len_l = 1']] });
  if (p.ok) (p.value.values as Record<string, number>).c_ref = p.value.values.c_ref_w - p.value.values.c_ref_l;
  return p;
}

/**
 * A point of a loss: unknown names refused (with a did-you-mean), the required ones present, the params' defaults
 * and then the context's (`context`, from the values given) filled in and listed, every value checked against its
 * domain. Shared by the two-response point and a ranked loss's (symbolic/ranked.ts).
 */
export function fillPoint(spec: LossSpec, given: Readonly<Record<string, number>>, w: {
  known: readonly string[]; required: readonly string[]; extra?: readonly MarginError[]; what?: string; o: { outsideDomain?: boolean };
  /** The names the loss reads: only their defaults are listed (all are listed when not given). */
  reads?: ReadonlySet<string>;
  context: (values: Readonly<Record<string, number>>) => readonly (readonly [string, number, string])[];
}): Result<Point> {
  const params = spec.source.params;
  const known = new Set([...w.known, ...Object.keys(params)]);
  const has = (name: string): boolean => Object.hasOwn(given, name);
  const errors: MarginError[] = [];
  for (const name of Object.keys(given)) {
    if (!known.has(name) && name !== 'c_ref') {
      const guess = didYouMean(name, known);
      errors.push({ code: 'E_POINT', message: `'${shownName(name)}' is not a symbol of this loss${w.what ?? ''}`, at: { slot: '--at', symbol: shownName(name) },
        hint: guess ? `did you mean '${guess}'?` : `known: ${[...known].join(', ')}` });
    }
  }
  errors.push(...(w.extra ?? []));
  for (const req of w.required) {
    if (!has(req)) errors.push({ code: 'E_POINT', message: `the point needs a value for ${req}`, at: { slot: '--at', symbol: req } });
  }
  if (errors.length) return { ok: false, errors };
  const values: Record<string, number> = Object.fromEntries(Object.entries(given));
  const defaults: { name: string; value: number; rule: string }[] = [];
  // Every name gets a value (a caller may evaluate more than the loss); only those the loss reads are listed.
  const dflt = (name: string, value: number, rule: string): void => {
    if (!Object.hasOwn(values, name)) { values[name] = value; if (!w.reads || w.reads.has(name)) defaults.push({ name, value, rule }); }
  };
  for (const [name, decl] of Object.entries(params)) dflt(name, decl.default, decl.source ? `default (${decl.source})` : 'default');
  for (const [name, value, rule] of w.context(values)) dflt(name, value, rule);
  const checked = checkDomains(given, params, { slot: '--at', allow: w.o.outsideDomain });
  if (!checked.ok) return checked;
  // A default is outside only where --param set it so under --outside-domain; the loss carries that along.
  const forced = (spec.source.outside ?? []).filter((x) => !has(x.name));
  return ok({ values, defaults, outside: [...checked.value, ...forced] });
}

/** A point as its outputs show it (a witness, a worst sample): only the names the loss reads, and no c_ref
 * (derived from c_ref_w and c_ref_l, and refused by --at), so that `--at` replays it as printed. */
export function pointShown(d: Derivation, values: Readonly<Record<string, number>>, also: ReadonlySet<string> = new Set()): Record<string, number> {
  const reads = new Set(symbolsRead(d));
  if (also.has('c_ref')) { reads.add('c_ref_w'); reads.add('c_ref_l'); }
  return Object.fromEntries(Object.entries(values).filter(([k]) => k !== 'c_ref' && (reads.has(k) || also.has(k))));
}

/** Compiled forms of a derivation, reused across many points (audits, fuzzing, tables). */
export interface CompiledDerivation {
  readonly derivation: Derivation;
  /** L with its hinges in place: a function of the point across regimes (finite differences, Taylor checks). */
  readonly L: Compiled;
  readonly regimes: readonly {
    readonly regime: Regime;
    readonly constraints: readonly { g: Compiled; expr: Expr; side: 'above' | 'below'; text: string }[];
    /** This regime's L (its hinges resolved to this regime's branches). */
    readonly L: Compiled;
    readonly dW: Compiled;
    readonly dL: Compiled;
    readonly ratio: Compiled | null;
  }[];
}

export function compileDerivation(d: Derivation): CompiledDerivation {
  return {
    derivation: d,
    L: compile(d.L),
    regimes: d.regimes.map((r) => ({
      regime: r,
      constraints: r.constraints.map((c) => ({ g: compile(c.g), expr: c.g, side: c.side, text: constraintText(c) })),
      L: compile(r.L),
      dW: compile(r.dW),
      dL: compile(r.dL),
      ratio: r.ratio ? compile(r.ratio) : null,
    })),
  };
}

const boundaryText = (text: string) => text.replace(/ [<>] 0$/, '');

/**
 * Which regime holds at the point, decided by a certified enclosure of each boundary function (never
 * by its float64 value alone, which cancels at extreme values): a fault when the point sits exactly
 * on a boundary, or when float64 cannot tell which side it is on.
 */
export function regimeAt(c: { readonly regimes: readonly { readonly constraints: readonly { expr: Expr; side: 'above' | 'below'; text: string }[] }[] }, env: Env): number {
  for (let i = 0; i < c.regimes.length; i++) {
    let inside = true;
    for (const k of c.regimes[i].constraints) {
      const g = encloseAt(k.expr, env);
      const s = signOf(g);
      if (s === 'zero') {
        throw new MarginFault({ code: 'E_ON_BOUNDARY', message: `the point lies on the regime boundary ${boundaryText(k.text)} = 0, where the hinge is not differentiable`,
          hint: 'd_w and d_l differ on the two sides; move the point off the boundary' });
      }
      if (s === 'undefined') throw new MarginFault({ code: 'E_NON_FINITE', message: `the regime test ${k.text} is not defined at this point` });
      if (s === 'unknown') {
        throw new MarginFault({ code: 'E_ILL_CONDITIONED', message: `float64 cannot decide the side of the regime boundary ${boundaryText(k.text)} = 0 at this point: its value lies in [${g.lo}, ${g.hi}]`,
          at: { symbol: 'regime' }, hint: 'the point is too close to the boundary for float64, or its values are too extreme; move it' });
      }
      if ((s === 'positive') !== (k.side === 'above')) { inside = false; break; }
    }
    if (inside) return i;
  }
  throw new MarginFault({ code: 'E_NON_FINITE', message: 'the point falls in no regime (internal)' });
}

/** The quantities of one answer at a point. */
export type Quantity = 'L' | 'dW' | 'dL' | 'ratio';
const QUANTITY_NAME: Readonly<Record<Quantity, string>> = { L: 'L', dW: 'd_w', dL: 'd_l', ratio: 'd_w/d_l' };

export interface Evaluation {
  readonly point: Point;
  readonly regime: Regime;
  readonly L: number;
  readonly dW: number;
  readonly dL: number;
  /** d_w/d_l, or null where d_l = 0. */
  readonly ratio: number | null;
  /** The enclosure each value was certified by, and the significant digits it supports. */
  readonly certified: Readonly<Partial<Record<Quantity, Certified>>>;
  /** Quantities the caller did not need whose value float64 cannot certify here (reported as such, never as a number). */
  readonly uncertified: readonly Quantity[];
}

/**
 * L, d_w, d_l and d_w/d_l at a point, all from the one regime the point is certified to lie in. Each
 * value is checked against an enclosure of its exact value; where the enclosure leaves no significant
 * digit (or cannot show the value is defined) the answer is E_ILL_CONDITIONED naming the quantity,
 * never a float64 number that cancellation or underflow has emptied. `need` names the quantities the
 * caller reports (classify and remedy need only the weights).
 */
export function evaluateAt(c: CompiledDerivation, point: Point, need: readonly Quantity[] = ['L', 'dW', 'dL', 'ratio']): Result<Evaluation> {
  const env = point.values;
  try {
    const i = regimeAt(c, env);
    const r = c.regimes[i];
    const L = r.L(env), dW = r.dW(env), dL = r.dL(env);
    for (const [name, v] of [['L', L], ['d_w', dW], ['d_l', dL]] as const) {
      if (!Number.isFinite(v)) return fail({ code: 'E_NON_FINITE', message: `${name} is ${v} at this point`, at: { symbol: name } });
    }
    const exprs: Record<Quantity, Expr | null> = { L: r.regime.L, dW: r.regime.dW, dL: r.regime.dL, ratio: r.regime.ratio };
    const certs: Partial<Record<Quantity, Certified>> = {};
    const uncertified: Quantity[] = [];
    const errors: MarginError[] = [];
    const floats: Record<Quantity, number | null> = { L, dW, dL, ratio: null };
    for (const q of ['L', 'dW', 'dL', 'ratio'] as const) {
      const e = exprs[q];
      if (e === null) continue;
      if (q === 'ratio' && certs.dL?.lo === 0 && certs.dL.hi === 0) continue; // d_l is exactly 0 here
      const cert = certified(encloseAt(e, env));
      if (!cert || cert.digits < 1) {
        if (!need.includes(q)) { uncertified.push(q); continue; }
        const where = cert ? `lies in [${cert.lo}, ${cert.hi}]` : 'cannot be shown to be defined';
        errors.push({ code: 'E_ILL_CONDITIONED', message: `${QUANTITY_NAME[q]} has no significant digit in float64 at this point: its exact value ${where}`, at: { symbol: QUANTITY_NAME[q] },
          hint: 'the values are too extreme for float64 (cancellation or underflow); rescale the point or the params' });
        continue;
      }
      // Keep the float64 value where the enclosure confirms it; otherwise the enclosure's midpoint.
      const f = q === 'ratio' ? (r.ratio ? r.ratio(env) : null) : floats[q];
      const inside = f !== null && Number.isFinite(f) && f >= cert.lo && f <= cert.hi;
      certs[q] = inside ? { ...cert, value: f } : cert;
    }
    if (errors.length) return fail(...errors);
    const ratio = certs.ratio ? certs.ratio.value : null;
    return ok({ point, regime: r.regime, L: certs.L?.value ?? L, dW: certs.dW?.value ?? dW, dL: certs.dL?.value ?? dL, ratio, certified: certs, uncertified });
  } catch (e) {
    if (e instanceof MarginFault) return fail(e.error);
    throw e;
  }
}
