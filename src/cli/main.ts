// The command line: thin wrappers that parse arguments, call the library and print. Exit 0 on
// success, 1 when a check fails, 2 on bad input; errors go to stderr as `CODE where: message`.

import { Command, CommanderError } from 'commander';
import { UsageError } from './common.js';
import { fromCommander, internalError, writeErrors } from './errors.js';
import { commandNamed, registerCommands } from './lazy.js';

/** The program for these arguments: the command they run is loaded in full, the others are listed only
 * (lazy.ts); `argv: 'all'` loads every command. */
export async function buildProgram(argv: readonly string[] | 'all'): Promise<Command> {
  const program = new Command('marginlab')
    .description('Proves, checks and measures what margin-based preference losses do to the chosen and rejected log-probabilities.')
    .version('0.1.0')
    // Commander's own error line (and no help dump after it): main() reports the error, coded.
    .configureOutput({ outputError: () => undefined })
    .exitOverride();
  await registerCommands(program, argv === 'all' ? 'all' : commandNamed(argv));
  return program;
}

/** Run the CLI; returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = await buildProgram(argv);
  // Errors follow the output's form: JSON on stderr when the command was asked for JSON.
  const json = argv.includes('--json');
  process.exitCode = undefined;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      writeErrors(e.errors, { json, exitCode: 2 });
      return 2;
    }
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      writeErrors([fromCommander(e, argv, program.commands.map((c) => c.name()))], { json, exitCode: 2 });
      return 2;
    }
    writeErrors([internalError(e)], { json, exitCode: 3 });
    if (process.env.MARGINLAB_DEBUG) process.stderr.write(`${(e as Error).stack ?? ''}\n`);
    return 3;
  }
}
