import type { Command } from 'commander';
import { derive } from '../../symbolic/derive.js';
import { compileDerivation, completePoint, parseAssignments } from '../../symbolic/point.js';
import { type Knob, remedy } from '../../symbolic/remedy.js';
import { remedyJson, remedyText } from '../../report/remedy.js';
import { MarginFault, withLocation } from '../../errors.js';
import { lossFromArgs, type LossOptions } from '../load.js';
import { UsageError, json, need, out } from '../common.js';
import { collect, gramFrom, gramOptions, lossOptions } from '../options.js';
import { rankedRemedyCommand } from '../ranked.js';

export function register(program: Command): void {
  gramOptions(lossOptions(program.command('remedy [loss]')), { required: false })
    .option('--gram <G>', 'a ranked loss (responses: K): the K×K Gram matrix <grad logp_j, grad logp_k>, its entries row by row comma-separated, or a JSON file')
    .requiredOption('--at <point>', 'e.g. logp_w=-12,logp_l=-15')
    .option('--knob <k>', "a param name, 'nll', 'nll-normalised' or 'weights' (repeatable; default: every param, nll, weights)", collect)
    .option('--json', 'machine-readable output (schema marginlab/remedy@1)')
    .action(async (loss: string | undefined, o: LossOptions & { at: string; inner?: number; normW2?: number; normL2?: number; gram?: string; knob?: string[]; json?: boolean }) => {
      const spec = need(await lossFromArgs(loss, o));
      if (spec.ranked) return rankedRemedyCommand(spec, o);
      if (o.gram !== undefined) throw new UsageError([{ code: 'E_USAGE', message: '--gram is for a loss over ranked responses; a two-response step takes --inner, --norm-w2 and --norm-l2', at: { slot: '--gram' } }]);
      const d = need(derive(spec));
      const point = need(completePoint(d, need(parseAssignments(o.at)), { outsideDomain: o.outsideDomain }));
      const params = Object.keys(spec.source.params);
      const names = o.knob ?? [...params, 'nll', 'weights'];
      const knobs: Knob[] = names.map((k) => {
        if (k === 'nll') return { kind: 'nll', normalised: false };
        if (k === 'nll-normalised') return { kind: 'nll', normalised: true };
        if (k === 'weights') return { kind: 'weights' };
        if (!params.includes(k)) throw new UsageError([{ code: 'E_PARAM', message: `'${k}' is not a knob of ${spec.source.name}`, at: { slot: '--knob', symbol: k }, hint: `knobs: ${[...params, 'nll', 'nll-normalised', 'weights'].join(', ')}` }]);
        return { kind: 'param', name: k };
      });
      const g = gramFrom(o);
      let r;
      try { r = remedy(compileDerivation(d), point, g, knobs); } catch (e) {
        if (e instanceof RangeError) throw new UsageError([{ code: 'E_POINT', message: e.message, at: { slot: '--at' } }]);
        if (e instanceof MarginFault) throw new UsageError(withLocation([e.error], { slot: '--at' }));
        throw e;
      }
      if (o.json) json(remedyJson(r, g, point.outside)); else out(remedyText(r, point.outside));
    });
}
