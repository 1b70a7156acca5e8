// Helpers every command shares: unwrapping Results, printing, and option parsers.

import { type Command, InvalidArgumentError } from 'commander';
import { type Location, type MarginError, formatError, withLocation } from '../errors.js';
import { parseDecimal } from '../loss/domain.js';

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

/** A finite number in decimal or scientific notation (`0x10`, '' and `Infinity` are refused). */
export function finiteNumber(name: string) {
  return (v: string): number => {
    const x = parseDecimal(v);
    if (x === undefined) throw new InvalidArgumentError(`${name} needs a finite decimal number, got '${v.slice(0, 40)}'`);
    return x;
  };
}
export function positiveInt(name: string) {
  return (v: string): number => {
    const x = parseDecimal(v);
    if (x === undefined || !Number.isSafeInteger(x) || x < 1) throw new InvalidArgumentError(`${name} needs a whole number >= 1, got '${v.slice(0, 40)}'`);
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
    .option('--param <name=value>', 'set a parameter (repeatable)', collect)
    .option('--outside-domain', 'accept --param and --at values outside their domain (log-probabilities < 0, lengths >= 1, params in range); the output says which');
}


/** The gradient statistics of one step: --inner, --norm-w2, --norm-l2 (classify, remedy). */
export function gramOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--inner <x>', '<grad logp_w, grad logp_l>', finiteNumber('--inner'))
    .requiredOption('--norm-w2 <y>', '||grad logp_w||^2', finiteNumber('--norm-w2'))
    .requiredOption('--norm-l2 <z>', '||grad logp_l||^2', finiteNumber('--norm-l2'));
}

/** A Gram matrix that some pair of vectors has: norms ≥ 0 and Cauchy–Schwarz, or exit 2. */
export function gramFrom(o: { inner: number; normW2: number; normL2: number }): { innerWL: number; normW2: number; normL2: number } {
  if (o.normW2 < 0 || o.normL2 < 0) throw new UsageError([{ code: 'E_POINT', message: 'squared norms cannot be negative', at: { slot: o.normW2 < 0 ? '--norm-w2' : '--norm-l2' } }]);
  if (o.inner * o.inner > o.normW2 * o.normL2 * (1 + 1e-12)) {
    throw new UsageError([{ code: 'E_POINT', message: `no gradient pair has <a,b> = ${o.inner} with ||a||^2 = ${o.normW2}, ||b||^2 = ${o.normL2}: Cauchy–Schwarz needs <a,b>^2 <= ||a||^2 ||b||^2`, at: { slot: '--inner' } }]);
  }
  return { innerWL: o.inner, normW2: o.normW2, normL2: o.normL2 };
}
