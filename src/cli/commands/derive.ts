import type { Command } from 'commander';
import { analyse } from '../../symbolic/analyse.js';
import { NOT_PROVED, derivationJson, derivationText } from '../../report/derivation.js';
import { lossFromArgs, type LossOptions } from '../load.js';
import { json, need, out } from '../common.js';
import { finiteNumber, lossOptions, positiveInt } from '../options.js';
import { type CheckOptions, checkBudget, checkOptions } from '../check-options.js';
import { progressBar } from '../progress.js';
import { rankedDerive } from '../ranked.js';

export function register(program: Command): void {
  checkOptions(lossOptions(program.command('derive [loss]')))
    .option('--json', 'machine-readable output (schema marginlab/derive@1)')
    .option('--explain', 'every step from eq. (8) to the simplified weights')
    // No commander default: an explicit --samples always runs the audit, its absence lets the proofs skip it.
    .option('--samples <n>', 'direction-audit sample count (default 4000; without --samples the audit is skipped when the proofs decide every sign)', positiveInt('--samples'))
    .option('--seed <s>', 'direction-audit seed', finiteNumber('--seed'), 1)
    .action(async (loss: string | undefined, o: LossOptions & CheckOptions & { json?: boolean; explain?: boolean; samples?: number; seed: number }) => {
      const spec = need(await lossFromArgs(loss, o));
      if (spec.ranked) return rankedDerive(spec, o);
      const bar = await progressBar('derive [{bar}] {value}/{total} {step}', o, { after: 1000 });
      const a = need(analyse(spec, { samples: o.samples, seed: o.seed, time: checkBudget(o), audit: o.samples === undefined ? 'unless-proved' : 'always', onProgress: (done, total, step) => bar.update(done, total, { step }) }));
      bar.stop();
      if (o.json) json(derivationJson(a.derivation, a.audit, a.proofs));
      else out(derivationText(a.derivation, a.audit, !!o.explain, a.proofs ?? NOT_PROVED));
    });
}
