// The form's text fields ↔ a LossSource, and the check that turns them into a LossSpec. Parsing and
// checking are the library's (checkLoss, parseAssignments): the page only decides which source the
// fields stand for — the base loss itself when nothing was edited, a new "playground" loss otherwise.

import { columnOf } from '../../src/loss/parse.js';
import { checkLoss } from '../../src/loss/check.js';
import type { MarginError, Result } from '../../src/errors.js';
import type { LossSource, LossSpec, ParamDecl } from '../../src/loss/types.js';
import { parseAssignments } from '../../src/symbolic/point.js';

export const FIELDS = ['m', 'h_w', 'h_l', 'Lambda', 'params'] as const;
export type Field = (typeof FIELDS)[number];
export type Fields = Readonly<Record<Field, string>> & { readonly name: string };

export function paramsText(params: Readonly<Record<string, ParamDecl>>): string {
  return Object.entries(params).map(([k, p]) => `${k}=${p.default}`).join(', ');
}

export function fieldsOf(s: LossSource): Fields {
  return { name: s.name, m: s.m, h_w: s.h_w, h_l: s.h_l, Lambda: s.Lambda, params: paramsText(s.params) };
}

/** Params typed as `beta=0.1, gamma=1`; a declared param keeps its description, range and LaTeX. */
function parseParams(text: string, base: LossSource | undefined): Result<Record<string, ParamDecl>> {
  if (text.trim() === '') return { ok: true, value: {} };
  const r = parseAssignments(text, 'params');
  if (!r.ok) return r;
  const out: Record<string, ParamDecl> = {};
  for (const [k, v] of Object.entries(r.value)) out[k] = { ...(base && Object.hasOwn(base.params, k) ? base.params[k] : { description: k }), default: v };
  return { ok: true, value: out };
}

const sameParams = (a: Readonly<Record<string, ParamDecl>>, b: Readonly<Record<string, ParamDecl>>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, p]) => b[k]?.default === p.default);

export function isUnchanged(base: LossSource | undefined, f: Fields, params: Readonly<Record<string, ParamDecl>>): boolean {
  return !!base && base.m === f.m && base.h_w === f.h_w && base.h_l === f.h_l && base.Lambda === f.Lambda && sameParams(base.params, params);
}

export interface Built {
  readonly source?: LossSource;
  readonly result: Result<LossSpec>;
}

export function buildLoss(base: LossSource | undefined, f: Fields): Built {
  const params = parseParams(f.params, base);
  if (!params.ok) return { result: params };
  const source: LossSource = isUnchanged(base, f, params.value) ? base! : {
    id: f.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'playground',
    name: f.name.trim() || 'playground loss',
    params: params.value, m: f.m, h_w: f.h_w, h_l: f.h_l, Lambda: f.Lambda.trim() === '' ? '0' : f.Lambda,
    origin: 'playground',
  };
  return { source, result: checkLoss(source) };
}

/** Which field an error belongs to, and the 1-based column in that field's text (when known). */
export function locateError(e: MarginError, f: Fields): { field: Field | 'form'; column?: number } {
  const slot = e.at?.slot;
  if (slot === 'params') {
    // parseAssignments gives the column where the `name=value` part starts (a space, after a comma);
    // the name itself is the better mark when the error names one.
    const column = (e.at?.symbol ? columnOf(f.params, e.at.symbol) : undefined) ?? e.at?.column;
    return { field: 'params', column };
  }
  if (slot && (FIELDS as readonly string[]).includes(slot)) return { field: slot as Field, column: e.at?.column };
  return { field: 'form' };
}
