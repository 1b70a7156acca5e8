// The shape of one catalogue file. Each loss is the loss as its own authors define it, written in the
// convention of eq. (8) — L = −(m(h_w(logp_w) − h_l(logp_l)) + Λ(logp_w)) — so that gradient descent on
// L lowers the authors' loss. Where the paper's Table 2 prints the row differently, `printed` keeps the
// row as printed; the audit checks that form, never this one, against the paper's claims.

import type { LossSource } from '../types.js';

export type CatalogueEntry = Omit<LossSource, 'origin'> & {
  /** A command a reader can run; the expected output is derived, never written here. */
  readonly example: string;
  /** True for the ten rows of the paper's Table 2. */
  readonly inPaper: boolean;
};
