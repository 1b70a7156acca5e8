import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { PAPER_CLAIMS, UNCHECKED } from '../../claims/registry.js';
import { runClaims } from '../../claims/run.js';
import { loadClaimsFile } from '../../claims/user.js';
import { auditJson, auditMarkdown, auditText } from '../../report/audit.js';
import { writeAllAtomic } from '../../report/table/write.js';
import { UsageError, json, need, out } from '../common.js';
import { finiteNumber, positiveInt } from '../options.js';
import { EXIT } from '../exit-codes.js';
import { progressBar } from '../progress.js';
import { type CheckOptions, checkBudget, checkOptions } from '../check-options.js';

export function register(program: Command): void {
  checkOptions(program.command('audit'), 'each interval proof')
    .option('--claims <file>', 'a YAML claims file about your own loss, instead of the paper')
    .option('--allow-outside-claims-dir', "let the claims file's loss: name a spec file outside the claims file's folder (only for claims files you trust)")
    .option('--json', 'machine-readable output (schema marginlab/audit@1)')
    .option('--out <file>', 'write the Markdown report here (docs/audit.md)')
    .option('--samples <n>', 'samples per sampled check', positiveInt('--samples'), 2000)
    .option('--seed <s>', 'seed', finiteNumber('--seed'), 1)
    .action(async (o: CheckOptions & { claims?: string; allowOutsideClaimsDir?: boolean; json?: boolean; out?: string; samples: number; seed: number }) => {
      const file = o.claims ? need(await loadClaimsFile(o.claims, { allowOutside: o.allowOutsideClaimsDir })) : undefined;
      const claims = file ? file.claims : PAPER_CLAIMS;
      const samples = file?.samples ?? o.samples;
      const bar = await progressBar('audit [{bar}] {value}/{total} {id}', { json: o.json });
      const results = await runClaims(claims, { seed: o.seed, samples, time: checkBudget(o) }, (done, total, id) => bar.update(done, total, { id }));
      bar.stop();
      const meta = { source: file ? `claims file ${o.claims} (loss ${file.loss})` : 'Common Pitfalls of Margin-Based Preference Optimization in Language Model Alignment (../shared/paper/margin-pitfalls.txt)',
        seed: o.seed, samples, unchecked: file ? [] : UNCHECKED };
      if (o.out) {
        try { writeAllAtomic(dirname(o.out), new Map([[basename(o.out), auditMarkdown(results, meta) + '\n']])); } catch (e) {
          throw new UsageError([{ code: 'E_FILE', message: `cannot write '${o.out}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`, at: { file: o.out } }]);
        }
      }
      if (o.json) json(auditJson(results, meta)); else out(auditText(results) + (o.out ? `\nwritten: ${o.out}` : ''));
      // A refuted claim of the user's own is a failed check (exit 1); an undecided one is not a pass
      // (exit 4) unless the file allows it. The paper's refutations are findings (exit 0).
      if (file && results.some((r) => r.verdict.status === 'refuted')) process.exitCode = EXIT.refuted;
      else if (file && results.some((r) => r.verdict.status === 'undecided' && !file.allowUndecided.has(r.id))) process.exitCode = EXIT.undecided;
    });
}
