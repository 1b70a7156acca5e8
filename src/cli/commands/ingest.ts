import type { Command } from 'commander';
import { derive } from '../../symbolic/derive.js';
import { exitCodeFor } from '../../trainer/errors.js';
import { ingestEvents, readRequest } from '../../trainer/ingest.js';
import { prepareRunFolder } from '../../trainer/run-folder.js';
import { strayText } from '../../trainer/summary.js';
import { openRegular } from '../../loss/files.js';
import { closeSync } from 'node:fs';
import { json, need, out } from '../common.js';
import { lossOptions } from '../options.js';
import { writeErrors } from '../errors.js';
import { type LossOptions, lossFromArgs } from '../load.js';

interface IngestOptions extends LossOptions { request?: string; out: string; json?: boolean; force?: boolean }

export function register(program: Command): void {
  lossOptions(program.command('ingest'))
    .argument('<events>', "the trainer's stdout, one JSON event per line")
    .option('--request <file>', 'the request that was sent (`train --print-request`), to check the probe checksums')
    .requiredOption('--out <dir>', 'the run folder to write (metrics.jsonl, eval.jsonl, token_cosine.jsonl, summary.json); it must be new or empty')
    .option('--force', 'replace a non-empty --out folder as a whole, once the ingest completes')
    .option('--json', 'print summary.json')
    .action(async (events: string, o: IngestOptions) => {
      // Every input is checked before the output is touched: the loss, the request, the events file, --out.
      const spec = need(await lossFromArgs(undefined, o)); // the loss (and --param) the run trained with
      const d = need(derive(spec));
      let request = null;
      if (o.request) {
        const r = readRequest(o.request);
        if (!r.ok) { writeErrors(r.errors, { json: !!o.json, exitCode: 2, trainer: true }); process.exitCode = 2; return; }
        request = r.value;
      }
      closeSync(need(openRegular(events, 'events file')));
      const folder = need(prepareRunFolder(o.out, { force: o.force }));
      const res = ingestEvents(events, d, request, o.out, { folder });
      if (o.json) json(res.summary);
      else {
        out(`${res.summary.loggedSteps} logged steps, agreement ${res.summary.agreement === null ? 'n/a' : `${(100 * res.summary.agreement).toFixed(1)}%`}; wrote ${res.metricsPath} and ${res.summaryPath}`);
        const stray = strayText(res.summary.strayLines);
        if (stray) out(`note: ${stray}`);
      }
      if (res.error) {
        writeErrors([res.error], { json: !!o.json, exitCode: exitCodeFor(res.error), trainer: true });
        process.exitCode = exitCodeFor(res.error);
      }
    });
}
