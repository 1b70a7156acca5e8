// LossSource (text) → LossSpec (trees): validate the params, parse each slot against the allow-list,
// and make sure the loss actually depends on the chosen log-probability.

import { dependsOn, type Expr } from '../expr/expr.js';
import { PRIMITIVES } from '../expr/primitives.js';
import { type MarginError, type Result, ok, shownName } from '../errors.js';
import { parseExpression, RESULT_VARIABLE_HINTS } from './parse.js';
import { ARG, CONSTANTS, CONTEXT_NAMES, LOGP_L, LOGP_W, isSymbolTex } from './symbols.js';
import { SLOTS, type LossSource, type LossSpec, type ParamDecl, type Slot } from './types.js';

const IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;
const RESERVED = new Set([ARG, LOGP_W, LOGP_L, ...CONTEXT_NAMES, ...PRIMITIVES.keys(), ...Object.keys(CONSTANTS)]);

/** `forced`: params set outside their range on request (--outside-domain), whose default may leave it. */
export function checkParams(params: Readonly<Record<string, ParamDecl>>, where = 'params', forced: ReadonlySet<string> = new Set()): MarginError[] {
  const errors: MarginError[] = [];
  for (const [name, decl] of Object.entries(params)) {
    const at = { slot: where, symbol: shownName(name) };
    if (!IDENT.test(name)) errors.push({ code: 'E_PARAM', message: `'${shownName(name)}' is not a valid parameter name (letters, digits, _; starting with a letter)`, at });
    else if (RESERVED.has(name)) errors.push({ code: 'E_PARAM', message: `'${name}' is reserved (a known symbol or function) and cannot be a parameter`, at });
    if (typeof decl.default !== 'number' || !Number.isFinite(decl.default)) {
      errors.push({ code: 'E_PARAM', message: `parameter '${shownName(name)}' needs a finite numeric default`, at });
    }
    if (decl.range && !(decl.range[0] < decl.range[1])) {
      errors.push({ code: 'E_PARAM', message: `parameter '${shownName(name)}' has an empty range [${decl.range.join(', ')}]`, at });
    } else if (decl.range && !forced.has(name) && Number.isFinite(decl.default) && !(decl.default >= decl.range[0] && decl.default <= decl.range[1])) {
      errors.push({ code: 'E_PARAM', message: `parameter '${shownName(name)}' has its default ${decl.default} outside its declared range [${decl.range.join(', ')}]`, at });
    }
    if (decl.tex !== undefined && !isSymbolTex(decl.tex)) {
      errors.push({ code: 'E_PARAM', message: `the LaTeX of parameter '${shownName(name)}' is not a symbol`, at,
        hint: "give a letter or a Greek letter with an optional subscript, e.g. '\\beta' or '\\lambda_w'; or leave tex out and the name is shown" });
    }
  }
  return errors;
}

/** The symbols a slot may name: the argument, the context symbols and the declared params. */
export function slotSymbols(params: Readonly<Record<string, ParamDecl>>): Set<string> {
  return new Set([ARG, ...CONTEXT_NAMES, ...Object.keys(params)]);
}

export function parseSlots(
  texts: Readonly<Record<Slot, string>>,
  params: Readonly<Record<string, ParamDecl>>,
  slotPrefix = '',
): Result<Record<Slot, Expr>> {
  const symbols = slotSymbols(params);
  const errors: MarginError[] = [];
  const trees = {} as Record<Slot, Expr>;
  for (const slot of SLOTS) {
    const text = texts[slot] ?? '0';
    const r = parseExpression(String(text), { slot: `${slotPrefix}${slot}`, symbols, symbolHints: RESULT_VARIABLE_HINTS });
    if (r.ok) trees[slot] = r.value;
    else errors.push(...r.errors);
  }
  return errors.length > 0 ? { ok: false, errors } : ok(trees);
}

export function checkLoss(source: LossSource): Result<LossSpec> {
  const errors = checkParams(source.params, 'params', new Set((source.outside ?? []).map((o) => o.name)));
  if (errors.length > 0) return { ok: false, errors };
  const slots = parseSlots(source, source.params);
  if (!slots.ok) return slots;
  const { m, h_w, h_l, Lambda } = slots.value;
  // eq. (8): logp_w enters through m(h_w(·) − …) or through Λ(·).
  const usesW = (dependsOn(m, ARG) && dependsOn(h_w, ARG)) || dependsOn(Lambda, ARG);
  if (!usesW) {
    return { ok: false, errors: [{ code: 'E_NO_DEPENDENCE', message: 'the loss does not depend on logp_w: neither m∘h_w nor Λ involves the argument a', at: { slot: 'm' },
      hint: 'a margin loss needs m and h_w to use a, or Λ to use a' }] };
  }
  return ok({ source, m, h_w, h_l, Lambda });
}
