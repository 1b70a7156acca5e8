// The run folder's life: checked before anything runs, written beside its destination, moved into place
// at the end — a failed run never touches an existing folder (run-folder.ts). Pure file-system tests.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mustDerive } from '../../src/symbolic/derive.js';
import { ingestEvents } from '../../src/trainer/ingest.js';
import { placeRunFolder, prepareRunFolder } from '../../src/trainer/run-folder.js';
import { catalogueSpec, tmp } from './helpers.js';

const filled = (name: string): string => {
  const d = join(tmp('run-folder'), name);
  mkdirSync(d);
  writeFileSync(join(d, 'metrics.jsonl'), '{"step":0}\n');
  return d;
};
const siblings = (d: string) => readdirSync(dirname(d)).filter((f) => f !== basename(d)).sort();

describe('prepareRunFolder', () => {
  it('accepts an absent or empty destination; refuses a file, and a non-empty folder without force', () => {
    const base = tmp('run-folder');
    expect(prepareRunFolder(base).ok).toBe(true);
    expect(prepareRunFolder(join(base, 'new', 'run')).ok).toBe(true);
    writeFileSync(join(base, 'file'), 'x');
    expect(prepareRunFolder(join(base, 'file'))).toFailWith('E_FILE', { slot: '--out' });
    const full = filled('full');
    expect(prepareRunFolder(full)).toFailWith('E_FILE', { slot: '--out', file: full });
    expect(siblings(full)).toEqual([]);
    const forced = prepareRunFolder(full, { force: true });
    expect(forced.ok && forced.value.replaces).toBe(true);
  });
});

describe('placeRunFolder', () => {
  it('a complete run replaces the destination as a whole', () => {
    const dest = filled('replace');
    writeFileSync(join(dest, 'old-only.txt'), 'x');
    const f = prepareRunFolder(dest, { force: true });
    if (!f.ok) throw new Error('prepare');
    writeFileSync(join(f.value.staging, 'metrics.jsonl'), '{"step":7}\n');
    expect(placeRunFolder(f.value, true)).toEqual({ dir: dest, keptAside: false });
    expect(readdirSync(dest)).toEqual(['metrics.jsonl']);
    expect(readFileSync(join(dest, 'metrics.jsonl'), 'utf8')).toBe('{"step":7}\n');
    expect(siblings(dest)).toEqual([]);
  });
  it('a failed run over an existing folder is kept beside it; into a new folder it goes into place', () => {
    const dest = filled('failed');
    const f = prepareRunFolder(dest, { force: true });
    if (!f.ok) throw new Error('prepare');
    writeFileSync(join(f.value.staging, 'metrics.jsonl'), '{"step":1}\n');
    const p = placeRunFolder(f.value, false);
    expect(p.keptAside).toBe(true);
    expect(readFileSync(join(dest, 'metrics.jsonl'), 'utf8')).toBe('{"step":0}\n');
    expect(readFileSync(join(p.dir, 'metrics.jsonl'), 'utf8')).toBe('{"step":1}\n');
    const fresh = join(tmp('run-folder'), 'fresh');
    const g = prepareRunFolder(fresh);
    if (!g.ok) throw new Error('prepare');
    expect(placeRunFolder(g.value, false)).toEqual({ dir: fresh, keptAside: false });
  });
});

describe('ingestEvents (the library) checks its input before it makes a folder', () => {
  it('a file without one protocol event (a spec, a log) is E_PROTOCOL, and no run folder is left', () => {
    const base = tmp('run-folder');
    const file = join(base, 'not-events.jsonl');
    writeFileSync(file, 'name: a spec\nm: a\nUserWarning: x\n');
    const dest = join(base, 'run');
    const r = ingestEvents(file, mustDerive(catalogueSpec('dpo')), null, dest);
    expect(r.error).toMatchObject({ code: 'E_PROTOCOL', at: { file } });
    expect(r.error!.message).toMatch(/holds no trainer event \(3 lines, none a protocol line\)/);
    expect(readdirSync(base)).toEqual(['not-events.jsonl']);
  });
  it.each(['/nonexistent/events.jsonl', '/dev/zero', '/'])('%s: E_FILE, nothing written anywhere', (events) => {
    const dest = filled('kept');
    const r = ingestEvents(events, mustDerive(catalogueSpec('dpo')), null, dest, { force: true });
    expect(r.error?.code).toBe('E_FILE');
    expect(readdirSync(dest)).toEqual(['metrics.jsonl']);
    expect(readFileSync(join(dest, 'metrics.jsonl'), 'utf8')).toBe('{"step":0}\n');
    expect(siblings(dest)).toEqual([]);
    expect(existsSync(r.summaryPath)).toBe(false);
  });
});
