// The layers ARCHITECTURE.md draws, checked against the imports: every relative import in src/ goes to the
// module's own room or to one the drawing puts below it. A new upward or sideways import fails here first.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Each room and the rooms it may import (errors.ts and util/ are the ground floor). */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  errors: ['util'],
  util: [],
  expr: ['errors', 'util'],
  loss: ['errors', 'util', 'expr'],
  symbolic: ['errors', 'util', 'expr', 'loss'],
  numeric: ['errors', 'util', 'expr', 'loss', 'symbolic'],
  trainer: ['errors', 'util', 'expr', 'loss', 'symbolic'],
  fuzz: ['errors', 'util', 'expr', 'loss', 'symbolic'],
  claims: ['errors', 'util', 'expr', 'loss', 'symbolic', 'numeric'],
  report: ['errors', 'util', 'expr', 'loss', 'symbolic', 'numeric', 'trainer', 'fuzz', 'claims'],
  cli: ['errors', 'util', 'expr', 'loss', 'symbolic', 'numeric', 'trainer', 'fuzz', 'claims', 'report'],
};

const roomOf = (path: string): string => relative('src', path).split(/[\\/]/)[0].replace(/\.[jt]s$/, '');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every relative import of every source file, as [file, its room, the imported room]. */
function imports(): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const file of sources('src')) {
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)) {
      const target = normalize(join(dirname(file), m[1]));
      if (!target.startsWith('src')) continue;
      const from = roomOf(file), to = roomOf(target);
      if (from !== to) out.push([file, from, to]);
    }
  }
  return out;
}

const wrongImports = (list: readonly [string, string, string][]): string[] =>
  list.filter(([, from, to]) => !MAY_IMPORT[from]?.includes(to)).map(([f, , to]) => `${f} imports ${to}`);

describe('the house', () => {
  const all = imports();
  it('every room of src/ is on the drawing', () => {
    const rooms = new Set(readdirSync('src').map((f) => f.replace(/\.ts$/, '')).filter((f) => !f.endsWith('.d')));
    expect([...rooms].filter((r) => !(r in MAY_IMPORT))).toEqual([]);
  });
  it('imports go down, never up or sideways', () => {
    expect(all.length).toBeGreaterThan(100);
    expect(wrongImports(all)).toEqual([]);
  });
  it('the check sees an upward and a sideways import', () => {
    expect(wrongImports([['src/expr/x.ts', 'expr', 'loss'], ['src/trainer/y.ts', 'trainer', 'numeric'], ['src/cli/z.ts', 'cli', 'report']]))
      .toEqual(['src/expr/x.ts imports loss', 'src/trainer/y.ts imports numeric']);
  });
});
