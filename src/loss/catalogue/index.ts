// The catalogue's index only lists files: one loss a file, each with its citation and defaults.
import type { CatalogueEntry } from './entry.js';
import { dpo } from './dpo.js';
import { rDpo } from './r-dpo.js';
import { simpo } from './simpo.js';
import { ipo } from './ipo.js';
import { rrhf } from './rrhf.js';
import { slicHf } from './slic-hf.js';
import { cpo } from './cpo.js';
import { dpop } from './dpop.js';
import { kto } from './kto.js';
import { sppo } from './sppo.js';
import { cdpo } from './cdpo.js';
import { robustDpo } from './robust-dpo.js';
import { hinge } from './hinge.js';
import { orpo } from './orpo.js';
import { nca } from './nca.js';
import { apoZero } from './apo-zero.js';
import { apoDown } from './apo-down.js';
import { bco } from './bco.js';
import { calDpo } from './cal-dpo.js';
import { dpoUnlikelihood } from './dpo-unlikelihood.js';
import { dpoShift } from './dpo-shift.js';
import { simper } from './simper.js';
import { odpo } from './odpo.js';
import { alphapo } from './alphapo.js';
import { exoPair } from './exo-pair.js';
import { mpo } from './mpo.js';
import { plackettLuceDpo } from './plackett-luce-dpo.js';
import { infonca } from './infonca.js';

export type { CatalogueEntry } from './entry.js';

/** Table 2's ten rows first, in the paper's order, then the others. */
export const CATALOGUE: readonly CatalogueEntry[] = [
  dpo, rDpo, simpo, ipo, rrhf, slicHf, cpo, dpop, kto, sppo,
  cdpo, robustDpo, hinge, orpo, nca, apoZero, apoDown, bco,
  // Beyond eq. (8)'s first form: rejected-side terms, local names, a general L.
  calDpo, dpoUnlikelihood, dpoShift, simper, odpo, alphapo, exoPair, mpo,
];

/**
 * Losses over K ranked responses (`responses: K`): weights d_1 … d_K, which eval, classify and derive take.
 * Kept apart from CATALOGUE, whose every entry the two-response machinery (tables, the trainer, proofs) takes.
 */
export const RANKED_CATALOGUE: readonly CatalogueEntry[] = [plackettLuceDpo, infonca];

// ---- The TRL family (issue 19): TRL's losses under TRL's conventions, kept in catalogue/trl/ ----
import { TRL_CATALOGUE } from './trl/index.js';
import { mixtureById } from './trl/mixture.js';

export { TRL_CATALOGUE } from './trl/index.js';

/** The catalogue's families, as `marginlab catalogue` lists them: the papers' forms, then TRL's. */
export const FAMILIES: readonly { readonly name: string; readonly entries: readonly CatalogueEntry[] }[] = [
  { name: 'marginlab (the papers\' forms)', entries: CATALOGUE },
  { name: 'trl (TRL 1.13\'s code, per pair)', entries: TRL_CATALOGUE },
  { name: 'ranked (K responses; verify and the audit take two)', entries: RANKED_CATALOGUE },
];

// ---- end of the TRL family ----

/** A loss of any family by its id. */
export const findEntry = (id: string): CatalogueEntry | undefined =>
  CATALOGUE.find((e) => e.id === id) ?? RANKED_CATALOGUE.find((e) => e.id === id) ?? TRL_CATALOGUE.find((e) => e.id === id) ?? mixtureById(id);
