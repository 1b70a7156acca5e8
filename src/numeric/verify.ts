// Running the theorem checks on a backend: CPU float64, or WebGPU f32 with every check also run on
// float64 (webgpu/compare.ts) — the verdict is float64's, the f32 error is reported beside it, and a
// WebGPU result outside its derived f32 bound fails the check. Under `auto`, a device fault or a wrong GPU
// result falls back to the CPU from that check on, and says so.

import { type MarginError, type Result, fail, ok } from '../errors.js';
import { BACKEND_CHOICES, type BackendChoice, selectBackend } from './select.js';
import { CHECKS, type CheckId } from './theorems/index.js';
import type { Verdict } from './verdict.js';
import type { LossSpec } from '../loss/types.js';
import { type WebGpuBackend, compareCheck, parseInjection } from './webgpu/index.js';

export interface VerifyOptions {
  readonly backend: string;
  readonly samples?: number;
  readonly seed: number;
  readonly vocab?: number;
  readonly dim?: number;
  readonly support?: number;
  /** For tests: make the WebGPU backend deliberately faulty (webgpu/faults.ts INJECTIONS). */
  readonly webgpuFault?: string;
  /** The user's own losses, for the checks that take losses (taylor, cases); else the catalogue's. */
  readonly losses?: readonly LossSpec[];
}

/** The verdicts of a run, the backend they came from, and what was said about it. */
export interface VerifyRun {
  readonly verdicts: readonly Verdict[];
  readonly backend: 'cpu' | 'webgpu';
  readonly adapter?: unknown;
  readonly notes: readonly string[];
  readonly seed: number;
}

export interface VerifyHooks {
  /** A check starts; its progress comes through the returned callback, which `done` ends. */
  readonly onCheck?: (id: CheckId) => Promise<{ update(done: number, total: number): void; stop(): void }>;
  /** A note for the person running it (the backend chosen, a fallback), as it happens. */
  readonly onNote?: (note: string) => void;
}

const usage = (message: string, hint?: string): MarginError => ({ code: 'E_USAGE', message, hint, at: { slot: 'verify' } });

export async function runChecks(ids: readonly CheckId[], o: VerifyOptions, hooks: VerifyHooks = {}): Promise<Result<VerifyRun>> {
  if (!(BACKEND_CHOICES as readonly string[]).includes(o.backend)) return fail(usage(`unknown backend '${o.backend}'`, `choose one of ${BACKEND_CHOICES.join(', ')}`));
  const choice = o.backend as BackendChoice;
  let inject;
  try {
    inject = o.webgpuFault === undefined ? undefined : parseInjection(o.webgpuFault);
  } catch (e) {
    return fail(usage((e as Error).message));
  }
  const sel = await selectBackend(choice, { inject });
  if (!sel.ok) return fail(usage(`${sel.code}: ${sel.message}`, 'use --backend cpu, or auto (which falls back to cpu)'));
  const notes: string[] = [];
  const note = (n: string) => { notes.push(n); hooks.onNote?.(n); };
  if (sel.note) note(sel.note);
  let gpu: WebGpuBackend | undefined = sel.kind === 'webgpu' ? sel.backend : undefined;
  const adapter = gpu?.adapter;
  const verdicts: Verdict[] = [];
  try {
    for (const id of ids) {
      const bar = (await hooks.onCheck?.(id)) ?? { update: () => undefined, stop: () => undefined };
      const opts = { samples: o.samples, seed: o.seed, vocab: o.vocab, dim: o.dim,
        support: CHECKS[id].takesSupport ? o.support : undefined, losses: CHECKS[id].takesLoss ? o.losses : undefined, onProgress: (d: number, t: number) => bar.update(d, t) };
      try {
        if (!gpu) { verdicts.push(await CHECKS[id].run({ ...opts, backend: sel.backend })); continue; }
        const r = await compareCheck(CHECKS[id].run, opts, gpu);
        if (r.ok && (choice === 'webgpu' || r.verdict.precision.violations === 0)) { verdicts.push(r.verdict); continue; }
        // auto: a fault or a wrong GPU result means the CPU result, said out loud, and CPU from here on.
        const why = r.ok ? r.verdict.precision.note : `${r.fault.code}: ${r.fault.message}`;
        if (!r.ok && choice === 'webgpu') return fail(usage(`webgpu failed during ${id}: ${why}`, 'rerun with --backend cpu, or auto (which falls back to cpu)'));
        note(`backend auto: webgpu failed during ${id} (${why}); reporting cpu (float64) results from ${id} on`);
        verdicts.push(r.ok ? { ...r.verdict, backend: 'cpu', precision: undefined } as Verdict : r.cpu);
        gpu.dispose();
        gpu = undefined;
      } catch (e) {
        // A check on the user's own loss may find no point it can use (a loss undefined almost everywhere):
        // bad input, said with the loss's name, not an internal error. The catalogue's losses are known to check.
        if (!opts.losses || e instanceof TypeError) throw e;
        return fail({ code: 'E_NO_DOMAIN', message: `${id} cannot check ${opts.losses.map((l) => l.source.name).join(', ')}: ${(e as Error).message}`, at: { slot: '--loss' },
          hint: 'the check draws random points of the loss\'s domain; a loss that is not finite at most of them cannot be checked' });
      } finally {
        bar.stop();
      }
    }
  } finally {
    gpu?.dispose();
  }
  return ok({ verdicts, backend: verdicts.some((v) => v.backend === 'webgpu') ? 'webgpu' : 'cpu', adapter, notes, seed: o.seed });
}
