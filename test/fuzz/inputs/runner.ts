// The input fuzzer's runner: splits the inputs over worker threads, judges each, and stops a worker that
// spends longer than KILL_MS on one input (counted as a hang, like anything over HANG_MS), restarting it
// from the next input. The report is a Tally per column, with examples to replay by seed and index.

import { Worker } from 'node:worker_threads';
import { HANG_MS, type Tally, merge, newTally } from './judge.js';
import type { WorkerMessage } from './worker.js';

export const KILL_MS = 10_000;

export interface HarnessOptions {
  readonly seed: number;
  readonly count: number;
  /** Index of the first input (a slice of a larger run replays exactly). */
  readonly from?: number;
  readonly workers?: number;
  readonly onProgress?: (done: number, total: number, t: Tally) => void;
}

function runRange(seed: number, from: number, to: number, t: Tally, tick: () => void): Promise<void> {
  return new Promise((resolve) => {
    let current: { index: number; kind: string; input: string; since: number } | undefined;
    const worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: { seed, from, to }, stdout: true, stderr: true });
    // A worker's own console output is the inputs' business (a command may print); it is not the report's.
    worker.stdout.resume(); worker.stderr.resume();
    const watchdog = setInterval(() => {
      if (!current || performance.now() - current.since < KILL_MS) return;
      const stuck = current;
      current = undefined;
      clearInterval(watchdog);
      void worker.terminate();
      record(t, stuck.kind, stuck.index, stuck.input, performance.now() - stuck.since, false, ['hang'], `no answer after ${KILL_MS / 1000} s (stopped)`);
      tick();
      runRange(seed, stuck.index + 1, to, t, tick).then(resolve);
    }, 250);
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'start') current = { index: m.index, kind: m.kind, input: m.input, since: performance.now() };
      else if (m.type === 'end') { current = undefined; record(t, m.kind, m.index, m.input, m.ms, m.accepted, m.columns, m.detail); tick(); }
      else { clearInterval(watchdog); void worker.terminate(); resolve(); }
    });
    worker.on('error', (e) => {
      clearInterval(watchdog);
      // An error that escapes the worker itself is a crash of the input it was on.
      if (current) { record(t, current.kind, current.index, current.input, 0, false, ['crash'], `worker died: ${e.message}`); tick(); }
      const next = current ? current.index + 1 : to;
      current = undefined;
      if (next < to) runRange(seed, next, to, t, tick).then(resolve); else resolve();
    });
  });
}

function record(t: Tally, kind: string, index: number, input: string, ms: number, accepted: boolean, columns: readonly string[], detail: string): void {
  t.inputs++;
  if (accepted) t.accepted++; else t.refused++;
  t.slowestMs = Math.max(t.slowestMs, ms);
  const k = (t.kinds[kind] ??= { inputs: 0, findings: 0 });
  k.inputs++;
  if (columns.length) k.findings++;
  for (const c of columns as (keyof Tally['counts'])[]) {
    t.counts[c]++;
    if (t.examples[c].length < 5) t.examples[c].push({ kind, index, input, detail: c === 'hang' && ms > HANG_MS ? `${detail} (${Math.round(ms)} ms)` : detail });
  }
}

export async function runHarness(o: HarnessOptions): Promise<Tally> {
  const workers = Math.max(1, o.workers ?? 2);
  const from = o.from ?? 0;
  const total = newTally();
  const parts = Array.from({ length: workers }, () => newTally());
  let done = 0;
  const per = Math.ceil(o.count / workers);
  await Promise.all(parts.map((t, w) => {
    const a = from + w * per, b = Math.min(from + o.count, a + per);
    return a < b ? runRange(o.seed, a, b, t, () => { done++; o.onProgress?.(done, o.count, t); }) : Promise.resolve();
  }));
  for (const t of parts) merge(total, t);
  return total;
}
