// The command line's option parsers and shared option sets, in one place: every number a flag takes is
// decimal or scientific (parseDecimal), and a bad one is an InvalidArgumentError that the CLI's error
// reporter turns into a coded E_USAGE naming the option.

import { existsSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { parseDecimal } from '../loss/domain.js';
import type { TaskRef } from '../trainer/request.js';
import { didYouMean, fail, ok, type Result } from '../errors.js';
import { UsageError } from './common.js';

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

/** Where the forms of naming a loss are documented once; every command that takes a loss points there. */
export const LOSS_FORMS_DOC = 'docs/guide.md, "Naming a loss"';

/**
 * The one way to name a loss, shared by every command that takes one: a catalogue id or a spec file (as
 * the command's [loss] argument where it has one, or --loss), or an inline loss from its slots; --param
 * sets (or, inline, declares) a parameter. load.ts turns them into a checked loss.
 */
export function lossOptions(cmd: Command): Command {
  return cmd
    .option('--loss <loss>', 'a catalogue id (see `marginlab catalogue`) or a spec file')
    .option('--m <expr>', 'inline loss: m(a)')
    .option('--hw <expr>', 'inline loss: h_w(a) (default a)')
    .option('--hl <expr>', 'inline loss: h_l(a) (default a)')
    .option('--Lambda <expr>', 'inline loss: Lambda(a), the chosen-side term at logp_w (default 0)')
    .option('--Lambda-l <expr>', 'inline loss: Lambda_l(a), the rejected-side term at logp_l (default 0)')
    .option('--L <expr>', 'inline loss written whole: L in logp_w, logp_l and the context symbols (instead of --m/--hw/--hl/--Lambda/--Lambda-l)')
    .option('--param <name=value>', "set a loss parameter (repeatable); on an inline loss it declares one", collect)
    .option('--trl-config <file>', 'the loss a TRL config trains (YAML as `trl dpo --config` reads it, or a saved training_args JSON)')
    .option('--outside-domain', 'accept --param and --at values outside their domain (log-probabilities < 0, lengths >= 1, params in range); the output says which')
    .addHelpText('after', `\nNaming a loss (${LOSS_FORMS_DOC}): a catalogue id (dpo), a spec file (my-loss.yaml),\nor inline slots: --m 'logsigmoid(a)' --hw 'beta*a' --hl 'beta*a' [--Lambda 0] [--Lambda-l 0] --param beta=0.1,\nor the whole loss: --L '-logsigmoid(beta*(logp_w - logp_l))' --param beta=0.1`);
}

/** The gradient statistics of one step: --inner, --norm-w2, --norm-l2 (classify, remedy). */
export function gramOptions(cmd: Command, o: { required?: boolean } = {}): Command {
  // classify checks them itself (required = false): a ranked loss takes --gram instead.
  const opt = (o.required ?? true) ? cmd.requiredOption.bind(cmd) : cmd.option.bind(cmd);
  opt('--inner <x>', '<grad logp_w, grad logp_l>', finiteNumber('--inner'));
  opt('--norm-w2 <y>', '||grad logp_w||^2', finiteNumber('--norm-w2'));
  opt('--norm-l2 <z>', '||grad logp_l||^2', finiteNumber('--norm-l2'));
  return cmd;
}

/** A Gram matrix that some pair of vectors has: norms ≥ 0 and Cauchy–Schwarz, or exit 2. */
export function gramFrom(given: { inner?: number; normW2?: number; normL2?: number }): { innerWL: number; normW2: number; normL2: number } {
  const { inner, normW2, normL2 } = given;
  if (inner === undefined || normW2 === undefined || normL2 === undefined) {
    const flag = inner === undefined ? '--inner' : normW2 === undefined ? '--norm-w2' : '--norm-l2';
    throw new UsageError([{ code: 'E_USAGE', message: `required option '${flag}' not specified`, at: { slot: flag }, hint: 'a two-response step needs --inner, --norm-w2 and --norm-l2' }]);
  }
  const o = { inner, normW2, normL2 };
  if (o.normW2 < 0 || o.normL2 < 0) throw new UsageError([{ code: 'E_POINT', message: 'squared norms cannot be negative', at: { slot: o.normW2 < 0 ? '--norm-w2' : '--norm-l2' } }]);
  if (o.inner * o.inner > o.normW2 * o.normL2 * (1 + 1e-12)) {
    throw new UsageError([{ code: 'E_POINT', message: `no gradient pair has <a,b> = ${o.inner} with ||a||^2 = ${o.normW2}, ||b||^2 = ${o.normL2}: Cauchy–Schwarz needs <a,b>^2 <= ||a||^2 ||b||^2`, at: { slot: '--inner' } }]);
  }
  return { innerWL: o.inner, normW2: o.normW2, normL2: o.normL2 };
}

/** A whole number >= 0. */
export function nonNegativeInt(name: string) {
  return (v: string): number => {
    const x = finiteNumber(name)(v);
    if (x < 0 || !Number.isInteger(x)) throw new InvalidArgumentError(`${name} must be a whole number >= 0, got '${v}'`);
    return x;
  };
}

/** A number > 0. */
export function positive(name: string) {
  return (v: string): number => {
    const x = finiteNumber(name)(v);
    if (x <= 0) throw new InvalidArgumentError(`${name} must be > 0, got '${v}'`);
    return x;
  };
}

/** A whole number >= min. */
export function wholeAtLeast(name: string, min: number) {
  return (v: string): number => {
    const x = parseDecimal(v);
    if (x === undefined || !Number.isSafeInteger(x) || x < min) throw new UsageError([{ code: 'E_USAGE', message: `${name} needs a whole number >= ${min}, got '${v.slice(0, 40)}'`, at: { slot: name } }]);
    return x;
  };
}

/** --task: a built-in task of section 4.2 (by name or alias) or a .jsonl file of {prompt, chosen, rejected}. */
export function parseTask(v: string): TaskRef {
  const alias: Record<string, 'single' | 'short' | 'long'> = { single: 'single', 'single-token': 'single', short: 'short', 'short-suffix': 'short', long: 'long', 'long-suffix': 'long' };
  if (Object.hasOwn(alias, v)) return { kind: alias[v] };
  if (/\.jsonl$/i.test(v) || existsSync(v)) return { kind: 'file', path: v };
  throw new InvalidArgumentError(`--task is single, short, long or a .jsonl file of {prompt, chosen, rejected}; got '${v}'`);
}

/** A closed-choice option checked as a value (the caller `need`s it with the other inputs, before any work). */
export function oneOf<T extends string>(what: string, v: string, allowed: readonly T[]): Result<T> {
  if ((allowed as readonly string[]).includes(v)) return ok(v as T);
  const guess = didYouMean(v, allowed);
  return fail({ code: 'E_USAGE', message: `unknown ${what} '${v}'`, at: { slot: `--${what}`, symbol: v }, hint: guess ? `did you mean '${guess}'?` : `one of: ${allowed.join(', ')}` });
}
