// Reading one line of a trainer's stdout. Every line is checked — JSON, then version, then schema — and
// a bad line becomes an error value naming the line number and what was wrong, never a crash later.

import type { TrainerError } from '../errors.js';
import { EventSchema, type TrainerEvent } from './schema.js';
import { PROTOCOL_VERSION } from './version.js';

export type LineResult = { readonly ok: true; readonly event: TrainerEvent } | { readonly ok: false; readonly error: TrainerError };

const clip = (s: string): string => (s.length > 120 ? `${s.slice(0, 117)}...` : s);

export function parseEventLine(line: string, lineNo: number): LineResult {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, error: { code: 'E_PROTOCOL', message: `trainer line ${lineNo} is not JSON: '${clip(line)}'`,
      hint: 'a trainer must print only protocol lines on stdout (diagnostics go to stderr)' } };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: { code: 'E_PROTOCOL', message: `trainer line ${lineNo} is not a JSON object: '${clip(line)}'` } };
  }
  const version = (raw as { v?: unknown }).v;
  if (version !== PROTOCOL_VERSION) {
    return { ok: false, error: { code: 'E_PROTOCOL_VERSION',
      message: `trainer line ${lineNo} speaks protocol version ${JSON.stringify(version)}; marginlab speaks ${PROTOCOL_VERSION}`,
      hint: 'update the trainer or marginlab so that both speak the same version' } };
  }
  const parsed = EventSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? issue.path.join('.') : 'event';
    return { ok: false, error: { code: 'E_PROTOCOL', message: `trainer line ${lineNo}: ${where}: ${issue.message} in '${clip(line)}'` } };
  }
  return { ok: true, event: parsed.data };
}
