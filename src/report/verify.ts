// `marginlab verify` as text and JSON: a pass/fail table, each check's details, and the backend notes.

import type { Verdict } from '../numeric/verdict.js';
import type { ComparedVerdict } from '../numeric/webgpu/index.js';
import type { VerifyRun } from '../numeric/verify.js';

export const VERIFY_SCHEMA = 'marginlab/verify@1';

const precisionOf = (v: Verdict) => (v as Partial<ComparedVerdict>).precision;
/** A check passes when its mathematics is not refuted and no WebGPU result broke its f32 bound. */
export const passes = (v: Verdict) => v.status !== 'refuted' && (precisionOf(v)?.violations ?? 0) === 0;

function f32Cell(v: Verdict): string {
  const p = precisionOf(v);
  if (!p) return '-';
  if (p.violations > 0) return `WRONG (${p.violations})`;
  return `${p.tooCoarse ? 'too coarse' : 'ok'} ${p.worstRatio.toFixed(2)}`;
}

function table(rows: readonly Verdict[]): string {
  const gpu = rows.some((v) => precisionOf(v));
  const head = ['check', 'result', 'status', 'samples', 'max rel err', ...(gpu ? ['f32 (err/bound)'] : []), 'seconds'];
  const body = rows.map((v) => [v.id, passes(v) ? 'pass' : 'FAIL', v.status, String(v.evidence.samples),
    v.evidence.maxRelError.toExponential(1), ...(gpu ? [f32Cell(v)] : []), (v.seconds ?? 0).toFixed(2)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

function details(v: Verdict): string {
  const lines = [`${v.id}: ${v.summary}`];
  if (v.assumption) lines.push(`  assumption: ${v.assumption}`);
  for (const n of v.evidence.notes ?? []) lines.push(`  - ${n}`);
  const p = precisionOf(v);
  if (p) lines.push(`  f32 on ${p.adapter}: ${p.note}`);
  if (v.status === 'refuted' && v.evidence.worst) lines.push(`  counterexample: ${JSON.stringify(v.evidence.worst)}`);
  return lines.join('\n');
}

export function verifyJson(r: VerifyRun) {
  return { schema: VERIFY_SCHEMA, backend: r.backend, adapter: r.adapter, note: r.notes.join('; ') || undefined, seed: r.seed, passed: r.verdicts.every(passes), verdicts: r.verdicts };
}

export function verifyText(r: VerifyRun): string {
  const failed = r.verdicts.filter((v) => !passes(v)).length;
  return [
    table(r.verdicts), '',
    r.verdicts.map(details).join('\n\n'), '',
    ...(r.notes.length ? [r.notes.map((n) => `note: ${n}`).join('\n')] : []),
    failed === 0 ? `all ${r.verdicts.length} checks passed` : `${failed} of ${r.verdicts.length} checks FAILED`,
  ].join('\n');
}
