// Events a trainer printed somewhere marginlab does not run (a GPU machine without Node, say: `python3
// marginlab_trainer.py < request.json > events.jsonl` there), turned into the same run folder `marginlab
// train` writes. Every line is validated as the live client validates it; the first bad line stops the
// ingest and is reported with its line number. The probe checksums need the request that was sent.

import { closeSync } from 'node:fs';
import type { Derivation } from '../symbolic/derive.js';
import { forEachLine, openRegular, readTextFile } from '../loss/files.js';
import { checksumTolerance } from './checksum.js';
import { placed, unstarted } from './client.js';
import { fromRemote, type TrainerError } from './errors.js';
import type { Result } from '../errors.js';
import { parseEventLine } from './protocol/parse.js';
import { RequestSchema, type TrainerRequest } from './protocol/schema.js';
import { Recorder } from './recorder.js';
import { taskLabel } from './request.js';
import { type RunFolder, discardRunFolder, prepareRunFolder } from './run-folder.js';
import type { RunSummary } from './summary.js';

export interface IngestResult {
  readonly summary: RunSummary;
  readonly error: TrainerError | null;
  readonly metricsPath: string;
  readonly summaryPath: string;
}

/** A line of an events file may be long (a token-cosine matrix), never this long. */
const MAX_EVENT_LINE_BYTES = 64 * 1024 * 1024;

export function readRequest(path: string): Result<TrainerRequest, TrainerError> {
  const text = readTextFile(path, { what: 'request file', maxBytes: 16 * 1024 * 1024 });
  if (!text.ok) return { ok: false, errors: [{ code: 'E_FILE', message: text.errors[0].message, hint: text.errors[0].hint, at: { file: path } }] };
  let raw: unknown;
  try {
    raw = JSON.parse(text.value.trim().split('\n')[0]);
  } catch (e) {
    return { ok: false, errors: [{ code: 'E_PROTOCOL', message: `${path}: not a request line (${(e as Error).message.slice(0, 120)})`, at: { file: path, line: 1 } }] };
  }
  const r = RequestSchema.safeParse(raw);
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: [{ code: 'E_PROTOCOL', message: `${path}: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`, at: { file: path, line: 1 } }] };
}

/**
 * The events file is checked first (a regular file that can be read); only then is a run folder made,
 * beside outDir, and moved into place at the end — so a missing events file, a directory or a device
 * given as events leaves an existing run folder exactly as it was.
 */
export function ingestEvents(eventsPath: string, derivation: Derivation, request: TrainerRequest | null, outDir: string,
  o: { force?: boolean; folder?: RunFolder } = {}): IngestResult {
  const task = request ? taskLabel(request.task) : eventsPath;
  const input = openRegular(eventsPath, 'events file');
  if (!input.ok) return unstarted(derivation, task, outDir, input.errors[0]);
  closeSync(input.value);
  const prepared = o.folder ? { ok: true as const, value: o.folder } : prepareRunFolder(outDir, { force: o.force });
  if (!prepared.ok) return unstarted(derivation, task, outDir, prepared.errors[0]);
  const folder = prepared.value;
  const rec = new Recorder(folder.staging, derivation, request?.checks ?? null, checksumTolerance(request?.dtype ?? 'float64'));
  let error: TrainerError | null = null;
  let seconds = 0;
  const read = forEachLine(eventsPath, 'events file', MAX_EVENT_LINE_BYTES, (text, lineNo) => {
    const line = text.trim();
    if (!line) return true;
    const r = parseEventLine(line, lineNo);
    if (!r.ok) { error = r.errors[0]; return false; }
    if ('stray' in r) { rec.strayLine(lineNo, r.stray); return true; }
    const ev = r.event;
    error = rec.handle(ev, lineNo);
    if (ev.event === 'done' && !error) seconds = ev.seconds;
    if (ev.event === 'error' && !error) error = fromRemote(ev);
    return error === null;
  });
  if (!read.ok) error = { code: 'E_FILE', message: read.errors[0].message, at: read.errors[0].at };
  if (!error && !rec.sawEvent) {
    // Not one protocol line (a spec file, a log, an empty file given as events): bad input, and no run to keep.
    discardRunFolder(folder);
    return unstarted(derivation, task, outDir, { code: 'E_PROTOCOL', message: `${eventsPath} holds no trainer event (${rec.stray.count} lines, none a protocol line); is it a trainer's stdout?`, at: { file: eventsPath } });
  }
  if (!error && !rec.done) error = { code: 'E_TRAINER_EXIT', message: `${eventsPath} ends before the trainer's 'done' event (${rec.rows.length} steps logged, kept)` };
  // Lines are lines of the events file here, not of a live trainer's stdout.
  if (error) error = { ...(error as TrainerError), at: { file: eventsPath, ...((error as TrainerError).at?.line !== undefined ? { line: (error as TrainerError).at!.line } : {}) } };
  const summary = rec.finish(task, error, seconds);
  const p = placed(folder, error, rec.done);
  return { summary, error: p.error, metricsPath: p.metricsPath, summaryPath: p.summaryPath };
}
