import type { Command } from 'commander';
import { derive } from '../../symbolic/derive.js';
import { compileDerivation, completePoint, evaluateAt, parseAssignments } from '../../symbolic/point.js';
import { evaluationJson, evaluationText } from '../../report/evaluation.js';
import { lossFromArgs, type LossOptions } from '../load.js';
import { json, need, out } from '../common.js';
import { lossOptions } from '../options.js';
import { rankedEval } from '../ranked.js';

export function register(program: Command): void {
  lossOptions(program.command('eval [loss]'))
    .requiredOption('--at <point>', 'e.g. logp_w=-12,logp_l=-15,beta=0.1')
    .option('--json', 'machine-readable output (schema marginlab/eval@1)')
    .action(async (loss: string | undefined, o: LossOptions & { at: string; json?: boolean }) => {
      const spec = need(await lossFromArgs(loss, o));
      if (spec.ranked) return rankedEval(spec, o);
      const d = need(derive(spec));
      const e = need(evaluateAt(compileDerivation(d), need(completePoint(d, need(parseAssignments(o.at)), { outsideDomain: o.outsideDomain }))), { slot: '--at' });
      if (o.json) json(evaluationJson(e)); else out(evaluationText(e));
    });
}
