// Registering the commands without loading them: every command is listed (name, arguments, description)
// so that `marginlab --help`, the implicit `help` command and commander's "did you mean" see them all, but
// only the command on the command line is imported — its options, its action and all that it imports.
// The others stay stubs that are never run. This is what keeps the cold start of one command at the cost
// of that command (docs/bench/README.md, `npm run bench:cold`).

import type { Command } from 'commander';
import { COMMANDS, type CommandEntry } from './commands/index.js';

const nameOf = (e: CommandEntry) => e.usage.split(' ')[0];

/** The command the arguments run: the first word that is not an option (`help <cmd>` names the second). */
export function commandNamed(argv: readonly string[]): CommandEntry | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.find((e) => nameOf(e) === name);
}

/** Register `entry` in full: its module's options and action, under the entry's description. */
export async function registerFull(program: Command, entry: CommandEntry): Promise<void> {
  (await entry.load()).register(program);
  const cmd = program.commands.find((c) => c.name() === nameOf(entry));
  if (!cmd) throw new Error(`command module for '${nameOf(entry)}' registered no such command`);
  cmd.description(entry.description);
}

/** Stubs have no options yet; the listing says `[options]` for them as it does for the loaded commands
 * (every marginlab command takes options). */
const stubs = new WeakSet<Command>();
const listing = {
  subcommandTerm: (cmd: Command) => [cmd.name(), ...(cmd.options.length || stubs.has(cmd) ? ['[options]'] : []),
    ...cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}${a.variadic ? '...' : ''}>` : `[${a.name()}${a.variadic ? '...' : ''}]`))].join(' '),
};

function registerStub(program: Command, entry: CommandEntry): void {
  const stub = program.command(entry.usage);
  stubs.add(stub);
  stub.description(entry.description).action(() => {
    throw new Error(`command '${nameOf(entry)}' ran without being loaded`);
  });
}

/** Every command in COMMANDS order: `only` in full, the rest as stubs; `only: 'all'` loads every one. */
export async function registerCommands(program: Command, only: CommandEntry | 'all' | undefined): Promise<void> {
  program.configureHelp(listing);
  for (const entry of COMMANDS) {
    if (only === 'all' || only === entry) await registerFull(program, entry);
    else registerStub(program, entry);
  }
}
