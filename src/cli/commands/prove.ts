import type { Command } from 'commander';
import { parsePredicate } from '../../claims/predicate.js';
import { derive } from '../../symbolic/derive.js';
import { deriveRanked, weightName } from '../../symbolic/ranked.js';
import { auditBox, conjoinDomains, parseDomain } from '../../symbolic/interval/domain.js';
import { combine, proveClaim } from '../../symbolic/interval/claim.js';
import { CONTEXT_NAMES, LOGP_L, LOGP_W } from '../../loss/symbols.js';
import type { Interval } from '../../expr/interval.js';
import { proveJson, proveText } from '../../report/prove.js';
import { type LossOptions, optionalLossFromArgs } from '../load.js';
import { exitFor } from '../exit-codes.js';
import { UsageError, json, need, out } from '../common.js';
import { collect, lossOptions, positiveInt } from '../options.js';

export function register(program: Command): void {
  lossOptions(program.command('prove <claim>'))
    .option('--domain <box>', "e.g. 'logp_w<0, logp_l<0, 0.01<=beta<=10'; repeatable, the boxes are intersected. Every other symbol takes its documented domain (log-probabilities and c_ref_w, c_ref_l < 0, lengths >= 1, z_ref >= 0, a loss's params over their declared ranges)", collect)
    .option('--assuming <pred>', "side conditions, e.g. 'logp_w < c_ref_w'; repeatable, the conditions are conjoined", collect)
    .option('--budget <n>', 'boxes to examine', positiveInt('--budget'), 20000)
    .option('--json', 'machine-readable output')
    .action(async (claimText: string, o: LossOptions & { domain?: string[]; assuming?: string[]; budget: number; json?: boolean }) => {
      // A loss (--loss or inline) makes dW, dL, ratio and its params available, proved regime by regime; a loss
      // over K ranked responses, d_1 … d_K.
      const spec = need(await optionalLossFromArgs(undefined, o));
      const ranked = spec?.ranked ? need(deriveRanked(spec)) : undefined;
      const derivation = spec && !ranked ? need(derive(spec)) : undefined;
      const weights = ranked ? Array.from({ length: ranked.K }, (_, k) => weightName(k + 1)) : ['dW', 'dL', 'ratio'];
      let box: Record<string, Interval> = auditBox(spec);
      for (const d of o.domain ?? []) box = need(conjoinDomains(box, need(parseDomain(d))));
      const pair = ranked ? [] : [LOGP_W, LOGP_L, ...CONTEXT_NAMES];
      const symbols = new Set([...Object.keys(box), ...pair, ...(spec ? [...weights, ...Object.keys(spec.source.params)] : [])]);
      const claim = need(parsePredicate(claimText, symbols, 'claim'));
      if (claim.length !== 1) throw new UsageError([{ code: 'E_SYNTAX', message: 'prove takes one comparison; put side conditions in --assuming', at: { slot: 'claim' } }]);
      const assuming = (o.assuming ?? []).flatMap((a) => need(parsePredicate(a, symbols, '--assuming')));
      const results = proveClaim(claim[0], box, { assuming, derivation, ranked, budget: o.budget });
      const status = combine(results);
      if (o.json) json(proveJson(claimText, box, status, results));
      else out(proveText(claimText, status, results));
      process.exitCode = exitFor(status);
    });
}
