import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findEntry } from '../../src/loss/catalogue/index.js';
import { checkLoss } from '../../src/loss/check.js';
import { fromCatalogue, inlineLoss } from '../../src/loss/file.js';
import type { LossSpec } from '../../src/loss/types.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { runTraining, type RunOptions } from '../../src/trainer/client.js';
import { DEFAULT_SETTINGS, type RunSettings } from '../../src/trainer/request.js';
import { PYTHON } from './torch.js';

export const tmp = (name: string): string => mkdtempSync(join(tmpdir(), `marginlab-${name}-`));

export function catalogueSpec(id: string): LossSpec {
  const r = checkLoss(fromCatalogue(findEntry(id)!));
  if (!r.ok) throw new Error(id);
  return r.value;
}

export function inline(i: Parameters<typeof inlineLoss>[0]): LossSpec {
  const r = inlineLoss(i);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

/** A small run: few SFT steps and a small learning rate, so one run takes seconds on two cores. */
export function train(spec: LossSpec, settings: Partial<RunSettings> & Pick<RunSettings, 'task'>, extra: Partial<RunOptions> = {}) {
  return runTraining({
    derivation: mustDerive(spec), outDir: tmp(spec.source.id), python: PYTHON, timeoutMs: 60_000,
    settings: { ...DEFAULT_SETTINGS, steps: 24, lr: 0.01, sftSteps: 60, batchSize: 8, tokenCosine: false, ...settings },
    ...extra,
  });
}
