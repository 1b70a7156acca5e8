// The GPT-2 small runs made on an H100 (docs/findings.md): the requests that were sent and the trainer's
// gzipped stdout are in docs/experiments/gpt2-h100/{requests,events}; this script ingests each through the
// library (every line validated, probe checksums checked), writes summary.json beside them and prints the
// findings table. Run after `npm run build`: node scripts/gpt2-h100.mjs [--figures]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { findEntry } from '../dist/loss/catalogue/index.js';
import { checkLoss } from '../dist/loss/check.js';
import { fromCatalogue } from '../dist/loss/file.js';
import { mustDerive } from '../dist/symbolic/derive.js';
import { ingestEvents, readRequest } from '../dist/trainer/ingest.js';

const base = 'docs/experiments/gpt2-h100';
const work = mkdtempSync(join(tmpdir(), 'gpt2-h100-'));
const rows = [];
for (const f of readdirSync(join(base, 'events')).sort()) {
  const name = f.replace(/\.jsonl\.gz$/, '');
  const events = join(work, `${name}.jsonl`);
  writeFileSync(events, gunzipSync(readFileSync(join(base, 'events', f))));
  const req = readRequest(join(base, 'requests', `${name}.json`));
  if (!req.ok) throw new Error(req.errors[0].message);
  const spec = checkLoss(fromCatalogue(findEntry(req.value.loss.id)));
  const r = ingestEvents(events, mustDerive(spec.value), req.value, join(work, name));
  const s = r.summary, h = s.heldout;
  rows.push({ name, loss: req.value.loss.id, variant: req.value.variant, task: req.value.task.kind, seed: req.value.seed,
    error: r.error?.code ?? null, dLogpW: h ? h.end.logp_w - h.start.logp_w : null, dLogpL: h ? h.end.logp_l - h.start.logp_l : null,
    rewardMargin: h?.end.reward_margin ?? null, prefAcc: h ? [h.start.pref_acc, h.end.pref_acc] : null, case1: s.case1Share,
    agreement: s.agreement, chesAuc: s.ches?.auc ?? null, conditionAccuracy: s.ches?.conditionAccuracy ?? null, stepSeconds: s.stepSeconds,
    probeMaxRelErr: s.checksum?.probeMaxRelErr ?? null });
}
writeFileSync(join(base, 'summary.json'), `${JSON.stringify({ schema: 'marginlab/gpt2-h100@1', runs: rows }, null, 2)}\n`);
const f = (x, d = 3) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));
const pct = (x) => (x === null ? 'n/a' : `${Math.round(100 * x)}%`);
console.log('| task | loss | variant | seed | Δlog π_w (held-out) | Δlog π_l | reward margin | pref. acc. start → end | case-1 steps | signs agree | ms/step |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.task} | ${r.loss} | ${r.variant} | ${r.seed} | ${f(r.dLogpW, 4)} | ${f(r.dLogpL, 2)} | ${f(r.rewardMargin, 2)} | ${r.prefAcc ? `${pct(r.prefAcc[0])} → ${pct(r.prefAcc[1])}` : 'n/a'} | ${pct(r.case1)} | ${pct(r.agreement)} | ${f(1000 * r.stepSeconds, 0)} |${r.error ? ` ${r.error}` : ''}`);
}
if (process.argv.includes('--figures')) {
  const dirs = ['dpo_none_single_s1', 'dpo_none_short_s1', 'dpo_none_long_s1'].map((n) => join(work, n));
  execFileSync(process.execPath, ['bin/marginlab.js', 'report', ...dirs, '--out', join(base, 'figures')], { stdio: 'inherit' });
}
