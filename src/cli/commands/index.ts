// Every command, one file each; add a line here to add a command.
import type { Command } from 'commander';
import { register as derive } from './derive.js';
import { register as evalCmd } from './eval.js';
import { register as classify } from './classify.js';
import { register as catalogue } from './catalogue.js';
import { register as verify } from './verify.js';
import { register as table } from './table.js';
import { register as audit } from './audit.js';
import { register as prove } from './prove.js';
import { register as remedy } from './remedy.js';
import { register as fuzz } from './fuzz.js';
import { register as train } from './train.js';
import { register as report } from './report.js';
import { register as ingest } from './ingest.js';
import { register as sweep } from './sweep.js';

export const COMMANDS: ReadonlyArray<(program: Command) => void> = [
  derive,
  evalCmd,
  classify,
  catalogue,
  verify,
  table,
  audit,
  prove,
  remedy,
  fuzz,
  train,
  report,
  ingest,
  sweep,
];
