// LossSource (text) → LossSpec (trees): validate the params, parse each slot against the allow-list,
// and make sure the loss actually depends on the chosen log-probability.

import { dependsOn, type Expr, num } from '../expr/expr.js';
import { PRIMITIVES } from '../expr/primitives.js';
import { type MarginError, type Result, fail, ok, shownName } from '../errors.js';
import { parseExpression, resultVariableHints } from './parse.js';
import { ARG, CONSTANTS, CONTEXT_NAMES, LOGP_L, LOGP_W, isSymbolTex, resultSymbols } from './symbols.js';
import { applyWhere, expandWhere } from './where.js';
import { checkRanked } from './ranked.js';
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

/**
 * Each slot's text; a slot left out is 0 (Λ and Λ_l are usually absent). `where` holds the spec's local
 * definitions, already expanded (where.ts): a slot may name them, and gets them written in.
 */
export function parseSlots(
  texts: Readonly<Partial<Record<Slot, string>>>,
  params: Readonly<Record<string, ParamDecl>>,
  where: Readonly<Record<string, Expr>> = {},
): Result<Record<Slot, Expr>> {
  const symbols = new Set([...slotSymbols(params), ...Object.keys(where)]);
  const errors: MarginError[] = [];
  const trees = {} as Record<Slot, Expr>;
  for (const slot of SLOTS) {
    const text = texts[slot] ?? '0';
    const r = parseExpression(String(text), { slot, symbols, symbolHints: resultVariableHints(slot) });
    const written = r.ok ? applyWhere(r.value, slot, where) : r;
    if (written.ok) trees[slot] = written.value;
    else errors.push(...written.errors);
  }
  return errors.length > 0 ? { ok: false, errors } : ok(trees);
}

/** The spec's where definitions, parsed against the symbols its expressions see and written out (none: an empty set). */
export function whereOf(source: Pick<LossSource, 'where' | 'params'>, symbols: ReadonlySet<string>): Result<Record<string, Expr>> {
  return source.where ? expandWhere(source.where, symbols, RESERVED) : ok({});
}

/** The symbols a general L may name: both log-probabilities, the context and the params (no argument a). */
const generalSymbols = (params: Readonly<Record<string, ParamDecl>>) => resultSymbols(Object.keys(params));

const GENERAL_HINTS: Readonly<Record<string, string>> = {
  [ARG]: "L is written in logp_w and logp_l themselves; there is no argument 'a' (that is the slots' form: m, h_w, h_l, Lambda, Lambda_l)",
};

/** A loss written whole as L: no slot beside it (mixing the forms is refused), and it must depend on logp_w. */
function checkGeneral(source: LossSource & { L: string }): Result<LossSpec> {
  const mixed = SLOTS.filter((k) => source[k] !== undefined && !['0', ''].includes(String(source[k]).trim()));
  if (mixed.length) {
    return fail({ code: 'E_SPEC', message: `a loss is written either whole as L or as m, h_w, h_l, Lambda, Lambda_l; this one gives L and ${mixed.join(', ')}`, at: { slot: 'L' },
      hint: 'write the slots\' terms into L (in logp_w and logp_l), or drop L' });
  }
  const symbols = generalSymbols(source.params);
  const where = whereOf(source, symbols);
  if (!where.ok) return where;
  const r = parseExpression(String(source.L), { slot: 'L', symbols: new Set([...symbols, ...Object.keys(where.value)]), symbolHints: GENERAL_HINTS });
  if (!r.ok) return r;
  const L = applyWhere(r.value, 'L', where.value);
  if (!L.ok) return L;
  if (!dependsOn(L.value, LOGP_W)) {
    return fail({ code: 'E_NO_DEPENDENCE', message: 'the loss does not depend on logp_w: L never names it', at: { slot: 'L' }, hint: 'a preference loss moves the chosen log-probability: L needs logp_w' });
  }
  const zero = num(0);
  return ok({ source, m: zero, h_w: zero, h_l: zero, Lambda: zero, Lambda_l: zero, L: L.value });
}

export function checkLoss(source: LossSource): Result<LossSpec> {
  const errors = checkParams(source.params, 'params', new Set((source.outside ?? []).map((o) => o.name)));
  if (errors.length > 0) return { ok: false, errors };
  if (source.responses !== undefined) return checkRanked(source, RESERVED);
  if (source.L !== undefined) return checkGeneral(source as LossSource & { L: string });
  const where = whereOf(source, slotSymbols(source.params));
  if (!where.ok) return where;
  const slots = parseSlots(source, source.params, where.value);
  if (!slots.ok) return slots;
  const { m, h_w, h_l, Lambda, Lambda_l } = slots.value;
  // eq. (8): logp_w enters through m(h_w(·) − …) or through Λ(·).
  const usesW = (dependsOn(m, ARG) && dependsOn(h_w, ARG)) || dependsOn(Lambda, ARG);
  if (!usesW) {
    return { ok: false, errors: [{ code: 'E_NO_DEPENDENCE', message: 'the loss does not depend on logp_w: neither m∘h_w nor Λ involves the argument a', at: { slot: 'm' },
      hint: 'a margin loss needs m and h_w to use a, or Λ to use a' }] };
  }
  return ok({ source, m, h_w, h_l, Lambda, Lambda_l });
}
