// Choosing a backend by name. 'auto' takes WebGPU when an adapter exists and the CPU otherwise, and says
// which and why; 'webgpu' without an adapter is an error with the reason, never a quiet CPU run.

import type { Backend } from './backend.js';
import { cpuBackend } from './cpu.js';
import { type WebGpuBackend, type WebGpuOptions, createWebGpuBackend } from './webgpu/backend.js';
import { isWebGpuFault } from './webgpu/faults.js';

export type BackendChoice = 'cpu' | 'webgpu' | 'auto';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['cpu', 'webgpu', 'auto'];

export type Selection =
  | { readonly ok: true; readonly kind: 'cpu'; readonly backend: Backend; readonly note?: string }
  | { readonly ok: true; readonly kind: 'webgpu'; readonly backend: WebGpuBackend; readonly note: string }
  | { readonly ok: false; readonly code: string; readonly message: string };

export async function selectBackend(choice: BackendChoice, o: WebGpuOptions = {}): Promise<Selection> {
  if (choice === 'cpu') return { ok: true, kind: 'cpu', backend: cpuBackend };
  try {
    const gpu = await createWebGpuBackend(o);
    return { ok: true, kind: 'webgpu', backend: gpu, note: `backend ${choice}: using webgpu (f32) on ${gpu.adapter.name}, every result compared with cpu (float64)` };
  } catch (e) {
    if (!isWebGpuFault(e)) throw e;
    if (choice === 'auto') return { ok: true, kind: 'cpu', backend: cpuBackend, note: `backend auto: using cpu (float64); webgpu unavailable: ${e.message}` };
    return { ok: false, code: e.code, message: `--backend webgpu: ${e.message}` };
  }
}
