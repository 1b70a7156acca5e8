// Whole-process wall time, the way a user pays it: a fresh process per call (spawned from a clean
// environment, so no loader of the benchmark's own runner leaks into it), output discarded, one untimed
// warm-up call (the OS's file cache; `warmups`), then the median of `runs`. Shared by bench:cold and bench:derive.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Timed { readonly medianMs: number; readonly runsMs: readonly number[] }

export const median = (xs: readonly number[]) => { const s = [...xs].sort((p, q) => p - q); return s[Math.floor(s.length / 2)]; };

/** The environment a user's shell gives: PATH and HOME, none of the runner's NODE_OPTIONS. */
function cleanEnv(): NodeJS.ProcessEnv {
  const { PATH, HOME, LANG, TMPDIR } = process.env;
  return Object.fromEntries(Object.entries({ PATH, HOME, LANG, TMPDIR }).filter(([, v]) => v !== undefined));
}

/** Time `file args…`; a call that fails (non-zero exit, signal) throws, with its stderr: no number for a failed run. */
export function wallTime(file: string, args: readonly string[], o: { runs?: number; warmups?: number; input?: string; cwd?: string } = {}): Timed {
  const once = () => {
    const t = performance.now();
    const r = spawnSync(file, args, { input: o.input, cwd: o.cwd, env: cleanEnv(), stdio: [o.input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'], encoding: 'utf8' });
    const ms = performance.now() - t;
    if (r.error || r.status !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}): ${String(r.stderr).slice(0, 500)}`);
    return ms;
  };
  for (let i = 0; i < (o.warmups ?? 1); i++) once();
  const runsMs = Array.from({ length: o.runs ?? 5 }, once);
  return { medianMs: median(runsMs), runsMs };
}

export interface Timing { readonly file: string; readonly args: readonly string[]; readonly input?: string }

/**
 * Several commands timed in rounds — one call of each per round, in turn — so that a machine whose speed
 * drifts (a shared one) slows every command alike and ratios taken in the run stay fair; one untimed round
 * first, then the median of `runs` per command.
 */
export function interleavedWallTimes(ts: readonly Timing[], o: { runs?: number } = {}): Timed[] {
  const timed = ts.map(() => [] as number[]);
  for (let round = -1; round < (o.runs ?? 5); round++) {
    ts.forEach((t, i) => {
      const one = wallTime(t.file, t.args, { runs: 1, warmups: 0, input: t.input }).medianMs;
      if (round >= 0) timed[i].push(one);
    });
  }
  return timed.map((runsMs) => ({ medianMs: median(runsMs), runsMs }));
}

/** The bin as a user runs it: by its shebang, from the repository root (dist/ must be built). */
export const MARGINLAB_BIN = new URL('../../bin/marginlab.js', import.meta.url).pathname;

/** Refuse to time a stale build: a figure for yesterday's dist/ is not a figure for today's src/. */
export function assertFreshBuild(): void {
  const root = new URL('../../', import.meta.url).pathname;
  const newest = (dir: string): number => readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile()).reduce((m, d) => Math.max(m, statSync(join(d.parentPath, d.name)).mtimeMs), 0);
  const built = join(root, 'dist/cli/main.js');
  if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` first');
  if (newest(join(root, 'src')) > statSync(built).mtimeMs) throw new Error('dist/ is older than src/: run `npm run build` first');
}
