import type { Command } from 'commander';
import { analyse } from '../../symbolic/analyse.js';
import { derivationJson, derivationText } from '../../report/derivation.js';
import { lossFromArgs, type LossOptions } from '../load.js';
import { json, need, out } from '../common.js';
import { finiteNumber, lossOptions, positiveInt } from '../options.js';

export function register(program: Command): void {
  lossOptions(program.command('derive [loss]'))
    .description('d_w, d_l, their ratio, regimes, conditions (9)/(10) and the direction audit')
    .option('--json', 'machine-readable output (schema marginlab/derive@1)')
    .option('--explain', 'every step from eq. (8) to the simplified weights')
    .option('--samples <n>', 'direction-audit sample count', positiveInt('--samples'), 4000)
    .option('--seed <s>', 'direction-audit seed', finiteNumber('--seed'), 1)
    .action(async (loss: string | undefined, o: LossOptions & { json?: boolean; explain?: boolean; samples: number; seed: number }) => {
      const a = need(analyse(need(await lossFromArgs(loss, o)), { samples: o.samples, seed: o.seed }));
      if (o.json) json(derivationJson(a.derivation, a.audit, a.proofs));
      else out(derivationText(a.derivation, a.audit, !!o.explain, a.proofs));
    });
}
