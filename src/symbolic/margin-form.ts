// Is a loss written whole as L margin-based — L = −(m(h_w(logp_w) − h_l(logp_l)) + Λ_w(logp_w) + Λ_l(logp_l))?
// Decided symbolically, by recovering the slots, never by sampling:
//   1. −L is split into its terms; those in logp_w alone make Λ_w, those in logp_l alone Λ_l, constants go
//      to Λ_w, and the rest (the terms in both) make the coupled part C.
//   2. C must be a function of one margin U = A(logp_w) + B(logp_l): a sum inside C whose terms each use one
//      log-probability (both used). Every such sum V in C that is k·U with k free of both (V − k·U simplifies
//      to 0: the simplifier may write β(x − c) − β(y − d) once and β(d + x − c − y) elsewhere) is replaced by
//      k·a; if nothing in logp_w or logp_l is left, C = m(U).
// Each step is an identity of trees (the simplifier's rewrites are value-preserving, which the property suite
// checks), so a recovered form is a proof. Where no such U is found the answer is UNDECIDED with the reason:
// marginlab does not prove that a loss is *not* margin-based.

import { type Expr, add, dependsOn, key, mul, neg, num, substitute, sym } from '../expr/expr.js';
import { ARG, LOGP_L, LOGP_W } from '../loss/symbols.js';
import type { LossSpec, Slot } from '../loss/types.js';
import { simplify, simplifyAdd, simplifyMul, simplifyRatio } from './simplify.js';
import { toText } from './print.js';

export type MarginForm =
  | { readonly status: 'margin-based'; readonly how: 'written' | 'recovered'; readonly slots: Readonly<Record<Slot, Expr>>; readonly reason: string }
  | { readonly status: 'undecided'; readonly slots: null; readonly reason: string };

const uses = (e: Expr) => ({ w: dependsOn(e, LOGP_W), l: dependsOn(e, LOGP_L) });
const sum = (terms: readonly Expr[]): Expr => (terms.length === 0 ? num(0) : terms.length === 1 ? terms[0] : add(...terms));
const termsOf = (e: Expr): readonly Expr[] => (e.kind === 'add' ? e.terms : [e]);

/** Sums inside e whose terms each use at most one log-probability, with both used: the candidate margins. */
function splitSums(e: Expr, out: Map<string, Expr> = new Map()): Map<string, Expr> {
  if (e.kind === 'add') {
    const parts = e.terms.map(uses);
    if (parts.every((p) => !(p.w && p.l)) && parts.some((p) => p.w) && parts.some((p) => p.l)) out.set(key(e), e);
  }
  const kids: readonly Expr[] = e.kind === 'add' ? e.terms : e.kind === 'mul' ? e.factors : e.kind === 'pow' ? [e.base, e.exp]
    : e.kind === 'call' ? e.args : e.kind === 'cond' ? [e.test.left, e.test.right, e.then, e.else] : [];
  for (const k of kids) splitSums(k, out);
  return out;
}

/** e with every node whose key is in `by` replaced by its value. */
function replaceAll(e: Expr, by: ReadonlyMap<string, Expr>): Expr {
  const hit = by.get(key(e));
  if (hit) return hit;
  switch (e.kind) {
    case 'num': case 'sym': return e;
    case 'add': return add(...e.terms.map((t) => replaceAll(t, by)));
    case 'mul': return mul(...e.factors.map((t) => replaceAll(t, by)));
    case 'pow': return { ...e, base: replaceAll(e.base, by), exp: replaceAll(e.exp, by) };
    case 'call': return { ...e, args: e.args.map((a) => replaceAll(a, by)) };
    case 'cond': return { ...e, test: { ...e.test, left: replaceAll(e.test.left, by), right: replaceAll(e.test.right, by) }, then: replaceAll(e.then, by), else: replaceAll(e.else, by) };
  }
}

/** The terms of a sum with constant factors multiplied in (β·(x − c) → β·x, −β·c), so sums written apart compare. */
function flatTerms(e: Expr): Expr[] {
  if (e.kind === 'add') return e.terms.flatMap(flatTerms);
  if (e.kind === 'mul') {
    const sums = e.factors.filter((f) => f.kind === 'add');
    const others = e.factors.filter((f) => f.kind !== 'add');
    if (sums.length === 1 && others.every((f) => !uses(f).w && !uses(f).l)) return flatTerms(sums[0]).map((t) => simplifyMul([...others, t]));
  }
  return [e];
}

/** k free of logp_w and logp_l with v = k·u identically (shown by v − k·u simplifying to 0), or undefined. */
function multipleOf(v: Expr, u: Expr): Expr | undefined {
  const fv = flatTerms(v), fu = flatTerms(u);
  const wv = fv.filter((t) => uses(t).w), wu = fu.filter((t) => uses(t).w);
  if (!wv.length || !wu.length) return undefined;
  const k = simplifyRatio(simplifyAdd(wv), simplifyAdd(wu));
  if (uses(k).w || uses(k).l) return undefined;
  const rest = simplifyAdd([...fv, ...fu.map((t) => simplifyMul([num(-1), k, t]))]);
  return rest.kind === 'num' && rest.value === 0 ? k : undefined;
}

/** The coupled part as m(U): m, and U's two sides (h_w(a) = A, h_l(a) = −B), or undefined. */
function asFunctionOfMargin(c: Expr): { m: Expr; hw: Expr; hl: Expr } | undefined {
  const sums = [...splitSums(c).values()];
  // Larger candidates first: the outermost margin explains the most.
  for (const u of sums.sort((x, y) => key(y).length - key(x).length)) {
    const by = new Map<string, Expr>();
    for (const v of sums) {
      const r = key(v) === key(u) ? num(1) : multipleOf(v, u);
      if (r) by.set(key(v), r.kind === 'num' && r.value === 1 ? sym(ARG) : mul(r, sym(ARG)));
    }
    const m = simplify(replaceAll(c, by));
    const left = uses(m);
    if (left.w || left.l) continue;
    const a = termsOf(u).filter((t) => !uses(t).l);
    const b = termsOf(u).filter((t) => uses(t).l);
    return { m, hw: simplify(substitute(sum(a), { [LOGP_W]: sym(ARG) })), hl: simplify(neg(substitute(sum(b), { [LOGP_L]: sym(ARG) }))) };
  }
  return undefined;
}

/** Whether the loss is margin-based, with its slots: as written for eq. (8)'s form, recovered (or UNDECIDED) for a general L. */
export function marginForm(spec: LossSpec): MarginForm {
  if (!spec.L) {
    return { status: 'margin-based', how: 'written', reason: 'written in the form of eq. (8)',
      slots: { m: spec.m, h_w: spec.h_w, h_l: spec.h_l, Lambda: spec.Lambda, Lambda_l: spec.Lambda_l } };
  }
  const terms = termsOf(simplify(neg(spec.L)));
  const onlyL = terms.filter((t) => uses(t).l && !uses(t).w);
  const both = terms.filter((t) => uses(t).l && uses(t).w);
  const rest = terms.filter((t) => !uses(t).l);
  const Lambda = simplify(substitute(sum(rest), { [LOGP_W]: sym(ARG) }));
  const Lambda_l = simplify(substitute(sum(onlyL), { [LOGP_L]: sym(ARG) }));
  if (both.length === 0) {
    return { status: 'margin-based', how: 'recovered', reason: 'L is a sum of a term in logp_w and a term in logp_l (m = 0)',
      slots: { m: num(0), h_w: sym(ARG), h_l: sym(ARG), Lambda, Lambda_l } };
  }
  const coupled = asFunctionOfMargin(sum(both));
  if (!coupled) {
    return { status: 'undecided', slots: null,
      reason: 'no margin h_w(logp_w) − h_l(logp_l) of which the terms coupling logp_w and logp_l are a function was found in L; marginlab does not prove a loss is not margin-based' };
  }
  return { status: 'margin-based', how: 'recovered', reason: 'the terms coupling logp_w and logp_l are a function of one margin',
    slots: { m: coupled.m, h_w: coupled.hw, h_l: coupled.hl, Lambda, Lambda_l } };
}

/** The loss of a recovered (or written) margin form as eq. (8)'s slots, a spec of its own: derived, it must give L's d_w, d_l. */
export function marginFormSpec(spec: LossSpec, slots: Readonly<Record<Slot, Expr>>): LossSpec {
  const { L: _written, ...source } = spec.source;
  return {
    source: { ...source, m: toText(slots.m), h_w: toText(slots.h_w), h_l: toText(slots.h_l), Lambda: toText(slots.Lambda), Lambda_l: toText(slots.Lambda_l) },
    m: slots.m, h_w: slots.h_w, h_l: slots.h_l, Lambda: slots.Lambda, Lambda_l: slots.Lambda_l,
  };
}
