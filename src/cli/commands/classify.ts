import type { Command } from 'commander';
import { derive } from '../../symbolic/derive.js';
import { classifyCertified } from '../../symbolic/step.js';
import { compileDerivation, completePoint, evaluateAt, parseAssignments } from '../../symbolic/point.js';
import { classificationJson, classificationText } from '../../report/evaluation.js';
import { lossFromArgs, type LossOptions } from '../load.js';
import { UsageError, json, need, out } from '../common.js';
import { rankedClassify } from '../ranked.js';
import { finiteNumber, gramFrom, gramOptions, lossOptions } from '../options.js';

export function register(program: Command): void {
  gramOptions(lossOptions(program.command('classify [loss]')), { required: false })
    .option('--gram <G>', 'a ranked loss (responses: K): the K×K Gram matrix <grad logp_j, grad logp_k>, its entries row by row comma-separated, or a JSON file')
    .requiredOption('--at <point>', 'e.g. logp_w=-12,logp_l=-15')
    .option('--eta <eta>', 'step size', finiteNumber('--eta'), 1)
    .option('--json', 'machine-readable output (schema marginlab/classify@1)')
    .action(async (loss: string | undefined, o: LossOptions & { at: string; inner?: number; normW2?: number; normL2?: number; gram?: string; eta: number; json?: boolean }) => {
      const spec = need(await lossFromArgs(loss, o));
      if (spec.ranked) return rankedClassify(spec, o);
      if (o.gram !== undefined) throw new UsageError([{ code: 'E_USAGE', message: '--gram is for a loss over ranked responses; a two-response step takes --inner, --norm-w2 and --norm-l2', at: { slot: '--gram' } }]);
      const g = gramFrom(o);
      const d = need(derive(spec));
      const e = need(evaluateAt(compileDerivation(d), need(completePoint(d, need(parseAssignments(o.at)), { outsideDomain: o.outsideDomain })), ['dW', 'dL']), { slot: '--at' });
      const c = need(classifyCertified(e, g, o.eta));
      if (o.json) json(classificationJson(e, g, o.eta, c)); else out(classificationText(e, g, o.eta, c));
    });
}
