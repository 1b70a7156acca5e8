import type { Command } from 'commander';
import { parsePredicate } from '../../claims/predicate.js';
import { derive } from '../../symbolic/derive.js';
import { auditBox, parseDomain } from '../../symbolic/interval/domain.js';
import { combine, proveClaim } from '../../symbolic/interval/claim.js';
import { CONTEXT_NAMES, LOGP_L, LOGP_W } from '../../spec/symbols.js';
import type { Interval } from '../../expr/interval.js';
import { lossFromArgs } from '../load.js';
import { UsageError, json, need, out, positiveInt } from '../common.js';

export function register(program: Command): void {
  program.command('prove <claim>')
    .description("prove '<expr> > 0' (or >=, <, <=) on a whole box by interval branch and bound: proved, refuted with a witness, or undecided")
    .option('--domain <box>', "e.g. 'logp_w<0, logp_l<0, 0.01<=beta<=10' (a loss adds its audit domain)")
    .option('--loss <loss>', 'a catalogue id or spec file: dW, dL, ratio and its params become available, proved regime by regime')
    .option('--assuming <pred>', "side conditions, e.g. 'logp_w < c_ref_w'")
    .option('--budget <n>', 'boxes to examine', positiveInt('--budget'), 20000)
    .option('--json', 'machine-readable output')
    .action(async (claimText: string, o: { domain?: string; loss?: string; assuming?: string; budget: number; json?: boolean }) => {
      const spec = o.loss ? need(await lossFromArgs(o.loss, {})) : undefined;
      const derivation = spec ? need(derive(spec)) : undefined;
      const given = o.domain ? need(parseDomain(o.domain)) : {};
      const box: Record<string, Interval> = { ...(spec ? auditBox(spec) : {}), ...given };
      const symbols = new Set([...Object.keys(box), LOGP_W, LOGP_L, ...CONTEXT_NAMES, ...(spec ? ['dW', 'dL', 'ratio', ...Object.keys(spec.source.params)] : [])]);
      const claim = need(parsePredicate(claimText, symbols, 'claim'));
      if (claim.length !== 1) throw new UsageError([{ code: 'E_SYNTAX', message: 'prove takes one comparison; put side conditions in --assuming', at: { slot: 'claim' } }]);
      const assuming = o.assuming ? need(parsePredicate(o.assuming, symbols, '--assuming')) : [];
      const results = proveClaim(claim[0], box, { assuming, derivation, budget: o.budget });
      const status = combine(results);
      if (o.json) json({ schema: 'marginlab/prove@1', claim: claimText, domain: box, status, regimes: results });
      else {
        out(`${status.toUpperCase()}: ${claimText}`);
        for (const r of results) {
          const x = r.result;
          out(`  [${r.regime}] ${x.status} after ${x.boxes} boxes (${(x.seconds * 1000).toFixed(0)} ms)` +
            (x.witness ? `; witness ${Object.entries(x.witness).map(([k, v]) => `${k}=${+v.toPrecision(6)}`).join(', ')} gives ${x.witnessValue}` : '') +
            (x.status === 'undecided' ? `; ${x.remaining} boxes left, ${(100 * x.remainingShare).toPrecision(3)}% of the (atan-mapped) domain` : ''));
        }
      }
      if (status === 'refuted') process.exitCode = 1;
    });
}
