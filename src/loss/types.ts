// The loss language's data types. A loss is eq. (8) of the paper with a rejected-side term beside the chosen one:
//   L = −( m(h_w(logp_w) − h_l(logp_l)) + Λ_w(logp_w) + Λ_l(logp_l) ),
// given as five expressions in the argument `a` (Λ_w is the slot `Lambda`, as the paper names it), plus
// declared parameters. Or, the general form: one expression L in logp_w, logp_l and the context symbols, from
// which d_w = −∂L/∂logp_w and d_l = +∂L/∂logp_l (the slots are then '0' and unused).

import type { Expr } from '../expr/expr.js';
import type { OutsideValue } from './domain.js';

export const SLOTS = ['m', 'h_w', 'h_l', 'Lambda', 'Lambda_l'] as const;
export type Slot = (typeof SLOTS)[number];

export interface Citation {
  /** BibTeX key, e.g. rafailov2024dpo. */
  readonly key: string;
  readonly authors: string;
  readonly title: string;
  readonly venue: string;
  readonly year: number;
  readonly url?: string;
}

export interface ParamDecl {
  readonly default: number;
  readonly description: string;
  /** Where the default comes from (e.g. "paper appendix C.3"). */
  readonly source?: string;
  /** The range the direction audit explores; defaults to [1e-3, 1e3]. */
  readonly range?: readonly [number, number];
  /** LaTeX name, e.g. \beta. */
  readonly tex?: string;
}

/** The loss as the user (or the catalogue) wrote it: expressions as text. */
export interface LossSource {
  readonly id: string;
  readonly name: string;
  readonly citation?: Citation;
  readonly params: Readonly<Record<string, ParamDecl>>;
  readonly m: string;
  readonly h_w: string;
  readonly h_l: string;
  readonly Lambda: string;
  /** The rejected-side regulariser Λ_l(a), placed at logp_l ('0' when absent). */
  readonly Lambda_l?: string;
  /** The general form: the whole loss as an expression in logp_w, logp_l and the context (the slots are then '0'). */
  readonly L?: string;
  /** The number of ranked responses (2 ≤ K ≤ 8) of a loss written whole as L in logp_1 … logp_K (ranked.ts). */
  readonly responses?: number;
  /** Local definitions (`where: {rho: a - beta*c_ref}`), usable in every slot and expanded before differentiation. */
  readonly where?: Readonly<Record<string, string>>;
  /** Prose notes: where this form differs from the paper's Table 2, conventions, caveats. */
  readonly notes?: readonly string[];
  /** The row as the paper's Table 2 prints it, when it is one of the ten rows. */
  readonly printed?: PrintedRow;
  /** Where the spec came from (catalogue, a file path, the command line). */
  readonly origin: string;
  /** In a spec file, where each slot's expression text starts (line, and column of its first character where it
   * sits on one line), so that an error inside the expression is located in the file's coordinates. */
  readonly locations?: Readonly<Record<string, TextStart>>;
  /** Parameter values set outside their domain on request (`--param … --outside-domain`), which every output states. */
  readonly outside?: readonly OutsideValue[];
}

export interface TextStart {
  readonly line: number;
  /** Absent for a value written over several lines, whose columns do not map one to one. */
  readonly column?: number;
}

/** A Table 2 row exactly as printed, kept apart from the correct form so the audit can check it. */
export interface PrintedRow {
  readonly m: string;
  readonly h_w: string;
  readonly h_l: string;
  readonly Lambda: string;
  readonly Lambda_l?: string;
  /** Extra params the printed row needs and the correct form does not (rare). */
  readonly params?: Readonly<Record<string, ParamDecl>>;
  /** What differs from the authors' loss, stated once, for footnotes. */
  readonly discrepancies: readonly string[];
}

/** A parsed, checked loss: each slot is an expression tree in `a` and the known symbols. */
export interface LossSpec {
  readonly source: LossSource;
  readonly m: Expr;
  readonly h_w: Expr;
  readonly h_l: Expr;
  readonly Lambda: Expr;
  readonly Lambda_l: Expr;
  /** The loss written whole (general form); the slots are then 0 and the derivation differentiates this. */
  readonly L?: Expr;
  /** A loss over K ranked responses, L in logp_1 … logp_K (the slots are then 0 and L absent): its own
   * derivation (symbolic/ranked.ts); the two-response machinery refuses it with E_UNSUPPORTED. */
  readonly ranked?: RankedLoss;
}

export interface RankedLoss {
  readonly K: number;
  readonly L: Expr;
}
