// A derivation that never returns would hang the whole suite, and sync code cannot be interrupted.
// So a random loss is first derived in a worker thread while the test thread waits (Atomics.wait) with
// a deadline; past it, the worker is terminated and the property FAILS with "derive did not terminate"
// — fast-check then shrinks the loss to a minimal one that hangs the engine.
import { Worker } from 'node:worker_threads';
import type { LossSpec } from '../src/loss/types.js';

let worker: Worker | undefined;

function fresh(): Worker {
  const w = new Worker(new URL('./derive-worker.mjs', import.meta.url));
  w.unref();
  return w;
}

export const DERIVE_DEADLINE_MS = Number(process.env.MARGINLAB_DERIVE_DEADLINE_MS ?? 3000);

/** 'ok' when derive(spec) returns (or throws) within the deadline, 'timeout' otherwise. */
export function deriveTerminates(spec: LossSpec, deadlineMs = DERIVE_DEADLINE_MS): 'ok' | 'timeout' {
  worker ??= fresh();
  const flag = new SharedArrayBuffer(4);
  const view = new Int32Array(flag);
  worker.postMessage({ spec: JSON.parse(JSON.stringify(spec)), flag });
  // The first call also pays the worker's start-up (loading tsx and the engine).
  const r = Atomics.wait(view, 0, 0, deadlineMs + (startup ? 20_000 : 0));
  startup = false;
  if (r === 'timed-out' && Atomics.load(view, 0) === 0) {
    void worker.terminate();
    worker = undefined;
    startup = true;
    return 'timeout';
  }
  return 'ok';
}
let startup = true;
