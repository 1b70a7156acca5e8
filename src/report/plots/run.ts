// Reading a run directory written by `marginlab train`: metrics.jsonl (required), summary.json and
// token_cosine.jsonl (optional). Errors are values with a code and the path, never a throw.

import { existsSync, statSync } from 'node:fs';
import { forEachLine, readTextFile } from '../../loss/files.js';
import { basename, join, resolve } from 'node:path';

export interface RunRow {
  readonly step: number;
  readonly logp_w: number;
  readonly logp_l: number;
  readonly full_logp_w?: number;
  readonly full_logp_l?: number;
  readonly cos_wl: number;
  readonly agree_rate: number;
  readonly ml_agree_rate: number | null;
}

export interface TokenCosine {
  readonly step: number;
  readonly tokens_w: readonly string[];
  readonly tokens_l: readonly string[];
  readonly cos: readonly (readonly number[])[];
}

export interface RunData {
  readonly dir: string;
  /** How the run is named in legends: "<loss> on <task>" from summary.json, else the directory's name. */
  readonly label: string;
  readonly rows: readonly RunRow[];
  readonly tokenCosine: readonly TokenCosine[];
  readonly agreement: number | null;
  readonly marginlabAgreement: number | null;
}

export type ReportErrorCode = 'E_RUN_DIR' | 'E_RUN_METRICS';
export interface ReportError { readonly code: ReportErrorCode; readonly message: string; readonly path: string }

/** A run file's JSON lines, read as a regular file line by line (never a device or a FIFO named metrics.jsonl). */
const parseLines = (path: string): { ok: true; value: Record<string, unknown>[] } | { ok: false; error: ReportError } => {
  const out: Record<string, unknown>[] = [];
  let bad: number | undefined;
  const read = forEachLine(path, 'run file', 64 * 1024 * 1024, (line, n) => {
    if (!line.trim()) return true;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
      return true;
    } catch {
      bad = n;
      return false;
    }
  });
  if (!read.ok) return { ok: false, error: { code: 'E_RUN_METRICS', path, message: read.errors[0].message } };
  if (bad !== undefined) return { ok: false, error: { code: 'E_RUN_METRICS', path, message: `${path} line ${bad} is not JSON` } };
  return { ok: true, value: out };
};

export function readRun(dir: string): { ok: true; value: RunData } | { ok: false; error: ReportError } {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) return { ok: false, error: { code: 'E_RUN_DIR', path: dir, message: `${dir} is not a directory` } };
  const metrics = join(abs, 'metrics.jsonl');
  if (!existsSync(metrics)) {
    return { ok: false, error: { code: 'E_RUN_DIR', path: dir, message: `${dir} has no metrics.jsonl; is it a run directory of \`marginlab train --out\`?` } };
  }
  const parsed = parseLines(metrics);
  if (!parsed.ok) return parsed;
  const rows = parsed.value;
  const bad = rows.findIndex((r) => typeof r.step !== 'number' || typeof r.logp_w !== 'number' || typeof r.logp_l !== 'number' || typeof r.cos_wl !== 'number');
  if (bad >= 0) return { ok: false, error: { code: 'E_RUN_METRICS', path: metrics, message: `${metrics} row ${bad + 1} lacks step, logp_w, logp_l or cos_wl` } };
  if (rows.length === 0) return { ok: false, error: { code: 'E_RUN_METRICS', path: metrics, message: `${metrics} has no rows: the run logged no step` } };
  let summary: Record<string, unknown> = {};
  const summaryText = existsSync(join(abs, 'summary.json')) ? readTextFile(join(abs, 'summary.json'), { what: 'summary' }) : undefined;
  try { if (summaryText?.ok) summary = JSON.parse(summaryText.value) as Record<string, unknown>; } catch { /* optional */ }
  const tcPath = join(abs, 'token_cosine.jsonl');
  const tc = existsSync(tcPath) ? parseLines(tcPath) : { ok: true as const, value: [] };
  if (!tc.ok) return tc;
  const variant = typeof summary.variant === 'string' && summary.variant !== 'none' ? ` (${summary.variant})` : '';
  const label = typeof summary.loss === 'string' && typeof summary.task === 'string' ? `${summary.loss} on ${summary.task}${variant}` : basename(abs);
  const num = (x: unknown): number | null => (typeof x === 'number' ? x : null);
  return { ok: true, value: {
    dir: abs, label, rows: rows as unknown as RunRow[], tokenCosine: tc.value as unknown as TokenCosine[],
    agreement: num(summary.agreement), marginlabAgreement: num(summary.marginlabAgreement),
  } };
}
