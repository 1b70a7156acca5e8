// Worker side of the derivation watchdog (watchdog.ts): derive a loss, then flag completion through
// shared memory so the waiting test thread wakes up.
import { parentPort } from 'node:worker_threads';
import { derive } from '../src/symbolic/derive.js';
import { deriveRanked } from '../src/symbolic/ranked.js';
import type { LossSpec } from '../src/loss/types.js';

parentPort!.on('message', (msg: { spec: LossSpec; flag: SharedArrayBuffer }) => {
  const flag = new Int32Array(msg.flag);
  let code = 1;
  try { if (msg.spec.ranked) deriveRanked(msg.spec); else derive(msg.spec); } catch { code = 2; }
  Atomics.store(flag, 0, code);
  Atomics.notify(flag, 0);
});
