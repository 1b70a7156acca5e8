// The four comparisons of the loss language (hinges, conditions, claims), decided in one place for each
// kind of evidence: two numbers, the sign of a difference, or an enclosure of a difference.

import type { CmpOp } from './expr.js';

/** a op b, with the operators' own answer for NaN (false) and for equal infinities. */
export function compareNumbers(op: CmpOp, a: number, b: number): boolean {
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
  }
}

/** Whether `left op right` holds, given only the sign c of left − right (−1, 0 or 1; NaN: never). */
export const holdsForSign = (op: CmpOp, c: number): boolean => compareNumbers(op, c, 0);

/** The bounds of an enclosure of left − right, each possibly open. */
export interface DifferenceBounds { readonly lo: number; readonly hi: number; readonly loOpen: boolean; readonly hiOpen: boolean }

/**
 * What an enclosure of left − right decides about `left op right`: certainly true, certainly false, or
 * neither (both false) where the enclosure straddles the comparison's edge.
 */
export function decideByEnclosure(op: CmpOp, d: DifferenceBounds): { readonly certainlyTrue: boolean; readonly certainlyFalse: boolean } {
  const gt = d.lo > 0 || (d.lo === 0 && d.loOpen), ge = d.lo >= 0;
  const lt = d.hi < 0 || (d.hi === 0 && d.hiOpen), le = d.hi <= 0;
  switch (op) {
    case '>': return { certainlyTrue: gt, certainlyFalse: le };
    case '>=': return { certainlyTrue: ge, certainlyFalse: lt };
    case '<': return { certainlyTrue: lt, certainlyFalse: ge };
    case '<=': return { certainlyTrue: le, certainlyFalse: gt };
  }
}
