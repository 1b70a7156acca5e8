// One worker of the input fuzzer: runs inputs [from, to) of a seed and reports each as it starts and ends,
// so that the runner can stop a worker stuck on one input (a hang) and go on from the next.
import { parentPort, workerData } from 'node:worker_threads';
import { caseAt } from './cases.js';
import { type Column, judge } from './judge.js';
import { makeScratch } from './scratch.js';

export interface WorkerJob { readonly seed: number; readonly from: number; readonly to: number }
export type WorkerMessage =
  | { readonly type: 'start'; readonly index: number; readonly kind: string; readonly input: string }
  | { readonly type: 'end'; readonly index: number; readonly kind: string; readonly input: string; readonly ms: number; readonly accepted: boolean;
      readonly columns: readonly Column[]; readonly detail: string }
  | { readonly type: 'done' };

const job = workerData as WorkerJob;
const scratch = makeScratch();
const globals = () => `${Object.getOwnPropertyNames(Object).length}:${Object.getOwnPropertyNames(Object.prototype).length}:` +
  Object.getOwnPropertyNames(Object.prototype).map((n) => Object.getOwnPropertyNames((Object.prototype as unknown as Record<string, object>)[n] ?? {}).length).join(',');
let baseline = globals();

for (let i = job.from; i < job.to; i++) {
  const c = caseAt(job.seed, i, scratch);
  parentPort!.postMessage({ type: 'start', index: i, kind: c.kind, input: c.input });
  const t0 = performance.now();
  let outcome;
  try {
    outcome = await c.run();
  } catch (e) {
    outcome = { accepted: false, errors: [], crash: e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 300) : String(e) };
  }
  const ms = performance.now() - t0;
  const now = globals();
  const polluted = now !== baseline;
  baseline = now; // each change is one finding, charged to the input that made it
  const columns = judge(outcome, c.expect, ms, polluted);
  const bad = outcome.errors.find((e) => !e.code || !e.at) ?? outcome.errors[0];
  const detail = outcome.crash ?? (polluted ? 'Object or Object.prototype changed'
    : columns.includes('wronglyAccepted') ? `accepted, but must be refused: ${c.expect.why ?? 'secret echoed'}`
    : bad ? `${bad.code ?? '(no code)'} ${JSON.stringify(bad.at ?? null)}: ${(bad.message ?? bad.line ?? '').slice(0, 200)}` : '');
  parentPort!.postMessage({ type: 'end', index: i, kind: c.kind, input: c.input, ms, accepted: outcome.accepted, columns, detail });
}
parentPort!.postMessage({ type: 'done' });
