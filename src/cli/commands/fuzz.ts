import type { Command } from 'commander';
import { derive } from '../../symbolic/derive.js';
import { fuzzDerivation, fuzzJson, fuzzText } from '../../report/fuzz.js';
import { lossFromArgs, type LossOptions } from '../load.js';
import { finiteNumber, json, lossOptions, need, out, positiveInt } from '../common.js';

export function register(program: Command): void {
  lossOptions(program.command('fuzz [loss]'))
    .description('property-test the derivation of a loss: finite differences, regimes, conditions (9)/(10), simplification, printing, eq. (6); exit 1 on a counterexample')
    .option('--runs <n>', 'samples per law', positiveInt('--runs'), 200)
    .option('--seed <s>', 'fast-check seed (printed; default from the clock)', finiteNumber('--seed'))
    .option('--json', 'machine-readable output')
    .action(async (loss: string | undefined, o: LossOptions & { runs: number; seed?: number; json?: boolean }) => {
      const d = need(derive(need(await lossFromArgs(loss, o))));
      const seed = Math.trunc(o.seed ?? Date.now() % 2 ** 31);
      // A progress bar only for a person watching: never in pipes, CI logs or --json.
      let onProgress: ((done: number, total: number, law: string) => void) | undefined;
      let stop = (): void => {};
      if (process.stderr.isTTY && !o.json) {
        const { SingleBar, Presets } = await import('cli-progress');
        const bar = new SingleBar({ stream: process.stderr, format: 'fuzz [{bar}] {value}/{total} {law}', hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
        bar.start(1, 0, { law: '' });
        onProgress = (done, total, law) => { bar.setTotal(total); bar.update(done, { law }); };
        stop = () => bar.stop();
      }
      const report = fuzzDerivation(d, { runs: o.runs, seed, onProgress });
      stop();
      if (o.json) json(fuzzJson(report)); else out(fuzzText(report));
      if (!report.ok) process.exitCode = 1;
    });
}
