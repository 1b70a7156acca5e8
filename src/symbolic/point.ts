// A point of the domain: values for logp_w, logp_l, the context symbols and the params, with the
// documented defaults filled in (and reported), and the regime the point falls in.

import { MarginFault, type MarginError, type Result, didYouMean, fail, ok, shownName } from '../spec/errors.js';
import { type OutsideValue, checkDomains, parseDecimal } from '../spec/domain.js';
import { CONTEXT_NAMES, LOGP_L, LOGP_W } from '../spec/symbols.js';
import { type Compiled, type Env, compile } from './evaluate.js';
import type { Derivation, Regime } from './derive.js';
import { constraintText } from './derive.js';

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
 * value is checked against its domain (spec/domain.ts); `outsideDomain` keeps the ones outside and lists them.
 */
export function completePoint(d: Derivation, given: Readonly<Record<string, number>>, o: { outsideDomain?: boolean } = {}): Result<Point> {
  const params = d.spec.source.params;
  const known = new Set([LOGP_W, LOGP_L, ...CONTEXT_NAMES, ...Object.keys(params)]);
  const has = (name: string): boolean => Object.hasOwn(given, name);
  const errors: MarginError[] = [];
  for (const name of Object.keys(given)) {
    if (!known.has(name)) {
      const guess = didYouMean(name, known);
      errors.push({ code: 'E_POINT', message: `'${shownName(name)}' is not a symbol of this loss`, at: { slot: '--at', symbol: shownName(name) },
        hint: guess ? `did you mean '${guess}'?` : `known: ${[...known].join(', ')}` });
    }
  }
  if (has('c_ref')) {
    errors.push({ code: 'E_POINT', message: "c_ref is derived as c_ref_w − c_ref_l; give those two instead", at: { slot: '--at', symbol: 'c_ref' } });
  }
  for (const req of [LOGP_W, LOGP_L]) {
    if (!has(req)) errors.push({ code: 'E_POINT', message: `the point needs a value for ${req}`, at: { slot: '--at', symbol: req } });
  }
  if (errors.length) return { ok: false, errors };
  const values: Record<string, number> = Object.fromEntries(Object.entries(given));
  const defaults: { name: string; value: number; rule: string }[] = [];
  const dflt = (name: string, value: number, rule: string): void => {
    if (!Object.hasOwn(values, name)) { values[name] = value; defaults.push({ name, value, rule }); }
  };
  for (const [name, decl] of Object.entries(params)) dflt(name, decl.default, decl.source ? `default (${decl.source})` : 'default');
  dflt('c_ref_w', values[LOGP_W], 'c_ref_w = logp_w (policy at its reference)');
  dflt('c_ref_l', values[LOGP_L], 'c_ref_l = logp_l (policy at its reference)');
  dflt('z_ref', 0, 'z_ref = 0');
  dflt('len_w', 1, 'len_w = 1');
  dflt('len_l', 1, 'len_l = 1');
  values.c_ref = values.c_ref_w - values.c_ref_l;
  const checked = checkDomains(given, params, { slot: '--at', allow: o.outsideDomain });
  if (!checked.ok) return checked;
  // A default is outside only where --param set it so under --outside-domain; the loss carries that along.
  const forced = (d.spec.source.outside ?? []).filter((x) => !has(x.name));
  return ok({ values, defaults, outside: [...checked.value, ...forced] });
}

/** Compiled forms of a derivation, reused across many points (audits, fuzzing, tables). */
export interface CompiledDerivation {
  readonly derivation: Derivation;
  readonly L: Compiled;
  readonly regimes: readonly {
    readonly regime: Regime;
    readonly constraints: readonly { g: Compiled; side: 'above' | 'below'; text: string }[];
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
      constraints: r.constraints.map((c) => ({ g: compile(c.g), side: c.side, text: constraintText(c) })),
      dW: compile(r.dW),
      dL: compile(r.dL),
      ratio: r.ratio ? compile(r.ratio) : null,
    })),
  };
}

/** Which regime holds at the point; a fault when the point sits exactly on a boundary. */
export function regimeAt(c: CompiledDerivation, env: Env): number {
  for (let i = 0; i < c.regimes.length; i++) {
    let inside = true;
    for (const k of c.regimes[i].constraints) {
      const g = k.g(env);
      if (g === 0) {
        throw new MarginFault({ code: 'E_ON_BOUNDARY', message: `the point lies on the regime boundary ${k.text.replace(/ [<>] 0$/, '')} = 0, where the hinge is not differentiable`,
          hint: 'd_w and d_l differ on the two sides; move the point off the boundary' });
      }
      if (Number.isNaN(g)) throw new MarginFault({ code: 'E_NON_FINITE', message: `the regime test ${k.text} is not a number at this point` });
      if ((g > 0) !== (k.side === 'above')) { inside = false; break; }
    }
    if (inside) return i;
  }
  throw new MarginFault({ code: 'E_NON_FINITE', message: 'the point falls in no regime (internal)' });
}

export interface Evaluation {
  readonly point: Point;
  readonly regime: Regime;
  readonly L: number;
  readonly dW: number;
  readonly dL: number;
  /** d_w/d_l, or null where d_l = 0. */
  readonly ratio: number | null;
}

export function evaluateAt(c: CompiledDerivation, point: Point): Result<Evaluation> {
  const env = point.values;
  try {
    const i = regimeAt(c, env);
    const r = c.regimes[i];
    const L = c.L(env), dW = r.dW(env), dL = r.dL(env);
    for (const [name, v] of [['L', L], ['d_w', dW], ['d_l', dL]] as const) {
      if (!Number.isFinite(v)) return fail({ code: 'E_NON_FINITE', message: `${name} is ${v} at this point`, at: { symbol: name } });
    }
    return ok({ point, regime: r.regime, L, dW, dL, ratio: dL === 0 ? null : dW / dL });
  } catch (e) {
    if (e instanceof MarginFault) return fail(e.error);
    throw e;
  }
}
