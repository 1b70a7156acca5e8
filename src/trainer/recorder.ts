// What a run leaves on disk, from the trainer's events: metrics.jsonl (one append per logged step, so a crash
// keeps everything before it), eval.jsonl, token_cosine.jsonl and summary.json, with the checksums of the
// generated loss against marginlab's derivation. The live client (client.ts) and `marginlab ingest` (events
// a trainer printed on another machine) feed the same recorder, so both give the same files.

import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileDerivation } from '../symbolic/point.js';
import { type CompiledRanked, compileRanked } from '../symbolic/ranked.js';
import { checkFirstBatch, checkProbes, type ChecksumReport } from './checksum.js';
import type { TrainerError } from './errors.js';
import { metricsRow, type MetricsRow } from './metrics.js';
import { Predictor } from './predict.js';
import type { EvalEvent, TrainerEvent, TrainerRequest } from './protocol/schema.js';
import { summarise, type RunSummary } from './summary.js';
import { type RankedRow, checkRankedWeights, rankedRow, summariseRanked } from './ranked-metrics.js';
import { type TrainedDerivation, isRanked } from './request.js';

export interface RunFiles {
  readonly metricsPath: string;
  readonly summaryPath: string;
}

export class Recorder {
  readonly rows: MetricsRow[] = [];
  /** The logged steps of a loss over K ranked responses (ranked_step events), in place of rows. */
  readonly rankedRows: RankedRow[] = [];
  readonly evals: EvalEvent[] = [];
  readonly files: RunFiles;
  hello: Record<string, unknown> | null = null;
  done = false;
  /** Whether any protocol event came at all (an events file of stray lines only is no run). */
  sawEvent = false;
  /** Lines on the trainer's stdout that were not protocol events: how many, and the first few. */
  readonly stray: { count: number; first: { line: number; text: string }[] } = { count: 0, first: [] };
  private stepSeconds: number | null = null;
  private checksum: { probes: number; probeMaxRelErr: number } | null = null;
  private firstBatch: { n: number; maxRelErr: number } | null = null;
  private readonly predictor: Predictor | null;
  private readonly ranked: CompiledRanked | null;
  private rankedCheck: { prompts: number; maxRelErr: number } | null = null;

  /** `checks`: the probe points the request carried (none for events whose request is unknown). */
  constructor(private readonly outDir: string, private readonly derivation: TrainedDerivation,
    private readonly checks: TrainerRequest['checks'] | null, private readonly tol: number) {
    mkdirSync(outDir, { recursive: true });
    this.files = { metricsPath: join(outDir, 'metrics.jsonl'), summaryPath: join(outDir, 'summary.json') };
    writeFileSync(this.files.metricsPath, '');
    this.predictor = isRanked(derivation) ? null : new Predictor(compileDerivation(derivation));
    this.ranked = isRanked(derivation) ? compileRanked(derivation) : null;
  }

  /** A line that is not a protocol event: counted (the summary reports it), never fatal. */
  strayLine(lineNo: number, text: string): void {
    this.stray.count++;
    if (this.stray.first.length < 3) this.stray.first.push({ line: lineNo, text });
  }

  /** Takes one event (line `lineNo` of the trainer's stdout); a checksum failure, a step repeated or out of
   * order, or an event after `done` comes back as the error that must end the run. */
  handle(ev: TrainerEvent, lineNo: number): TrainerError | null {
    this.sawEvent = true;
    const e = this.take(ev, lineNo);
    return e && !e.at ? { ...e, at: { slot: 'trainer stdout', line: lineNo } } : e;
  }

  private take(ev: TrainerEvent, lineNo: number): TrainerError | null {
    // A heartbeat may race the `done` line out of the trainer's heartbeat thread; it carries nothing.
    if (this.done && ev.event !== 'heartbeat') {
      return { code: 'E_PROTOCOL', message: `trainer line ${lineNo}: event '${ev.event}' after 'done'`, hint: 'a trainer prints nothing after done' };
    }
    switch (ev.event) {
      case 'hello': this.hello = ev; break;
      // A run whose steps another library takes says so in its task event (ml_trl: "trl 1.13.0"); the summary's
      // trainer record keeps it beside the hello.
      case 'task': if (typeof ev.engine === 'string') this.hello = { ...(this.hello ?? {}), engine: ev.engine }; break;
      case 'check': {
        if (!this.checks) break;
        const c = checkProbes(this.checks, ev.results, this.tol);
        if (!c.ok) return c.errors[0];
        this.checksum = { probes: ev.results.length, probeMaxRelErr: c.value.maxRelErr };
        break;
      }
      case 'step': {
        const last = this.rows[this.rows.length - 1];
        if (last && ev.step <= last.step) {
          return { code: 'E_PROTOCOL', message: `trainer line ${lineNo}: step ${ev.step} comes after step ${last.step} (${ev.step === last.step ? 'repeated' : 'out of order'}); each step is counted once` };
        }
        if (!this.predictor) return { code: 'E_PROTOCOL', message: `trainer line ${lineNo}: a pair step for a loss over ranked responses`, hint: 'a ranked loss is answered with ranked_step events' };
        const row = metricsRow(ev, this.predictor);
        if (this.rows.length === 0) {
          const c = checkFirstBatch(row.pairs, this.tol);
          if (!c.ok) return c.errors[0];
          this.firstBatch = c.value;
        }
        this.rows.push(row);
        appendFileSync(this.files.metricsPath, `${JSON.stringify(row)}\n`);
        break;
      }
      case 'ranked_step': {
        if (!this.ranked) return { code: 'E_PROTOCOL', message: `trainer line ${lineNo}: a ranked_step for a two-response loss`, hint: 'a two-response loss is answered with step events' };
        const last = this.rankedRows[this.rankedRows.length - 1];
        if (last && ev.step <= last.step) {
          return { code: 'E_PROTOCOL', message: `trainer line ${lineNo}: step ${ev.step} comes after step ${last.step} (${ev.step === last.step ? 'repeated' : 'out of order'}); each step is counted once` };
        }
        const K = this.ranked.derivation.K;
        const bad = ev.responses !== K || ev.prompts.some((p) => [p.logp, p.c_ref, p.len, p.d, p.pred_sign, p.fo, p.obs, p.gram_matrix].some((a) => a.length !== K) || p.gram_matrix.some((r) => r.length !== K));
        if (bad) return { code: 'E_PROTOCOL', message: `trainer line ${lineNo}: a ranked_step whose prompts do not all carry ${K} responses (and a ${K}×${K} Gram matrix)` };
        const row = rankedRow(ev, this.ranked);
        if (this.rankedRows.length === 0) {
          const c = checkRankedWeights(row, this.tol);
          if ('code' in c) return c;
          this.rankedCheck = { prompts: c.n, maxRelErr: c.maxRelErr };
        }
        this.rankedRows.push(row);
        appendFileSync(this.files.metricsPath, `${JSON.stringify(row)}\n`);
        break;
      }
      case 'eval':
        this.evals.push(ev);
        appendFileSync(join(this.outDir, 'eval.jsonl'), `${JSON.stringify(ev)}\n`);
        break;
      case 'token_cosine':
        appendFileSync(join(this.outDir, 'token_cosine.jsonl'), `${JSON.stringify(ev)}\n`);
        break;
      case 'done':
        this.done = true;
        this.stepSeconds = ev.po_seconds !== undefined && ev.steps ? ev.po_seconds / ev.steps : null;
        break;
      default: break;
    }
    return null;
  }

  /** Writes summary.json and returns it. */
  finish(task: string, error: TrainerError | null, seconds: number): RunSummary {
    const ck: ChecksumReport | null = this.checksum
      ? { ...this.checksum, firstBatchPairs: this.firstBatch?.n ?? 0, firstBatchMaxRelErr: this.firstBatch?.maxRelErr ?? NaN }
      : null;
    const base = summarise(this.rows, { loss: this.derivation.spec.source.id, task, error, checksum: ck, seconds,
      trainer: this.hello, stepSeconds: this.stepSeconds, strayLines: this.stray, completed: this.done,
      ...(this.ranked ? { ranked: summariseRanked(this.rankedRows, this.rankedCheck) } : {}) }, this.evals);
    // A ranked run logs ranked rows, not pair rows: its logged steps are those.
    const summary = this.ranked ? { ...base, loggedSteps: this.rankedRows.length } : base;
    writeFileSync(this.files.summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  }
}
