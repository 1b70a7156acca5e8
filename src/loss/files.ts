// Reading a file a user named, safely: only a regular file (after symlinks) is read, and only up to a
// size cap. `readFileSync` of anything would hang on /dev/zero, /dev/urandom or a FIFO with no writer, and
// fill memory on a huge file. The file is opened non-blocking (so a FIFO does not block the open) and
// checked with fstat on the open descriptor (so what is checked is what is read).

import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { type MarginError, type Result, fail, ok } from '../errors.js';

/** Spec files and claims files: a loss is a few hundred bytes, and each expression is capped at 4000 characters. */
export const MAX_SPEC_BYTES = 1024 * 1024;

const KIND: ReadonlyArray<[string, (s: ReturnType<typeof fstatSync>) => boolean]> = [
  ['a directory', (s) => s.isDirectory()], ['a character device', (s) => s.isCharacterDevice()],
  ['a block device', (s) => s.isBlockDevice()], ['a FIFO (named pipe)', (s) => s.isFIFO()], ['a socket', (s) => s.isSocket()],
];

const fileError = (path: string, message: string, hint?: string): MarginError => ({ code: 'E_FILE', message, at: { file: path }, hint });

/** A descriptor of a regular file, or E_FILE saying what the path is instead. */
export function openRegular(path: string, what = 'file'): Result<number> {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return fail(fileError(path, `cannot read the ${what} '${path}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`));
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    const kind = KIND.find(([, is]) => is(st))?.[0] ?? 'not a regular file';
    return fail(fileError(path, `the ${what} '${path}' is ${kind}, not a regular file`, 'name a regular file (a symlink is followed to what it points at)'));
  }
  return ok(fd);
}

/** Reads from fd until EOF or until more than maxBytes came (procfs files report size 0, so size is not trusted). */
function readCapped(fd: number, maxBytes: number): Buffer | undefined {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) return Buffer.concat(chunks, total);
    total += n;
    if (total > maxBytes) return undefined;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
}

/** The UTF-8 text of a regular file of at most maxBytes; E_FILE otherwise. */
export function readTextFile(path: string, o: { what?: string; maxBytes?: number } = {}): Result<string> {
  const what = o.what ?? 'file';
  const maxBytes = o.maxBytes ?? MAX_SPEC_BYTES;
  const fd = openRegular(path, what);
  if (!fd.ok) return fd;
  try {
    if (fstatSync(fd.value).size > maxBytes) return fail(tooLarge(path, what, maxBytes));
    const bytes = readCapped(fd.value, maxBytes);
    if (!bytes) return fail(tooLarge(path, what, maxBytes));
    if (bytes.includes(0)) return fail(fileError(path, `the ${what} '${path}' is binary (it contains NUL bytes), not text`));
    try {
      return ok(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      return fail(fileError(path, `the ${what} '${path}' is not UTF-8 text`));
    }
  } catch (e) {
    return fail(fileError(path, `cannot read the ${what} '${path}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`));
  } finally {
    closeSync(fd.value);
  }
}

const tooLarge = (path: string, what: string, maxBytes: number): MarginError =>
  fileError(path, `the ${what} '${path}' is larger than ${maxBytes.toLocaleString('en')} bytes`, `a ${what} is small text; is this the right file?`);

/**
 * Each line of a regular text file, read in chunks (event logs can be large), with 1-based line numbers.
 * A line longer than maxLineBytes is E_FILE: no trainer prints one, and a file without newlines (a
 * device's output copied to disk) must not be read into one string.
 */
export function forEachLine(path: string, what: string, maxLineBytes: number, visit: (line: string, lineNo: number) => boolean): Result<number> {
  const fd = openRegular(path, what);
  if (!fd.ok) return fd;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const buf = Buffer.allocUnsafe(256 * 1024);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineNo = 0;
  const emit = (bytes: Buffer): boolean => {
    lineNo++;
    return visit(decoder.decode(bytes), lineNo);
  };
  try {
    for (;;) {
      const n = readSync(fd.value, buf, 0, buf.length, null);
      if (n === 0) break;
      let start = 0;
      for (let i = 0; i < n; i++) {
        if (buf[i] !== 10) continue;
        const part = buf.subarray(start, i);
        const line = pending.length ? Buffer.concat([...pending, part]) : part;
        pending = []; pendingBytes = 0;
        start = i + 1;
        if (!emit(line)) return ok(lineNo);
      }
      if (start < n) {
        pending.push(Buffer.from(buf.subarray(start, n)));
        pendingBytes += n - start;
        if (pendingBytes > maxLineBytes) return fail(fileError(path, `line ${lineNo + 1} of the ${what} '${path}' is longer than ${maxLineBytes.toLocaleString('en')} bytes`));
      }
    }
    if (pendingBytes > 0) emit(Buffer.concat(pending));
    return ok(lineNo);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(fileError(path, code ? `cannot read the ${what} '${path}': ${code}` : `line ${lineNo + 1} of the ${what} '${path}' is not UTF-8 text`));
  } finally {
    closeSync(fd.value);
  }
}
