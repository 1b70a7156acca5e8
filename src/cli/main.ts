// The command line: thin wrappers that parse arguments, call the library and print. Exit 0 on
// success, 1 when a check fails, 2 on bad input; errors go to stderr as `CODE where: message`.

import { Command } from 'commander';
import { formatError } from '../spec/errors.js';
import { UsageError } from './common.js';
import { COMMANDS } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('marginlab')
    .description('Proves, checks and measures what margin-based preference losses do to the chosen and rejected log-probabilities.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

/** Run the CLI; returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  process.exitCode = undefined;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      for (const err of e.errors) process.stderr.write(`${formatError(err)}\n`);
      return 2;
    }
    const ce = e as { code?: string };
    if (typeof ce.code === 'string' && ce.code.startsWith('commander.')) {
      return ce.code === 'commander.helpDisplayed' || ce.code === 'commander.version' || ce.code === 'commander.help' ? 0 : 2;
    }
    process.stderr.write(`E_INTERNAL: ${(e as Error).stack ?? String(e)}\n`);
    return 3;
  }
}
