// The literature losses of test/fixtures/literature/ (EXO, DiscoPOP, AlphaPO, …) as checked specs: the
// long formulas a table has to set readably.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpecFile } from '../../src/loss/file.js';
import type { LossSpec } from '../../src/loss/types.js';

export const LITERATURE = join(import.meta.dirname, '..', 'fixtures', 'literature');

export async function literatureSpecs(): Promise<LossSpec[]> {
  const out: LossSpec[] = [];
  for (const f of readdirSync(LITERATURE).filter((x) => x.endsWith('.yaml')).sort()) {
    const r = await loadSpecFile(join(LITERATURE, f));
    if (!r.ok) throw new Error(`${f}: ${r.errors[0].message}`);
    out.push(r.value);
  }
  return out;
}
