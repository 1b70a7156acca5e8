// Where a run's files are written: never into the destination while the run is going. A run is built in a
// folder beside its destination (same file system, so the final move is a rename) and moved into place
// when it ends, so an existing run folder is never emptied, half-overwritten or mixed with another run's
// rows (two `step 0` rows from two runs, an old summary.json beside new metrics).
//
//   • The destination must be absent, an empty folder, or — with --force — a folder to replace as a whole.
//   • A run that completes replaces the destination (the old folder is removed only after the new one is in).
//   • A run that fails goes into place only where nothing was there; over an existing folder it is kept
//     beside it (DEST.failed-<time>) and the existing folder stays exactly as it was.

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { type MarginError, type Result, fail, ok } from '../errors.js';

export interface RunFolder {
  /** Where the run belongs. */
  readonly dest: string;
  /** Where it is written while it runs. */
  readonly staging: string;
  /** The destination held files before this run (it was allowed by --force). */
  readonly replaces: boolean;
}

const outError = (dest: string, message: string, hint?: string): MarginError => ({ code: 'E_FILE', message, at: { slot: '--out', file: dest }, hint });

/** Checks the destination and makes the staging folder beside it; nothing in the destination is touched. */
export function prepareRunFolder(destPath: string, o: { force?: boolean } = {}): Result<RunFolder> {
  const dest = resolve(destPath);
  let replaces = false;
  if (existsSync(dest)) {
    if (!statSync(dest).isDirectory()) return fail(outError(destPath, `'${destPath}' exists and is not a folder`, 'give --out a folder to create, or an empty one'));
    const entries = readdirSync(dest);
    if (entries.length > 0) {
      if (!o.force) {
        return fail(outError(destPath, `'${destPath}' is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); a run is never written over another`,
          'choose another --out, or pass --force to replace that folder as a whole once the new run completes'));
      }
      replaces = true;
    }
  }
  const parent = dirname(dest);
  try {
    mkdirSync(parent, { recursive: true });
    const staging = join(parent, `.${basename(dest)}.partial-${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`);
    mkdirSync(staging);
    return ok({ dest, staging, replaces });
  } catch (e) {
    return fail(outError(destPath, `cannot create a run folder beside '${destPath}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`));
  }
}

export interface Placed {
  /** Where the run's files are now. */
  readonly dir: string;
  /** Set when a failed run was kept beside the destination, which was left as it was. */
  readonly keptAside: boolean;
}

/** Moves the run into place (see the header for which way a failed run goes). */
export function placeRunFolder(f: RunFolder, complete: boolean): Placed {
  const occupied = existsSync(f.dest) && readdirSync(f.dest).length > 0;
  if (!complete && occupied) {
    const aside = `${f.dest}.failed-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(f.staging, aside);
    return { dir: aside, keptAside: true };
  }
  if (!existsSync(f.dest)) {
    renameSync(f.staging, f.dest);
  } else if (!occupied) {
    rmSync(f.dest, { recursive: true, force: true });
    renameSync(f.staging, f.dest);
  } else {
    // Replace as a whole: the old folder moves aside first, then the new one takes its name, then the old goes.
    const old = join(dirname(f.dest), `.${basename(f.dest)}.old-${process.pid}-${Date.now().toString(36)}`);
    renameSync(f.dest, old);
    renameSync(f.staging, f.dest);
    rmSync(old, { recursive: true, force: true });
  }
  return { dir: f.dest, keptAside: false };
}

/** A folder that was prepared but never used (the run did not start): removed, the destination untouched. */
export function discardRunFolder(f: RunFolder): void {
  rmSync(f.staging, { recursive: true, force: true });
}
