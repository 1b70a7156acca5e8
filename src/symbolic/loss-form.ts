// Eq. (8) assembled from its slots, in one place: the margin u = h_w(logp_w) − h_l(logp_l) and the loss
// L = −(m(u) + Λ(logp_w)). The derivation, its regimes and the property suite's raw (unsimplified) loss all
// build them here, so a new slot is added once.

import { type Expr, add, neg, sub, substitute, sym } from '../expr/expr.js';
import { ARG, LOGP_L, LOGP_W } from '../loss/symbols.js';
import type { Slot } from '../loss/types.js';

export const lw = sym(LOGP_W);
export const ll = sym(LOGP_L);

type Slots = Readonly<Record<Slot, Expr>>;

/** u = h_w(logp_w) − h_l(logp_l), as built (the caller simplifies). */
export const marginExpr = (s: Pick<Slots, 'h_w' | 'h_l'>): Expr => sub(substitute(s.h_w, { [ARG]: lw }), substitute(s.h_l, { [ARG]: ll }));

/** L = −(m(u) + Λ(logp_w)), as built, with the margin u given (already placed) or formed from the slots. */
export const lossExpr = (s: Slots, u: Expr = marginExpr(s)): Expr => neg(add(substitute(s.m, { [ARG]: u }), substitute(s.Lambda, { [ARG]: lw })));
