import type { Command } from 'commander';
import { derive } from '../../symbolic/derive.js';
import { formatTrainerError } from '../../trainer/errors.js';
import { ingestEvents, readRequest } from '../../trainer/ingest.js';
import { collect, json, need, out } from '../common.js';
import { lossFromArgs } from '../load.js';

interface IngestOptions { loss: string; param?: string[]; request?: string; out: string; json?: boolean }

export function register(program: Command): void {
  program.command('ingest')
    .description("turn the events a trainer printed elsewhere (e.g. on a GPU machine without Node) into the run folder `train` writes")
    .argument('<events>', "the trainer's stdout, one JSON event per line")
    .requiredOption('--loss <loss>', 'the catalogue id or spec file the run trained with')
    .option('--param <name=value>', 'a loss parameter the run set (repeatable)', collect)
    .option('--request <file>', 'the request that was sent (`train --print-request`), to check the probe checksums')
    .requiredOption('--out <dir>', 'the run folder to write (metrics.jsonl, eval.jsonl, token_cosine.jsonl, summary.json)')
    .option('--json', 'print summary.json')
    .action(async (events: string, o: IngestOptions) => {
      const spec = need(await lossFromArgs(o.loss, { param: o.param }));
      const d = need(derive(spec));
      let request = null;
      if (o.request) {
        const r = readRequest(o.request);
        if (!r.ok) { process.stderr.write(`${formatTrainerError(r.error)}\n`); process.exitCode = 2; return; }
        request = r.value;
      }
      const res = ingestEvents(events, d, request, o.out);
      if (o.json) json(res.summary);
      else out(`${res.summary.loggedSteps} logged steps, agreement ${res.summary.agreement === null ? 'n/a' : `${(100 * res.summary.agreement).toFixed(1)}%`}; wrote ${res.metricsPath} and ${res.summaryPath}`);
      if (res.error) {
        process.stderr.write(`${formatTrainerError(res.error)}\n`);
        process.exitCode = 1;
      }
    });
}
