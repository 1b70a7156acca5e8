// Reading one line of a trainer's stdout. Every protocol line is checked — version, then schema — and a
// bad one becomes an error value naming the line number and what was wrong, never a crash later.

import type { TrainerError } from '../errors.js';
import { EventSchema, type TrainerEvent } from './schema.js';
import { PROTOCOL_VERSION } from './version.js';

export type LineResult =
  | { readonly ok: true; readonly event: TrainerEvent }
  /** Not a protocol line at all (a library's warning, a stray print): counted and reported, never fatal. */
  | { readonly ok: true; readonly stray: string }
  | { readonly ok: false; readonly errors: readonly TrainerError[] };

const clip = (s: string): string => (s.length > 120 ? `${s.slice(0, 117)}...` : s);

/**
 * A line is a protocol line when it is a JSON object carrying `v` or `event`; such a line is checked in
 * full (version, then schema) and a bad one is fatal, with its line number. Anything else on stdout — a
 * warning a library printed, a progress bar — is not an event: it comes back as `stray`, so that one
 * stray line no longer costs every metric after it.
 */
export function parseEventLine(line: string, lineNo: number): LineResult {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    // A line that reads as an event but is not JSON (a NaN printed with allow_nan) is a broken event, not a
    // stray print: dropping it would lose a step without a word.
    if (/^\{.*"(?:v|event)"\s*:/.test(line)) {
      return { ok: false, errors: [{ code: 'E_PROTOCOL', at: { slot: 'trainer stdout', line: lineNo }, message: `trainer line ${lineNo} is an event but not JSON: '${clip(line)}'`,
        hint: 'NaN and Infinity are not JSON: a trainer reports a non-finite value with an error event (E_NON_FINITE)' }] };
    }
    return { ok: true, stray: clip(line) };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !(Object.hasOwn(raw, 'v') || Object.hasOwn(raw, 'event'))) {
    return { ok: true, stray: clip(line) };
  }
  const version = (raw as { v?: unknown }).v;
  if (version !== PROTOCOL_VERSION) {
    return { ok: false, errors: [{ code: 'E_PROTOCOL_VERSION', at: { slot: 'trainer stdout', line: lineNo },
      message: `trainer line ${lineNo} speaks protocol version ${JSON.stringify(version)}; marginlab speaks ${PROTOCOL_VERSION}`,
      hint: 'update the trainer or marginlab so that both speak the same version' }] };
  }
  const parsed = EventSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? issue.path.join('.') : 'event';
    return { ok: false, errors: [{ code: 'E_PROTOCOL', at: { slot: 'trainer stdout', line: lineNo }, message: `trainer line ${lineNo}: ${where}: ${issue.message} in '${clip(line)}'` }] };
  }
  return { ok: true, event: parsed.data };
}
