import type { Command } from 'commander';
import { FAMILIES } from '../../loss/catalogue/index.js';
import { catalogueJson, catalogueText } from '../../report/catalogue.js';
import { json, out } from '../common.js';

export function register(program: Command): void {
  program.command('catalogue')
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) => {
      if (o.json) json(catalogueJson(FAMILIES)); else out(catalogueText(FAMILIES));
    });
}
