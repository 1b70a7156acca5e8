// Errors of the trainer layer, as values: a code a program branches on, a sentence a person understands, and
// a hint. The same shape as src/errors.ts's MarginError, with the codes that only a running trainer raises.

import { type Location, printable } from '../errors.js';

export type TrainerErrorCode =
  | 'E_TRAINER_MISSING'   // the Python or the trainer command does not start
  | 'E_NO_TORCH'          // the trainer starts but cannot import torch
  | 'E_TRAINER_EXIT'      // the trainer exited (crash, kill) before `done`
  | 'E_TRAINER_TIMEOUT'   // no line (not even a heartbeat) within the timeout
  | 'E_PROTOCOL'          // a line that is not JSON or does not match the schema
  | 'E_PROTOCOL_VERSION'  // a line that speaks another protocol version
  | 'E_CHECKSUM'          // the generated loss disagrees with marginlab's own d_w, d_l
  | 'E_NON_FINITE'        // NaN/Inf loss
  | 'E_INTERRUPTED'       // Ctrl-C / SIGTERM
  | 'E_REMOTE'            // any other error the trainer reported
  | 'E_CODEGEN'           // the loss has a construct the PyTorch printer cannot express
  | 'E_FILE'              // an events file or a run folder that cannot be used (nothing was written)
  | 'E_UNSUPPORTED';      // a setting a loss over ranked responses does not take (a variant, ghost products, a pair file)

export interface TrainerError {
  readonly code: TrainerErrorCode;
  readonly message: string;
  readonly hint?: string;
  /** The trainer's own code when it reported the error (E_TASK, E_DEVICE, E_OOM, …). */
  readonly remoteCode?: string;
  /** Where: the events file or the trainer's stdout, and the line (the text line says it in the message). */
  readonly at?: Location;
}

export const formatTrainerError = (e: TrainerError): string =>
  printable(`${e.code}${e.remoteCode && e.remoteCode !== e.code ? ` (${e.remoteCode})` : ''}: ${e.message}${e.hint ? ` — ${e.hint}` : ''}`);

/** An `error` event the trainer sent, as marginlab's error: the codes marginlab itself acts on keep their name,
 * the rest are E_REMOTE with the trainer's code kept beside it. */
export function fromRemote(ev: { readonly code: string; readonly message: string; readonly hint?: string }): TrainerError {
  const local: TrainerErrorCode = ev.code === 'E_NO_TORCH' || ev.code === 'E_NON_FINITE' || ev.code === 'E_INTERRUPTED' ? ev.code : 'E_REMOTE';
  return { code: local, remoteCode: ev.code, message: ev.message, hint: ev.hint ?? (local === 'E_NO_TORCH' ? TORCH_HINT : undefined), at: { slot: 'trainer' } };
}

export const TORCH_HINT = 'on Debian 12: apt-get install -y --no-install-recommends python3-torch libopenblas0-pthread, then --python /usr/bin/python3';

/** How `train` and `ingest` exit on a run's error: 2 for bad input (a malformed events file, a trainer line
 * that breaks the protocol, an unusable file or folder), 130 when interrupted, 1 for a run that failed. */
export function exitCodeFor(e: TrainerError): number {
  if (e.code === 'E_INTERRUPTED') return 130;
  return e.code === 'E_PROTOCOL' || e.code === 'E_PROTOCOL_VERSION' || e.code === 'E_FILE' || e.code === 'E_UNSUPPORTED' ? 2 : 1;
}
