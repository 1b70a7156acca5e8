// Every command, one file each; add a line here to add a command.
import type { Command } from 'commander';
import { register as derive } from './derive.js';
import { register as evalCmd } from './eval.js';
import { register as classify } from './classify.js';
import { register as catalogue } from './catalogue.js';

export const COMMANDS: ReadonlyArray<(program: Command) => void> = [
  derive,
  evalCmd,
  classify,
  catalogue,
];
