// Errors are values: a code a program can branch on, a sentence a person understands, and where it
// happened (which expression of the loss, which column, which symbol).

export type ErrorCode =
  | 'E_SYNTAX'
  | 'E_UNKNOWN_SYMBOL'
  | 'E_UNKNOWN_FUNCTION'
  | 'E_ARITY'
  | 'E_FORBIDDEN'
  | 'E_UNSUPPORTED'
  | 'E_NO_DEPENDENCE'
  | 'E_SPEC'
  | 'E_UNKNOWN_LOSS'
  | 'E_FILE'
  | 'E_PARAM'
  | 'E_POINT'
  | 'E_DIV_ZERO'
  | 'E_DOMAIN'
  | 'E_NON_FINITE'
  | 'E_ON_BOUNDARY'
  | 'E_USAGE'
  | 'E_ILL_CONDITIONED'
  | 'E_NO_DOMAIN'
  | 'E_TOO_COMPLEX'
  | 'E_INTERNAL'
  | 'E_RUN_DIR'
  | 'E_RUN_METRICS';

/** Where in a loss the error is: the slot (m, h_w, h_l, Lambda, or a spec field) and a 1-based column. */
export interface Location {
  readonly slot?: string;
  readonly line?: number;
  readonly column?: number;
  readonly symbol?: string;
  readonly file?: string;
}

export interface MarginError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly at?: Location;
  readonly hint?: string;
}

/** Every layer's result: a value, or the errors (MarginError by default; the trainer's TrainerError). */
export type Result<T, E = MarginError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly E[] };

export const ok = <T, E = MarginError>(value: T): Result<T, E> => ({ ok: true, value });

/** Give errors that say only which symbol (or nothing) the caller's location; a located error keeps its own. */
export const withLocation = (errors: readonly MarginError[], where: Location): MarginError[] => errors.map((e) => {
  const located = e.at && (e.at.slot !== undefined || e.at.file !== undefined || e.at.line !== undefined || e.at.column !== undefined);
  return located ? e : { ...e, at: { ...where, ...e.at } };
});
export const fail = <T = never>(...errors: MarginError[]): Result<T> => ({ ok: false, errors });

/** Thrown only to cross many frames at once inside a pass; every public entry point catches it. */
export class MarginFault extends Error {
  constructor(readonly error: MarginError) {
    super(formatError(error));
  }
}

export function formatLocation(at: Location | undefined): string {
  if (!at) return '';
  const parts: string[] = [];
  if (at.file) parts.push(at.file);
  if (at.slot) parts.push(`in ${at.slot}`);
  if (at.line !== undefined) parts.push(`line ${at.line}`);
  if (at.column !== undefined) parts.push(`column ${at.column}`);
  return parts.join(', ');
}

/** `E_UNKNOWN_SYMBOL in m, column 12: 'bta' is not a known symbol — did you mean 'beta'?` — always one line. */
export function formatError(e: MarginError): string {
  const where = formatLocation(e.at);
  return printable(`${e.code}${where ? ` ${where}` : ''}: ${e.message}${e.hint ? ` — ${e.hint}` : ''}`);
}

/**
 * Text echoed from an input, fit for a terminal or a CI log: control characters (a newline in an expression
 * would start a line that looks like another message) and bidirectional overrides (which reorder what a
 * reader sees) are shown as escapes.
 */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Levenshtein distance, for did-you-mean suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The closest candidate within a distance that scales with the word, or undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) { bestD = d; best = c; }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/**
 * A name taken from a file, a link or the command line, fit to echo in a message: a plain identifier of at
 * most 32 characters is shown; anything else is described, never printed (a file opened by mistake may hold
 * secrets, and its keys would reach a CI log).
 */
export function shownName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]{0,31}$/.test(name) ? name : `<a name of ${[...name].length} characters>`;
}
