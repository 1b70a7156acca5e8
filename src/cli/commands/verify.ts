// `marginlab verify <check|all>`: the theorem checks of src/numeric/theorems on a backend, as a pass/fail
// table. Exit 0 when every check passes (any status but 'refuted'), 1 when one fails, 2 on bad input —
// including sizes whose memory estimate is above the cap, refused before anything is allocated — and when
// --backend webgpu cannot run (no adapter, or a device fault mid-run).

import { type Command, Option } from 'commander';
import { DEFAULT_MEMORY_CAP_MIB, planChecks } from '../../numeric/theorems/plan.js';
import { type VerifyOptions, runChecks } from '../../numeric/verify.js';
import { INJECTIONS } from '../../numeric/webgpu/index.js';
import { passes, verifyJson, verifyText } from '../../report/verify.js';
import { json, need, out } from '../common.js';
import { finiteNumber, lossOptions, positiveInt, wholeAtLeast } from '../options.js';
import { type LossOptions, optionalLossFromArgs } from '../load.js';
import { derive } from '../../symbolic/derive.js';
import { progressBar } from '../progress.js';

export function register(program: Command): void {
  lossOptions(program.command('verify <check>'))
    .option('--backend <name>', 'cpu | webgpu | auto (auto: webgpu when an adapter exists, else cpu; webgpu results are always compared with cpu float64)', 'cpu')
    .option('--samples <n>', 'samples per check (per loss for taylor and cases); default per check', positiveInt('--samples'))
    .option('--seed <s>', 'PRNG seed (same seed, same bits)', finiteNumber('--seed'), 1)
    .option('--vocab <V>', 'largest vocabulary size (>= 2); default per check', wholeAtLeast('--vocab', 2))
    .option('--dim <d>', 'largest hidden size (>= 1); default per check', wholeAtLeast('--dim', 1))
    .option('--support <M>', 'theorem1/corollary2: fix the support size M (2 <= M <= V)', wholeAtLeast('--support', 2))
    .option('--max-memory <MiB>', `refuse sizes whose estimated memory exceeds this (default ${DEFAULT_MEMORY_CAP_MIB} MiB)`, positiveInt('--max-memory'), DEFAULT_MEMORY_CAP_MIB)
    .option('--json', 'machine-readable output (schema marginlab/verify@1)')
    .addOption(new Option('--webgpu-fault <fault>', `testing only: a deliberately faulty WebGPU backend (${INJECTIONS.join(' | ')})`).hideHelp())
    .action(async (which: string, o: LossOptions & VerifyOptions & { maxMemory: number; json?: boolean }) => {
      // Your own loss (taylor, cases), derived first so a loss the engine refuses is refused here, coded.
      const spec = need(await optionalLossFromArgs(undefined, o));
      if (spec) need(derive(spec));
      const ids = need(planChecks(which, { ...o, ownLoss: !!spec }));
      const run = need(await runChecks(ids, { ...o, losses: spec ? [spec] : undefined }, {
        onCheck: (id) => progressBar(`${id.padEnd(10)} [{bar}] {value}/{total} {duration}s`, o),
        onNote: (n) => process.stderr.write(`${n}\n`),
      }));
      if (o.json) json(verifyJson(run)); else out(verifyText(run));
      process.exitCode = run.verdicts.every(passes) ? 0 : 1;
    });
}
