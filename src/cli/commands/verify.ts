// `marginlab verify <check|all>`: run the proof checks of src/numeric/theorems and print a pass/fail
// table. Exit 0 when every check passes (any status but 'refuted'), 1 when one fails, 2 on bad input —
// including sizes whose memory estimate is above the cap, refused before anything is allocated — and
// when --backend webgpu cannot run (no adapter, or a device fault mid-run). On WebGPU every check is also
// run on float64 (src/numeric/webgpu/compare.ts): the verdict is float64's, the f32 error is reported
// beside it, and a WebGPU result outside its derived f32 bound fails the check.

import { type Command, Option } from 'commander';
import { didYouMean } from '../../errors.js';
import { parseDecimal } from '../../loss/domain.js';
import { BACKEND_CHOICES, type BackendChoice, selectBackend } from '../../numeric/select.js';
import { CHECKS, CHECK_IDS, type CheckId } from '../../numeric/theorems/index.js';
import type { Verdict } from '../../numeric/verdict.js';
import { type ComparedVerdict, type WebGpuBackend, INJECTIONS, compareCheck, parseInjection } from '../../numeric/webgpu/index.js';
import { UsageError, finiteNumber, json, out, positiveInt } from '../common.js';

export interface VerifyOptions {
  backend: string;
  samples?: number;
  seed: number;
  vocab?: number;
  dim?: number;
  support?: number;
  maxMemory: number;
  json?: boolean;
  /** Hidden, for tests: make the WebGPU backend deliberately faulty (see INJECTIONS). */
  webgpuFault?: string;
}

const MIB = 1024 * 1024;
export const DEFAULT_MEMORY_CAP_MIB = 2048;

const usage = (message: string, hint?: string, slot = 'verify'): UsageError => new UsageError([{ code: 'E_USAGE', message, hint, at: { slot } }]);

function wholeAtLeast(name: string, min: number) {
  return (v: string): number => {
    const x = parseDecimal(v);
    if (x === undefined || !Number.isSafeInteger(x) || x < min) throw usage(`${name} needs a whole number >= ${min}, got '${v.slice(0, 40)}'`, undefined, name);
    return x;
  };
}

/** Which checks, validated against the sizes and the memory cap. Throws UsageError (exit 2). */
export function planChecks(which: string, o: VerifyOptions): CheckId[] {
  const ids: CheckId[] = which === 'all' ? [...CHECK_IDS] : (CHECK_IDS as readonly string[]).includes(which) ? [which as CheckId] : [];
  if (ids.length === 0) {
    const guess = didYouMean(which, [...CHECK_IDS, 'all']);
    throw usage(`unknown check '${which}'`, guess ? `did you mean '${guess}'?` : `choose one of ${[...CHECK_IDS, 'all'].join(', ')}`);
  }
  for (const id of ids) {
    const e = CHECKS[id];
    const vocab = o.vocab ?? e.defaults.vocab, dim = o.dim ?? e.defaults.dim;
    if (o.support !== undefined && e.takesSupport && o.support > vocab) {
      throw usage(`--support M = ${o.support} is larger than the vocabulary V = ${vocab} (${id}); a distribution cannot be uniform on more tokens than exist`);
    }
    if (id === 'cases' && dim < 2) throw usage('cases needs --dim >= 2 (free gradient pairs of any correlation)');
    const bytes = e.memory({ vocab, dim });
    if (bytes > o.maxMemory * MIB) {
      throw usage(`${id} at V = ${vocab}, d = ${dim} would need about ${(bytes / MIB).toFixed(0)} MiB, above the cap of ${o.maxMemory} MiB`,
        'lower --vocab/--dim, or raise --max-memory if the machine has the memory');
    }
  }
  return ids;
}

const precisionOf = (v: Verdict) => (v as Partial<ComparedVerdict>).precision;
/** A check passes when its mathematics is not refuted and no WebGPU result broke its f32 bound. */
const passes = (v: Verdict) => v.status !== 'refuted' && (precisionOf(v)?.violations ?? 0) === 0;

function f32Cell(v: Verdict): string {
  const p = precisionOf(v);
  if (!p) return '-';
  if (p.violations > 0) return `WRONG (${p.violations})`;
  return `${p.tooCoarse ? 'too coarse' : 'ok'} ${p.worstRatio.toFixed(2)}`;
}

function table(rows: readonly Verdict[]): string {
  const gpu = rows.some((v) => precisionOf(v));
  const head = ['check', 'result', 'status', 'samples', 'max rel err', ...(gpu ? ['f32 (err/bound)'] : []), 'seconds'];
  const body = rows.map((v) => [v.id, passes(v) ? 'pass' : 'FAIL', v.status, String(v.evidence.samples),
    v.evidence.maxRelError.toExponential(1), ...(gpu ? [f32Cell(v)] : []), (v.seconds ?? 0).toFixed(2)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

function details(v: Verdict): string {
  const lines = [`${v.id}: ${v.summary}`];
  if (v.assumption) lines.push(`  assumption: ${v.assumption}`);
  for (const n of v.evidence.notes ?? []) lines.push(`  - ${n}`);
  const p = precisionOf(v);
  if (p) lines.push(`  f32 on ${p.adapter}: ${p.note}`);
  if (v.status === 'refuted' && v.evidence.worst) lines.push(`  counterexample: ${JSON.stringify(v.evidence.worst)}`);
  return lines.join('\n');
}

async function progressBar(label: string): Promise<{ update(done: number, total: number): void; stop(): void }> {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const { default: progress } = await import('cli-progress');
  const bar = new progress.SingleBar({ stream: process.stderr, format: `${label.padEnd(10)} [{bar}] {value}/{total} {duration}s`, clearOnComplete: true, hideCursor: true },
    progress.Presets.shades_classic);
  let started = false;
  return {
    update(done, total) {
      if (!started) { bar.start(total, 0); started = true; }
      bar.update(done);
    },
    stop() { if (started) bar.stop(); },
  };
}

export async function runVerify(which: string, o: VerifyOptions): Promise<number> {
  if (!(BACKEND_CHOICES as readonly string[]).includes(o.backend)) {
    throw usage(`unknown backend '${o.backend}'`, `choose one of ${BACKEND_CHOICES.join(', ')}`);
  }
  const choice = o.backend as BackendChoice;
  const ids = planChecks(which, o);
  let inject;
  try {
    inject = o.webgpuFault === undefined ? undefined : parseInjection(o.webgpuFault);
  } catch (e) {
    throw usage((e as Error).message);
  }
  const sel = await selectBackend(choice, { inject });
  if (!sel.ok) throw usage(`${sel.code}: ${sel.message}`, 'use --backend cpu, or auto (which falls back to cpu)');
  const notes: string[] = sel.note ? [sel.note] : [];
  if (sel.note) process.stderr.write(`${sel.note}\n`);
  let gpu: WebGpuBackend | undefined = sel.kind === 'webgpu' ? sel.backend : undefined;
  const adapter = gpu?.adapter;
  const verdicts: Verdict[] = [];
  try {
    for (const id of ids) {
      const bar = await progressBar(id);
      const opts = { samples: o.samples, seed: o.seed, vocab: o.vocab, dim: o.dim,
        support: CHECKS[id].takesSupport ? o.support : undefined, onProgress: (d: number, t: number) => bar.update(d, t) };
      try {
        if (!gpu) { verdicts.push(await CHECKS[id].run({ ...opts, backend: sel.backend })); continue; }
        const r = await compareCheck(CHECKS[id].run, opts, gpu);
        if (r.ok && (choice === 'webgpu' || r.verdict.precision.violations === 0)) { verdicts.push(r.verdict); continue; }
        // auto: a fault or a wrong GPU result means the CPU result, said out loud, and CPU from here on.
        const why = r.ok ? r.verdict.precision.note : `${r.fault.code}: ${r.fault.message}`;
        if (!r.ok && choice === 'webgpu') throw usage(`webgpu failed during ${id}: ${why}`, 'rerun with --backend cpu, or auto (which falls back to cpu)');
        const fallback = `backend auto: webgpu failed during ${id} (${why}); reporting cpu (float64) results from ${id} on`;
        process.stderr.write(`${fallback}\n`);
        notes.push(fallback);
        verdicts.push(r.ok ? { ...r.verdict, backend: 'cpu', precision: undefined } as Verdict : r.cpu);
        gpu.dispose();
        gpu = undefined;
      } finally {
        bar.stop();
      }
    }
  } finally {
    gpu?.dispose();
  }
  const passed = verdicts.every(passes);
  const backend = verdicts.some((v) => v.backend === 'webgpu') ? 'webgpu' : 'cpu';
  if (o.json) {
    json({ schema: 'marginlab/verify@1', backend, adapter, note: notes.join('; ') || undefined, seed: o.seed, passed, verdicts });
  } else {
    out(table(verdicts));
    out('');
    out(verdicts.map(details).join('\n\n'));
    out('');
    if (notes.length) out(notes.map((n) => `note: ${n}`).join('\n'));
    const failed = verdicts.filter((v) => !passes(v)).length;
    out(passed ? `all ${verdicts.length} checks passed` : `${failed} of ${verdicts.length} checks FAILED`);
  }
  return passed ? 0 : 1;
}

export function register(program: Command): void {
  program.command('verify <check>')
    .description(`check the paper's theorems numerically by taking real gradient steps: ${[...CHECK_IDS, 'all'].join(' | ')}`)
    .option('--backend <name>', 'cpu | webgpu | auto (auto: webgpu when an adapter exists, else cpu; webgpu results are always compared with cpu float64)', 'cpu')
    .option('--samples <n>', 'samples per check (per loss for taylor and cases); default per check', positiveInt('--samples'))
    .option('--seed <s>', 'PRNG seed (same seed, same bits)', finiteNumber('--seed'), 1)
    .option('--vocab <V>', 'largest vocabulary size (>= 2); default per check', wholeAtLeast('--vocab', 2))
    .option('--dim <d>', 'largest hidden size (>= 1); default per check', wholeAtLeast('--dim', 1))
    .option('--support <M>', 'theorem1/corollary2: fix the support size M (2 <= M <= V)', wholeAtLeast('--support', 2))
    .option('--max-memory <MiB>', `refuse sizes whose estimated memory exceeds this (default ${DEFAULT_MEMORY_CAP_MIB} MiB)`, positiveInt('--max-memory'), DEFAULT_MEMORY_CAP_MIB)
    .option('--json', 'machine-readable output (schema marginlab/verify@1)')
    .addOption(new Option('--webgpu-fault <fault>', `testing only: a deliberately faulty WebGPU backend (${INJECTIONS.join(' | ')})`).hideHelp())
    .action(async (which: string, o: VerifyOptions) => {
      process.exitCode = await runVerify(which, o);
    });
}
