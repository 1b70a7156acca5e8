// Issue 9's remedies experiment, aggregated: from each run's summary.json the numbers the issue asks for
// (held-out Δlog π_w, Δlog π_l, reward margin, preference accuracy, case-1 share, cost per step), and per
// config × task their mean ± sd over seeds. Pure: run records in, numbers and a Markdown table out; the
// runner (scripts/remedies-experiment.ts) does the training and the files.

import type { Variant } from './protocol/schema.js';
import type { RunSummary } from './summary.js';

export const EXPERIMENT_SCHEMA = 'marginlab/remedies-experiment@1';
export const EXPERIMENT_RUN_SCHEMA = 'marginlab/remedies-run@1';

/** One trained configuration: a catalogue loss, trained as it is or with a variant (docs/remedies.md). */
export interface ExperimentConfig {
  readonly id: string;
  readonly loss: string;
  readonly variant: Variant;
}

/** What the runner keeps of one run: which cell and seed, and the parts of summary.json aggregated here. */
export interface ExperimentRun {
  readonly config: string;
  readonly task: string;
  readonly seed: number;
  readonly summary: Pick<RunSummary, 'status' | 'heldout' | 'case1Share' | 'case1ObsShare' | 'stepSeconds'>;
}

/** The per-run numbers. Δ's are held-out means over whole responses, end minus start (step 0 is after SFT). */
export interface RunMeasures {
  readonly dLogpW: number | null;
  readonly dLogpL: number | null;
  /** Final held-out implicit reward margin, mean over pairs of (log π − log π_ref)_w − (…)_l. */
  readonly rewardMargin: number | null;
  readonly prefAccStart: number | null;
  readonly prefAccEnd: number | null;
  readonly rewardAccEnd: number | null;
  readonly case1Share: number | null;
  readonly case1ObsShare: number | null;
  readonly stepSeconds: number | null;
}

export const PAIRED = ['dLogpW', 'dLogpL', 'rewardMargin', 'prefAccEnd'] as const satisfies readonly (keyof RunMeasures)[];
export type PairedMeasure = (typeof PAIRED)[number];

export const MEASURES = ['dLogpW', 'dLogpL', 'rewardMargin', 'prefAccStart', 'prefAccEnd', 'rewardAccEnd',
  'case1Share', 'case1ObsShare', 'stepSeconds'] as const satisfies readonly (keyof RunMeasures)[];

/** Mean and sample standard deviation (n − 1) of the known values; sd is null below two values. */
export interface Stat {
  readonly mean: number | null;
  readonly sd: number | null;
  readonly n: number;
}

export interface Cell {
  readonly config: string;
  readonly task: string;
  readonly seeds: readonly number[];
  /** Runs that ended with an error; their numbers are left out (a failed run has no final held-out eval). */
  readonly failed: number;
  readonly stats: Readonly<Record<keyof RunMeasures, Stat>>;
  /** The config it is paired with (`reference`), and mean ± sd over seeds of this config's number minus the
   * reference's on the same task and seed (same data, SFT reference and batch order), so that the seed-to-seed
   * spread of how far training gets cancels. null for a config that is its own reference. */
  readonly reference: string | null;
  readonly paired: Readonly<Record<PairedMeasure, Stat>> | null;
  /** Mean step seconds over the baseline config's mean on the same task (1 for the baseline itself; null
   * where either is unknown). */
  readonly stepSecondsRatio: number | null;
}

export interface CostRow {
  readonly config: string;
  /** Every successful run of the config, all tasks pooled. */
  readonly stepSeconds: Stat;
  readonly ratio: number | null;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

export function meanSd(xs: readonly (number | null | undefined)[]): Stat {
  const v = xs.filter(finite);
  const n = v.length;
  if (n === 0) return { mean: null, sd: null, n: 0 };
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const sd = n < 2 ? null : Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  return { mean, sd, n };
}

export function runMeasures(s: ExperimentRun['summary']): RunMeasures {
  const h = s.status === 'ok' ? s.heldout : null;
  // A run without a later evaluation has no end to measure (summary.ts: heldout.end is null then).
  const end = h?.end ?? null;
  return {
    dLogpW: h && end ? end.logp_w - h.start.logp_w : null,
    dLogpL: h && end ? end.logp_l - h.start.logp_l : null,
    rewardMargin: end ? end.reward_margin : null,
    prefAccStart: h ? h.start.pref_acc : null,
    prefAccEnd: end ? end.pref_acc : null,
    rewardAccEnd: end ? end.reward_acc : null,
    case1Share: s.status === 'ok' ? s.case1Share : null,
    case1ObsShare: s.status === 'ok' ? s.case1ObsShare : null,
    stepSeconds: s.status === 'ok' ? s.stepSeconds : null,
  };
}

const ratio = (a: number | null, b: number | null): number | null => (a !== null && b !== null && b > 0 ? a / b : null);

/** Cells in the order of `configs` × `tasks` (configs outer); the cost ratio is against `baseline`, and each
 * config is paired with `references[config]` (default: the baseline). */
export function aggregate(runs: readonly ExperimentRun[], configs: readonly string[], tasks: readonly string[],
  baseline = configs[0], references: Readonly<Record<string, string>> = {}): { cells: Cell[]; cost: CostRow[] } {
  const of = (config: string, task?: string) => runs.filter((r) => r.config === config && (task === undefined || r.task === task));
  const statsOf = (rs: readonly ExperimentRun[]) => {
    const m = rs.map((r) => runMeasures(r.summary));
    return Object.fromEntries(MEASURES.map((k) => [k, meanSd(m.map((x) => x[k]))])) as Record<keyof RunMeasures, Stat>;
  };
  const base = new Map(tasks.map((t) => [t, statsOf(of(baseline, t)).stepSeconds.mean]));
  const pairedOf = (rs: readonly ExperimentRun[], reference: string) => {
    const diffs = rs.map((r) => {
      const b = runs.find((x) => x.config === reference && x.task === r.task && x.seed === r.seed);
      const m = runMeasures(r.summary), mb = b ? runMeasures(b.summary) : null;
      return (k: PairedMeasure) => (mb && m[k] !== null && mb[k] !== null ? m[k]! - mb[k]! : null);
    });
    return Object.fromEntries(PAIRED.map((k) => [k, meanSd(diffs.map((d) => d(k)))])) as Record<PairedMeasure, Stat>;
  };
  const cells: Cell[] = [];
  for (const config of configs) {
    for (const task of tasks) {
      const rs = of(config, task);
      if (rs.length === 0) continue;
      const stats = statsOf(rs);
      const reference = (references[config] ?? baseline) === config ? null : references[config] ?? baseline;
      cells.push({ config, task, seeds: rs.map((r) => r.seed).sort((a, b) => a - b), failed: rs.filter((r) => r.summary.status !== 'ok').length,
        stats, reference, paired: reference === null ? null : pairedOf(rs, reference), stepSecondsRatio: ratio(stats.stepSeconds.mean, base.get(task) ?? null) });
    }
  }
  const pooled = (config: string) => meanSd(of(config).map((r) => runMeasures(r.summary).stepSeconds));
  const b = pooled(baseline).mean;
  const cost = configs.filter((c) => of(c).length > 0).map((config) => {
    const st = pooled(config);
    return { config, stepSeconds: st, ratio: ratio(st.mean, b) };
  });
  return { cells, cost };
}

const num = (x: number, digits: number): string => {
  const s = x.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s.replace(/^-/, '−');
};

/** "mean ± sd" (sd left off below two runs), "n/a" when nothing is known. */
export function formatStat(s: Stat, digits = 2, scale = 1): string {
  if (s.mean === null) return 'n/a';
  return s.sd === null ? num(scale * s.mean, digits) : `${num(scale * s.mean, digits)} ± ${num(scale * s.sd, digits)}`;
}

/** The Markdown table of docs/findings.md: one row per config × task. */
export function markdownTable(cells: readonly Cell[]): string {
  const head = ['config', 'task', 'Δlog π_w', 'Δlog π_l', 'reward margin (end)', 'pref. acc. start → end (%)',
    'case-1 steps (%)', 'paired with', 'Δlog π_w − its (paired)', 'margin − its (paired)', 'ms / step (grid)'];
  const rows = cells.map((c) => {
    const s = c.stats;
    const fail = c.failed ? ` (${c.failed} failed)` : '';
    return [c.config, `${c.task}${fail}`, formatStat(s.dLogpW), formatStat(s.dLogpL), formatStat(s.rewardMargin),
      `${formatStat(s.prefAccStart, 0, 100)} → ${formatStat(s.prefAccEnd, 0, 100)}`, formatStat(s.case1Share, 0, 100),
      c.reference ?? '—', c.paired ? formatStat(c.paired.dLogpW) : '—', c.paired ? formatStat(c.paired.rewardMargin) : '—', formatStat(s.stepSeconds, 1, 1000)];
  });
  return markdown(head, rows);
}

const markdown = (head: readonly string[], rows: readonly (readonly string[])[]): string =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/** One timed repetition of a config: wall seconds per step of the preference-optimisation loop, as the
 * trainer reports them (summary.stepSeconds). */
export interface TimingRun {
  readonly config: string;
  readonly logEvery: number;
  readonly rep: number;
  readonly stepSeconds: number | null;
}

export interface TimingRow {
  readonly config: string;
  readonly logEvery: number;
  readonly n: number;
  /** Best (smallest) of the repetitions: load from other processes only ever adds time. */
  readonly best: number | null;
  readonly median: number | null;
  /** best over the baseline's best at the same logEvery. */
  readonly ratio: number | null;
}

const median = (v: readonly number[]): number | null => {
  if (!v.length) return null;
  const s = [...v].sort((a, b) => a - b), h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

const least = (v: readonly number[]): number | null => (v.length ? Math.min(...v) : null);

/** Rows config by config within each logEvery (in the order first seen). */
export function timingTable(runs: readonly TimingRun[], configs: readonly string[], baseline = configs[0]): TimingRow[] {
  const everies = [...new Set(runs.map((r) => r.logEvery))];
  const out: TimingRow[] = [];
  for (const logEvery of everies) {
    const of = (c: string) => runs.filter((r) => r.config === c && r.logEvery === logEvery);
    const wall = (c: string) => of(c).map((r) => r.stepSeconds).filter(finite);
    const b = least(wall(baseline));
    for (const config of configs) {
      if (of(config).length === 0) continue;
      const t = wall(config);
      out.push({ config, logEvery, n: t.length, best: least(t), median: median(t), ratio: ratio(least(t), b) });
    }
  }
  return out;
}

/** The cost table: one row per config and measuring interval, ms per step (best and median of n) and the
 * best's ratio to the baseline's. */
export function timingMarkdown(rows: readonly TimingRow[]): string {
  const head = ['config', 'measuring every', 'ms / step, best of n', 'median', 'best vs baseline'];
  const ms = (x: number | null) => (x === null ? 'n/a' : (1000 * x).toFixed(1));
  return markdown(head, rows.map((r) => [r.config, `${r.logEvery} steps`, `${ms(r.best)} (n = ${r.n})`, ms(r.median),
    r.ratio === null ? 'n/a' : `${r.ratio.toFixed(2)}×`]));
}
