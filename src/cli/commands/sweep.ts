import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { derive } from '../../symbolic/derive.js';
import { compileDerivation, parseAssignments } from '../../symbolic/point.js';
import { type Sweep, type SweepAxis, defaultQuantities, parseAxis, parseQuantities, sweep } from '../../symbolic/sweep.js';
import { rankedSweepOf } from '../ranked.js';
import { sweepFormat, sweepJson, sweepOutput, sweepText } from '../../report/sweep.js';
import { lossFromArgs, type LossOptions } from '../load.js';
import { UsageError, json, need, out } from '../common.js';
import { collect, finiteNumber, gramFrom, lossOptions } from '../options.js';

interface SweepOptions extends LossOptions {
  over: string[]; log?: string | true; of?: string; at?: string; out?: string; json?: boolean;
  inner?: number; normW2?: number; normL2?: number; eta: number; gram?: string;
}

export function register(program: Command): void {
  const cmd = lossOptions(program.command('sweep [loss]'))
    .requiredOption('--over <name=lo:hi[:n][:log]>', 'a variable to sweep (once or twice), e.g. logp_w=-40:-1 or beta=0.01:1:log', collect)
    .option('--log [names]', 'log-spaced samples: for the named variables, or bare for the --over just before it')
    .option('--of <quantities>', 'comma-separated: dW, dL, ratio, L, dLogpW, dLogpL, case (default dW,dL,ratio; with a Gram also the step); a ranked loss: d_1 … d_K, L, dLogp_1 … dLogp_K')
    .option('--at <point>', 'values held fixed, e.g. logp_l=-15,c_ref_w=-12 (the rest take the documented defaults)')
    .option('--inner <x>', '<grad logp_w, grad logp_l>', finiteNumber('--inner'))
    .option('--norm-w2 <y>', '||grad logp_w||^2', finiteNumber('--norm-w2'))
    .option('--norm-l2 <z>', '||grad logp_l||^2', finiteNumber('--norm-l2'))
    .option('--gram <G>', 'a ranked loss (responses: K): the K×K Gram matrix <grad logp_j, grad logp_k>, its entries row by row comma-separated, or a JSON file')
    .option('--eta <eta>', 'step size', finiteNumber('--eta'), 1)
    .option('--out <file>', 'FILE.svg or FILE.png (the figure) or FILE.json (the values)')
    .option('--json', 'print the values as JSON (schema marginlab/sweep@1)');
  // A bare --log applies to the --over just before it on the command line, so the order is recorded.
  const bareLogAfter: number[] = [];
  let overs = 0;
  cmd.on('option:over', () => { overs++; });
  cmd.on('option:log', (v: string | boolean | null | undefined) => { if (typeof v !== 'string') bareLogAfter.push(overs - 1); });
  cmd.action(async (loss: string | undefined, o: SweepOptions) => {
    const axes: SweepAxis[] = o.over.map((t) => need(parseAxis(t, o.over.length)));
    const named = typeof o.log === 'string' ? o.log.split(',').map((x) => x.trim()) : [];
    const logged = axes.map((a, i) => ({ ...a, log: a.log || named.includes(a.name) || bareLogAfter.includes(i) }));
    for (const n of named) if (!axes.some((a) => a.name === n)) throw new UsageError([{ code: 'E_USAGE', message: `--log names '${n}', which no --over sweeps`, at: { slot: '--log', symbol: n } }]);
    const grams = [o.inner, o.normW2, o.normL2].filter((x) => x !== undefined).length;
    const format = o.out ? need(sweepFormat(o.out)) : undefined;
    const at = o.at ? need(parseAssignments(o.at)) : {};
    const spec = need(await lossFromArgs(loss, o));
    let s: Sweep<string>;
    if (spec.ranked) {
      // A loss over K ranked responses: d_1 … d_K, and with its K×K Gram matrix the step (cli/ranked.ts).
      s = rankedSweepOf(spec, { axes: logged, of: o.of, at, gram: o.gram, eta: o.eta, pair: grams > 0 });
    } else {
      if (o.gram !== undefined) throw new UsageError([{ code: 'E_USAGE', message: '--gram is for a loss over ranked responses; a two-response step takes --inner, --norm-w2 and --norm-l2', at: { slot: '--gram' } }]);
      if (grams !== 0 && grams !== 3) throw new UsageError([{ code: 'E_USAGE', message: 'a gradient pair needs all of --inner, --norm-w2 and --norm-l2', at: { slot: '--inner' } }]);
      const gram = grams === 3 ? gramFrom({ inner: o.inner!, normW2: o.normW2!, normL2: o.normL2! }) : undefined;
      const of = o.of ? need(parseQuantities(o.of)) : defaultQuantities(gram !== undefined);
      s = need(sweep(compileDerivation(need(derive(spec))), { axes: logged, of, at, gram, eta: o.eta }));
    }
    if (o.out && format) {
      const content = await sweepOutput(s, format);
      try { writeFileSync(o.out, content); } catch (e) {
        throw new UsageError([{ code: 'E_FILE', message: `cannot write '${o.out}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`, at: { file: o.out } }]);
      }
      out(`wrote ${o.out}: ${sweepText(s).split('\n').slice(1, -1).join('\n')}`);
    } else if (o.json) json(sweepJson(s));
    else out(sweepText(s));
  });
}
