// How the command line reports errors: one coded line per error on stderr (`CODE where: message — hint`),
// or, under --json, one JSON document on stderr (schema marginlab/error@1, docs/json.md) so that a program
// reading stdout gets nothing half-written and a program reading stderr gets every field. Never a stack
// trace: an internal error says it is one (E_INTERNAL, exit 3); MARGINLAB_DEBUG=1 adds the stack.

import type { CommanderError } from 'commander';
import { type Location, type MarginError, formatError, formatLocation } from '../errors.js';
import { type TrainerError, formatTrainerError } from '../trainer/errors.js';

export type AnyError = MarginError | TrainerError;

/** The coded line; a trainer's error keeps the trainer's own code beside marginlab's. */
export function formatAny(e: AnyError): string {
  return (e as TrainerError).remoteCode ? formatTrainerError(e as TrainerError) : formatError(e as MarginError);
}

export interface ErrorJson {
  readonly code: string;
  /** The location as the text line prints it ('' when there is none). */
  readonly where: string;
  readonly at: Location | null;
  readonly message: string;
  readonly hint: string | null;
  /** A trainer's own code, when the trainer reported the error. */
  readonly remoteCode?: string;
}

export function errorJson(errors: readonly AnyError[], exitCode: number) {
  return {
    schema: 'marginlab/error@1' as const,
    exitCode,
    errors: errors.map((e): ErrorJson => {
      const at = (e as MarginError).at;
      const remote = (e as TrainerError).remoteCode;
      return { code: e.code, where: formatLocation(at), at: at ?? null, message: e.message, hint: e.hint ?? null, ...(remote ? { remoteCode: remote } : {}) };
    }),
  };
}

/** `trainer`: the run's errors, whose messages carry their own line numbers (formatTrainerError). */
export function writeErrors(errors: readonly AnyError[], o: { json: boolean; exitCode: number; trainer?: boolean }): void {
  if (o.json) process.stderr.write(`${JSON.stringify(errorJson(errors, o.exitCode))}\n`);
  else for (const e of errors) process.stderr.write(`${o.trainer ? formatTrainerError(e as TrainerError) : formatAny(e)}\n`);
}

/** An error that is not marginlab's own (a bug): coded, with its message, the stack only on request. */
export function internalError(e: unknown): MarginError {
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { code: 'E_INTERNAL', message: message.length > 500 ? `${message.slice(0, 497)}...` : message, at: { slot: 'marginlab' },
    hint: 'this is a bug in marginlab; please report it with the command line (MARGINLAB_DEBUG=1 prints the stack)' };
}

/**
 * Commander's own option and argument errors (`error: option '--inner <x>' argument 'abc' is invalid. …`,
 * `unknown option '--bogus'`) as a coded usage error naming the option, with a pointer to the command's
 * --help instead of the whole help text.
 */
export function fromCommander(e: CommanderError, argv: readonly string[], commands: readonly string[]): MarginError {
  const message = e.message.replace(/^error:\s*/, '').trim();
  const option = /option '(-[-\w]+)/.exec(message)?.[1] ?? /unknown option '([^']+)'/.exec(message)?.[1];
  const argument = /argument '([\w-]+)'/.exec(message)?.[1];
  const command = argv.find((a) => commands.includes(a));
  const slot = option ?? (argument ? `<${argument}>` : e.code === 'commander.unknownCommand' ? '<command>' : command ?? 'marginlab');
  return { code: 'E_USAGE', message, at: { slot }, hint: `see 'marginlab${command ? ` ${command}` : ''} --help'` };
}
