// Eq. (8) assembled from its slots, in one place: the margin u = h_w(logp_w) − h_l(logp_l) and the loss
// L = −(m(u) + Λ_w(logp_w) + Λ_l(logp_l)). The derivation, its regimes, the property suite's raw
// (unsimplified) loss and the trainer's code all build them here, so a new slot is added once.

import { type Expr, add, neg, sub, substitute, sym } from '../expr/expr.js';
import { ARG, LOGP_L, LOGP_W } from '../loss/symbols.js';
import type { Slot } from '../loss/types.js';

export const lw = sym(LOGP_W);
export const ll = sym(LOGP_L);

type Slots = Readonly<Record<Slot, Expr>>;

/** Where each side-slot's argument a is placed: h_w and Λ_w at logp_w, h_l and Λ_l at logp_l (m takes the margin). */
export const SIDE: Readonly<Record<Exclude<Slot, 'm'>, Expr>> = { h_w: lw, Lambda: lw, h_l: ll, Lambda_l: ll };

/** u = h_w(logp_w) − h_l(logp_l), as built (the caller simplifies). */
export const marginExpr = (s: Pick<Slots, 'h_w' | 'h_l'>): Expr => sub(substitute(s.h_w, { [ARG]: lw }), substitute(s.h_l, { [ARG]: ll }));

/** The loss as the spec writes it, unsimplified: eq. (8) from the slots, or the general L itself. */
export const specLoss = (spec: Slots & { readonly L?: Expr }): Expr => spec.L ?? lossExpr(spec);

/** L = −(m(u) + Λ_w(logp_w) + Λ_l(logp_l)), as built, with the margin u given (already placed) or formed from the slots. */
export const lossExpr = (s: Slots, u: Expr = marginExpr(s)): Expr =>
  neg(add(substitute(s.m, { [ARG]: u }), substitute(s.Lambda, { [ARG]: lw }), substitute(s.Lambda_l, { [ARG]: ll })));
