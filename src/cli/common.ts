// Helpers every command shares: unwrapping Results and printing. Option parsers and option sets: options.ts.

import { type Location, type MarginError, formatError, withLocation } from '../errors.js';

export class UsageError extends Error {
  constructor(readonly errors: readonly MarginError[]) { super(errors.map(formatError).join('\n')); }
}

/** Unwrap a Result or stop with exit code 2; `where` locates errors the library could not place (the input at hand). */
export function need<T>(r: { ok: true; value: T } | { ok: false; errors: readonly MarginError[] }, where?: Location): T {
  if (!r.ok) throw new UsageError(where ? withLocation(r.errors, where) : r.errors);
  return r.value;
}

export const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
export const json = (v: unknown) => out(JSON.stringify(v, null, 2));
