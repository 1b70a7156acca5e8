// Events a trainer printed somewhere marginlab does not run (a GPU machine without Node, say: `python3
// marginlab_trainer.py < request.json > events.jsonl` there), turned into the same run folder `marginlab
// train` writes. Every line is validated as the live client validates it; the first bad line stops the
// ingest and is reported with its line number. The probe checksums need the request that was sent.

import { readFileSync } from 'node:fs';
import type { Derivation } from '../symbolic/derive.js';
import { checksumTolerance } from './checksum.js';
import { fromRemote, type TrainerError } from './errors.js';
import { parseEventLine } from './protocol/parse.js';
import { RequestSchema, type TrainerRequest } from './protocol/schema.js';
import { Recorder } from './recorder.js';
import { taskLabel } from './request.js';
import type { RunSummary } from './summary.js';

export interface IngestResult {
  readonly summary: RunSummary;
  readonly error: TrainerError | null;
  readonly metricsPath: string;
  readonly summaryPath: string;
}

export function readRequest(path: string): { ok: true; value: TrainerRequest } | { ok: false; error: TrainerError } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8').trim().split('\n')[0]);
  } catch (e) {
    return { ok: false, error: { code: 'E_PROTOCOL', message: `${path}: not a request line (${(e as Error).message})` } };
  }
  const r = RequestSchema.safeParse(raw);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: { code: 'E_PROTOCOL', message: `${path}: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}` } };
}

export function ingestEvents(eventsPath: string, derivation: Derivation, request: TrainerRequest | null, outDir: string): IngestResult {
  const rec = new Recorder(outDir, derivation, request?.checks ?? null, checksumTolerance(request?.dtype ?? 'float64'));
  const task = request ? taskLabel(request.task) : eventsPath;
  let error: TrainerError | null = null;
  let seconds = 0;
  const lines = readFileSync(eventsPath, 'utf8').split('\n');
  for (let i = 0; i < lines.length && !error; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const r = parseEventLine(line, i + 1);
    if (!r.ok) { error = r.error; break; }
    const ev = r.event;
    error = rec.handle(ev);
    if (ev.event === 'done') seconds = ev.seconds;
    if (ev.event === 'error') error = fromRemote(ev);
  }
  if (!error && !rec.done) error = { code: 'E_TRAINER_EXIT', message: `${eventsPath} ends before the trainer's 'done' event (${rec.rows.length} steps logged, kept)` };
  const summary = rec.finish(task, error, seconds);
  return { summary, error, ...rec.files };
}
