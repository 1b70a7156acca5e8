// Case 1 of the paper's Table 1 — the chosen log-probability rises and the rejected one falls — under the
// batch step the trainer actually took (after any entanglement-aware variant), on the whole responses.
// Judged for the step as a whole (the d-weighted batch log π, whose gradients are the halves G_w, G_l of the
// step: what the adaptive variant controls) and per pair (where the other pairs of the batch also act).

export const inCase1 = (dW: number, dL: number): boolean => dW >= 0 && dL <= 0;

type Fields = Readonly<Record<string, unknown>>;

/** Is this step or pair in case 1, first order ('fo') or observed ('obs')? null where the trainer did not
 * send the changes (they are optional protocol fields). */
export function case1Of(x: Fields, kind: 'fo' | 'obs'): boolean | null {
  const w = x[`step_${kind}_dlogp_w`], l = x[`step_${kind}_dlogp_l`];
  return typeof w === 'number' && typeof l === 'number' ? inCase1(w, l) : null;
}

export function share(xs: readonly (boolean | null)[]): number | null {
  const known = xs.filter((x): x is boolean => x !== null);
  return known.length ? known.filter(Boolean).length / known.length : null;
}
