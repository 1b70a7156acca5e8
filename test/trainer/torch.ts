// Every trainer suite needs a Python with torch. It is never skipped: without torch the suite fails and
// says how to install it (scripts/test-all.sh installs it on Debian).
import { spawnSync } from 'node:child_process';
import { referenceTrainerPath } from '../../src/trainer/locate.js';

export const PYTHON = process.env.MARGINLAB_PYTHON ?? '/usr/bin/python3';
export const TRAINER = referenceTrainerPath();

export function requireTorch(): void {
  const r = spawnSync(PYTHON, ['-c', 'import torch, functorch'], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`the trainer tests need torch in ${PYTHON} (MARGINLAB_PYTHON overrides): ` +
      'apt-get install -y --no-install-recommends python3-torch libopenblas0-pthread\n' + (r.stderr ?? String(r.error)));
  }
}

export function runPython(args: readonly string[], input: string): string {
  const r = spawnSync(PYTHON, [TRAINER, ...args], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`trainer ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}
