// The client: starts a trainer, sends the request, validates every line that comes back, hands each event
// to the recorder (recorder.ts: metrics.jsonl appended per logged step, so a crash keeps everything before
// it, and summary.json), and turns every way a run can go wrong into one TrainerError. The run is written
// beside its destination and moved into place when it ends (run-folder.ts), so an existing run folder is
// never emptied or mixed with this one. Nothing here prints; callers get events.

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { checksumTolerance } from './checksum.js';
import { TORCH_HINT, fromRemote, type TrainerError } from './errors.js';
import { DEFAULT_PYTHON, referenceTrainerPath } from './locate.js';
import type { MetricsRow } from './metrics.js';
import { parseEventLine } from './protocol/parse.js';
import { RequestSchema, type TrainerEvent } from './protocol/schema.js';
import { Recorder } from './recorder.js';
import { type TrainedDerivation, buildRequest, taskLabel, type RunSettings } from './request.js';
import { summarise, type RunSummary } from './summary.js';
import { type RunFolder, placeRunFolder, prepareRunFolder } from './run-folder.js';
import type { MarginError } from '../errors.js';

/** Moves the run into place and says where its files are; a failed run kept beside an existing folder says so. */
export function placed(folder: RunFolder, error: TrainerError | null, done: boolean): Omit<RunResult, 'summary'> {
  const where = placeRunFolder(folder, error === null && done);
  const e = error && where.keptAside ? { ...error, message: `${error.message}; this run is kept in ${where.dir}, and ${folder.dest} is as it was` } : error;
  return { ok: e === null, error: e, metricsPath: join(where.dir, 'metrics.jsonl'), summaryPath: join(where.dir, 'summary.json') };
}

/** The result of a run that could not start because its destination or input was refused: nothing written. */
export function unstarted(d: TrainedDerivation, task: string, outDir: string, e: MarginError | TrainerError): RunResult {
  const error: TrainerError = { code: e.code === 'E_PROTOCOL' ? 'E_PROTOCOL' : 'E_FILE', message: e.message, hint: e.hint, at: e.at };
  const summary = summarise([], { loss: d.spec.source.id, task, error, checksum: null, seconds: 0, trainer: null });
  return { ok: false, summary, error, metricsPath: join(outDir, 'metrics.jsonl'), summaryPath: join(outDir, 'summary.json') };
}

export interface RunOptions {
  /** A two-response loss's derivation, or a loss over K ranked responses' (deriveRanked). */
  readonly derivation: TrainedDerivation;
  readonly settings: RunSettings;
  readonly outDir: string;
  /** Python for the reference trainer (default /usr/bin/python3). */
  readonly python?: string;
  /** A whole trainer command, run by the shell, instead of the reference trainer. */
  readonly trainerCommand?: string;
  /** No line at all (heartbeats included) for this long ends the run. */
  readonly timeoutMs?: number;
  readonly onEvent?: (e: TrainerEvent, child: ChildProcess) => void;
  readonly onRow?: (r: MetricsRow) => void;
  readonly signal?: AbortSignal;
  /** Replace a non-empty outDir as a whole (once the new run completes). */
  readonly force?: boolean;
  /** A folder already prepared by the caller (prepareRunFolder), instead of outDir. */
  readonly folder?: RunFolder;
}

export interface RunResult {
  readonly ok: boolean;
  readonly summary: RunSummary;
  readonly error: TrainerError | null;
  readonly metricsPath: string;
  readonly summaryPath: string;
}

const TAIL = 2000;

export async function runTraining(o: RunOptions): Promise<RunResult> {
  const t0 = Date.now();
  const prepared = o.folder ? { ok: true as const, value: o.folder } : prepareRunFolder(o.outDir, { force: o.force });
  if (!prepared.ok) return unstarted(o.derivation, taskLabel(o.settings.task), o.outDir, prepared.errors[0]);
  const folder = prepared.value;
  const built = buildRequest(o.derivation, o.settings);
  const rec = new Recorder(folder.staging, o.derivation, built.ok ? built.value.checks : null, checksumTolerance(o.settings.dtype));
  const finish = (error: TrainerError | null): RunResult => {
    const summary = rec.finish(taskLabel(o.settings.task), error, (Date.now() - t0) / 1000);
    return { summary, ...placed(folder, error, rec.done) };
  };

  if (!built.ok) return finish(built.errors[0]);
  const request = built.value;
  const valid = RequestSchema.safeParse(request);
  if (!valid.success) return finish({ code: 'E_PROTOCOL', message: `internal: the request does not match its schema: ${valid.error.issues[0].message}` });

  const python = o.python ?? DEFAULT_PYTHON;
  // detached: the trainer gets its own process group, so a shell-wrapped command is stopped whole.
  const child = o.trainerCommand
    ? spawn(o.trainerCommand, { shell: true, stdio: ['pipe', 'pipe', 'pipe'], detached: true })
    : spawn(python, ['-u', referenceTrainerPath()], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const stop = (sig: NodeJS.Signals): void => {
    try { if (child.pid) process.kill(-child.pid, sig); } catch { /* already gone */ }
  };

  return await new Promise<RunResult>((resolve) => {
    let error: TrainerError | null = null;
    let settled = false;
    let stderr = '';
    let buf = '';
    let lineNo = 0;
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = o.timeoutMs ?? 120_000;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        fault({ code: 'E_TRAINER_TIMEOUT', message: `the trainer sent nothing (not even a heartbeat) for ${timeoutMs / 1000} s`,
          hint: 'it hangs or is starved; raise --timeout or check it by hand' }, 'SIGKILL');
      }, timeoutMs);
    };
    const fault = (e: TrainerError, sig: NodeJS.Signals = 'SIGTERM'): void => {
      if (!error) error = e;
      stop(sig);
      // A trainer that ignores SIGTERM is killed outright a moment later.
      setTimeout(() => stop('SIGKILL'), 3000).unref();
    };
    const settle = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      resolve(finish(error && !error.at ? { ...error, at: { slot: 'trainer' } } : error));
    };
    const onAbort = (): void => fault({ code: 'E_INTERRUPTED', message: 'stopped by the user; the metrics so far are kept' });
    o.signal?.addEventListener('abort', onAbort);

    const handle = (ev: TrainerEvent, n: number): void => {
      o.onEvent?.(ev, child);
      const bad = rec.handle(ev, n);
      if (bad) { fault(bad); return; }
      if (ev.event === 'step') o.onRow?.(rec.rows[rec.rows.length - 1]);
      if (ev.event === 'error' && !error) error = fromRemote(ev);
    };

    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      arm();
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        lineNo++;
        if (!line || error) continue;
        const r = parseEventLine(line, lineNo);
        if (!r.ok) fault(r.errors[0]);
        else if ('stray' in r) rec.strayLine(lineNo, r.stray);
        else handle(r.event, lineNo);
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => { stderr = (stderr + s).slice(-TAIL); });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (!error) {
        error = { code: 'E_TRAINER_MISSING', message: `cannot start ${o.trainerCommand ?? python}: ${e.code ?? e.message}`,
          hint: o.trainerCommand ? 'check the --trainer command' : `give --python PATH; ${TORCH_HINT}` };
      }
      settle();
    });
    child.on('close', (code, sig) => {
      if (!error && !rec.done) {
        const how = sig ? `was killed by ${sig}` : `exited with code ${code}`;
        const missing = code === 127 || /No such file|not found/.test(stderr);
        error = missing
          ? { code: 'E_TRAINER_MISSING', message: `the trainer command ${how}: ${stderr.trim().split('\n').pop() ?? ''}`, hint: 'check --trainer / --python' }
          : { code: 'E_TRAINER_EXIT', message: `the trainer ${how} before finishing (${rec.rows.length} steps logged, kept)${stderr.trim() ? `; its stderr ends: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}` };
      }
      if (!error && code !== 0) {
        error = { code: 'E_TRAINER_EXIT', message: `the trainer reported done but exited with code ${code}${stderr.trim() ? `; its stderr ends: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}` };
      }
      settle();
    });
    child.stdin!.on('error', () => { /* the trainer closed stdin early; its exit says why */ });
    child.stdin!.end(`${JSON.stringify(request)}\n`);
    arm();
  });
}
