import type { Command } from 'commander';
import { derive } from '../../symbolic/derive.js';
import { fuzzDerivation, fuzzText } from '../../fuzz/engine.js';
import { lossFromArgs, type LossOptions } from '../load.js';
import { progressBar } from '../progress.js';
import { json, need, out } from '../common.js';
import { finiteNumber, lossOptions, positiveInt } from '../options.js';

export function register(program: Command): void {
  lossOptions(program.command('fuzz [loss]'))
    .option('--runs <n>', 'samples per law', positiveInt('--runs'), 200)
    .option('--seed <s>', 'fast-check seed (printed; default from the clock)', finiteNumber('--seed'))
    .option('--json', 'machine-readable output')
    .action(async (loss: string | undefined, o: LossOptions & { runs: number; seed?: number; json?: boolean }) => {
      const d = need(derive(need(await lossFromArgs(loss, o))));
      const seed = Math.trunc(o.seed ?? Date.now() % 2 ** 31);
      const bar = await progressBar('fuzz [{bar}] {value}/{total} {law}', o);
      const report = fuzzDerivation(d, { runs: o.runs, seed, onProgress: (done, total, law) => bar.update(done, total, { law }) });
      bar.stop();
      if (o.json) json(report); else out(fuzzText(report));
      if (!report.ok) process.exitCode = 1;
    });
}
