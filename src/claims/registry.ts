// Every checkable claim of the paper, in the order the paper makes them.
import type { Claim } from './types.js';
import { section2 } from './paper/section2.js';
import { section31 } from './paper/section3-1.js';
import { table2 } from './paper/table2.js';
import { section32 } from './paper/section3-2.js';
import { section4 } from './paper/section4.js';
import { proofs } from './paper/proofs.js';
import { theorems } from './paper/theorems.js';
import { OWN_CLAIMS } from './own.js';

export const PAPER_CLAIMS: readonly Claim[] = [...section2, ...section31, ...table2, ...section32, ...theorems, ...section4, ...proofs, ...OWN_CLAIMS];

/** Statements of the paper that need the real-model mode (issue 7) and are not checked here. */
export const UNCHECKED: readonly { where: string; statement: string; why: string }[] = [
  { where: 'section 3.3, Figures 1, 2, 5–7', statement: 'On TL;DR with Mistral 7B / Llama-3 8B, chosen and rejected log-probabilities rise and fall together; CPO, DPOP, RRHF, SLiC-HF raise the chosen; SPPO raises the chosen slightly.', why: 'an empirical training result; needs the real-model mode (issue 7)' },
  { where: 'section 4.2, Figures 3–4', statement: 'On the GPT-2 sentiment tasks the chosen log-probability rises only for single-token responses, falls more with a longer shared suffix, and the gradient cosine similarity grows with the suffix.', why: 'an empirical training result; needs the real-model mode (issue 7)' },
];
