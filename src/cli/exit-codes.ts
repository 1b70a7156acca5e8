// The exit codes every command shares, so that a CI job can tell a proof from a refutation from an
// honest "could not decide".
export const EXIT = {
  /** Success; for a verdict: proved (or every claim passed). */
  ok: 0,
  /** A check failed: a claim refuted with a certified witness, a failed verification. */
  refuted: 1,
  /** Bad input: a coded message on stderr. */
  usage: 2,
  /** An internal error (a bug in marginlab). */
  internal: 3,
  /** A verdict marginlab cannot certify either way: undecided. */
  undecided: 4,
} as const;

/** The exit code of a combined verdict. */
export const exitFor = (status: 'proved' | 'refuted' | 'undecided'): number =>
  status === 'proved' ? EXIT.ok : status === 'refuted' ? EXIT.refuted : EXIT.undecided;
