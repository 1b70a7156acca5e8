import type { Command } from 'commander';
import { derive } from '../../symbolic/derive.js';
import { classify } from '../../symbolic/conditions.js';
import { compileDerivation, completePoint, evaluateAt, parseAssignments } from '../../symbolic/point.js';
import { classificationJson, classificationText } from '../../report/evaluation.js';
import { lossFromArgs, type LossOptions } from '../load.js';
import { UsageError, finiteNumber, json, lossOptions, need, out } from '../common.js';

export function register(program: Command): void {
  lossOptions(program.command('classify [loss]'))
    .description('which case of Table 1 one gradient step lands in, from <a,b>, ||a||^2, ||b||^2')
    .requiredOption('--at <point>', 'e.g. logp_w=-12,logp_l=-15')
    .requiredOption('--inner <x>', '<grad logp_w, grad logp_l>', finiteNumber('--inner'))
    .requiredOption('--norm-w2 <y>', '||grad logp_w||^2', finiteNumber('--norm-w2'))
    .requiredOption('--norm-l2 <z>', '||grad logp_l||^2', finiteNumber('--norm-l2'))
    .option('--eta <eta>', 'step size', finiteNumber('--eta'), 1)
    .option('--json', 'machine-readable output (schema marginlab/classify@1)')
    .action(async (loss: string | undefined, o: LossOptions & { at: string; inner: number; normW2: number; normL2: number; eta: number; json?: boolean }) => {
      if (o.normW2 < 0 || o.normL2 < 0) throw new UsageError([{ code: 'E_POINT', message: 'squared norms cannot be negative' }]);
      if (o.inner * o.inner > o.normW2 * o.normL2 * (1 + 1e-12)) {
        throw new UsageError([{ code: 'E_POINT', message: `no gradient pair has <a,b> = ${o.inner} with ||a||^2 = ${o.normW2}, ||b||^2 = ${o.normL2}: Cauchy–Schwarz needs <a,b>^2 <= ||a||^2 ||b||^2` }]);
      }
      const d = need(derive(need(await lossFromArgs(loss, o))));
      const e = need(evaluateAt(compileDerivation(d), need(completePoint(d, need(parseAssignments(o.at))))));
      const g = { innerWL: o.inner, normW2: o.normW2, normL2: o.normL2 };
      const c = classify(e, g, o.eta);
      if (o.json) json(classificationJson(e, g, o.eta, c)); else out(classificationText(e, g, o.eta, c));
    });
}
