import type { Command } from 'commander';
import { derive } from '../../symbolic/derive.js';
import { fuzzDerivation, fuzzText } from '../../fuzz/engine.js';
import { fuzzRanked } from '../../fuzz/ranked.js';
import { deriveRanked } from '../../symbolic/ranked.js';
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
      const spec = need(await lossFromArgs(loss, o));
      // A loss over K ranked responses runs the laws that apply to K responses (src/fuzz/ranked.ts).
      const d = spec.ranked ? need(deriveRanked(spec)) : need(derive(spec));
      const seed = Math.trunc(o.seed ?? Date.now() % 2 ** 31);
      const bar = await progressBar('fuzz [{bar}] {value}/{total} {law}', o);
      const onProgress = (done: number, total: number, law: string) => bar.update(done, total, { law });
      const report = 'K' in d ? fuzzRanked(d, { runs: o.runs, seed, onProgress }) : fuzzDerivation(d, { runs: o.runs, seed, onProgress });
      bar.stop();
      if (o.json) json(report); else out(fuzzText(report));
      if (!report.ok) process.exitCode = 1;
    });
}
