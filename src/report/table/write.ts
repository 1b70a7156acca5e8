// Writing a table's files so that a failure leaves nothing half-written: every file goes to a temporary
// name in its own folder first and is renamed into place only once all of them were written.

import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function writeAllAtomic(root: string, files: ReadonlyMap<string, string | Buffer>): void {
  const staged: [string, string][] = [];
  try {
    for (const [rel, content] of files) {
      const target = join(root, rel);
      mkdirSync(dirname(target), { recursive: true });
      const tmp = `${target}.tmp-${process.pid}`;
      writeFileSync(tmp, content);
      staged.push([tmp, target]);
    }
  } catch (e) {
    for (const [tmp] of staged) rmSync(tmp, { force: true });
    throw e;
  }
  for (const [tmp, target] of staged) renameSync(tmp, target);
}
