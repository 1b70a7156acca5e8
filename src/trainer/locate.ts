// Where the reference trainer lives: next to this module in src/ (tsx, tests) or, from dist/trainer/,
// back in src/trainer/python (tsc does not copy .py files).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DEFAULT_PYTHON = '/usr/bin/python3';

export function referenceTrainerPath(): string {
  const candidates = [
    new URL('./python/marginlab_trainer.py', import.meta.url),
    new URL('../../src/trainer/python/marginlab_trainer.py', import.meta.url),
  ].map((u) => fileURLToPath(u));
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

/** The Python of a TRL run when --python is not given: $MARGINLAB_HF_PYTHON, else the .venv-hf the test command
 * builds at the repository root, else the default. */
export function hfPython(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MARGINLAB_HF_PYTHON) return env.MARGINLAB_HF_PYTHON;
  const venv = fileURLToPath(new URL('../../.venv-hf/bin/python', import.meta.url));
  return existsSync(venv) ? venv : DEFAULT_PYTHON;
}
