// The loss language's data types. A loss is eq. (8) of the paper:
//   L = −( m(h_w(logp_w) − h_l(logp_l)) + Λ(logp_w) ),
// given as four expressions in the argument `a`, plus declared parameters.

import type { Expr } from '../expr/expr.js';
import type { OutsideValue } from './domain.js';

export const SLOTS = ['m', 'h_w', 'h_l', 'Lambda'] as const;
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
  /** Prose notes: where this form differs from the paper's Table 2, conventions, caveats. */
  readonly notes?: readonly string[];
  /** The row as the paper's Table 2 prints it, when it is one of the ten rows. */
  readonly printed?: PrintedRow;
  /** Where the spec came from (catalogue, a file path, the command line). */
  readonly origin: string;
  /** Parameter values set outside their domain on request (`--param … --outside-domain`), which every output states. */
  readonly outside?: readonly OutsideValue[];
}

/** A Table 2 row exactly as printed, kept apart from the correct form so the audit can check it. */
export interface PrintedRow {
  readonly m: string;
  readonly h_w: string;
  readonly h_l: string;
  readonly Lambda: string;
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
}
