// Helpers every command shares: unwrapping Results, printing, and option parsers.

import { type Command, InvalidArgumentError } from 'commander';
import { type MarginError, formatError } from '../spec/errors.js';

export class UsageError extends Error {
  constructor(readonly errors: readonly MarginError[]) { super(errors.map(formatError).join('\n')); }
}

/** Unwrap a Result or stop with exit code 2. */
export function need<T>(r: { ok: true; value: T } | { ok: false; errors: readonly MarginError[] }): T {
  if (!r.ok) throw new UsageError(r.errors);
  return r.value;
}

export const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
export const json = (v: unknown) => out(JSON.stringify(v, null, 2));

export function finiteNumber(name: string) {
  return (v: string): number => {
    const x = Number(v);
    if (!Number.isFinite(x)) throw new InvalidArgumentError(`${name} needs a finite number, got '${v}'`);
    return x;
  };
}
export function positiveInt(name: string) {
  return (v: string): number => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < 1) throw new InvalidArgumentError(`${name} needs a whole number >= 1, got '${v}'`);
    return x;
  };
}
export const collect = (v: string, prev: string[] = []) => [...prev, v];

export function lossOptions(cmd: Command): Command {
  return cmd
    .option('--m <expr>', 'inline loss: m(a)')
    .option('--hw <expr>', 'inline loss: h_w(a) (default a)')
    .option('--hl <expr>', 'inline loss: h_l(a) (default a)')
    .option('--Lambda <expr>', 'inline loss: Lambda(a) (default 0)')
    .option('--param <name=value>', 'set a parameter (repeatable)', collect);
}

