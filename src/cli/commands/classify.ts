import type { Command } from 'commander';
import { derive } from '../../symbolic/derive.js';
import { classifyCertified } from '../../symbolic/step.js';
import { compileDerivation, completePoint, evaluateAt, parseAssignments } from '../../symbolic/point.js';
import { classificationJson, classificationText } from '../../report/evaluation.js';
import { lossFromArgs, type LossOptions } from '../load.js';
import { json, need, out } from '../common.js';
import { finiteNumber, gramFrom, gramOptions, lossOptions } from '../options.js';

export function register(program: Command): void {
  gramOptions(lossOptions(program.command('classify [loss]')))
    .requiredOption('--at <point>', 'e.g. logp_w=-12,logp_l=-15')
    .option('--eta <eta>', 'step size', finiteNumber('--eta'), 1)
    .option('--json', 'machine-readable output (schema marginlab/classify@1)')
    .action(async (loss: string | undefined, o: LossOptions & { at: string; inner: number; normW2: number; normL2: number; eta: number; json?: boolean }) => {
      const g = gramFrom(o);
      const d = need(derive(need(await lossFromArgs(loss, o))));
      const e = need(evaluateAt(compileDerivation(d), need(completePoint(d, need(parseAssignments(o.at)), { outsideDomain: o.outsideDomain })), ['dW', 'dL']), { slot: '--at' });
      const c = need(classifyCertified(e, g, o.eta));
      if (o.json) json(classificationJson(e, g, o.eta, c)); else out(classificationText(e, g, o.eta, c));
    });
}
