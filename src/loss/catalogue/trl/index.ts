// The TRL family: TRL 1.13's losses under TRL's own conventions, beside marginlab's catalogue of the papers' forms.
import type { TrlEntry } from './binding.js';
import { TRL_CPO, TRL_ORPO } from './cpo.js';
import { TRL_DPO } from './dpo.js';
import { TRL_BCO, TRL_KTO } from './kto.js';

export type { TrlBinding, TrlEntry, TrlTrainer } from './binding.js';
export { TRL_VERSION } from './binding.js';

export const TRL_CATALOGUE: readonly TrlEntry[] = [...TRL_DPO, ...TRL_CPO, ...TRL_ORPO, ...TRL_KTO, ...TRL_BCO];
