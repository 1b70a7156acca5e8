// Which numeric backend Verify runs on: WebGPU when navigator.gpu gives an adapter and the library has a
// WebGPU backend, the float64 CPU backend otherwise — and the page says which, and why.

import type { CheckId } from '../../src/numeric/theorems/index.js';
import type { BackendName } from './protocol.js';

/** Whether this build carries marginlab's WebGPU backend (src/numeric/webgpu): it does. */
export const WEBGPU_BACKEND_IN_BUILD = true;

/**
 * Sizes on the WebGPU path. There each check runs twice on the same seed — float64 on the CPU, then f32
 * on the GPU through the checked backend, which compares every GPU result with float64 — and a software
 * adapter such as SwiftShader is slow, so the page runs a few samples at modest sizes. The CPU path and
 * the CLI (`marginlab verify --backend webgpu`) run the checks' full defaults.
 */
export const GPU_SIZES: Readonly<Record<CheckId, { readonly samples: number; readonly vocab?: number; readonly dim?: number; readonly perLoss?: true }>> = {
  theorem1: { samples: 4, vocab: 200, dim: 16 },
  corollary2: { samples: 4, vocab: 200, dim: 16 },
  theorem3: { samples: 6 },
  // These two draw their samples for every catalogue loss.
  taylor: { samples: 2, perLoss: true },
  cases: { samples: 4, perLoss: true },
};

export const gpuSamplesText = (): string =>
  Object.entries(GPU_SIZES).map(([c, s]) => `${c} ${s.samples}${s.perLoss ? ' per catalogue loss' : ''}`).join(', ');

export interface Choice { readonly backend: BackendName; readonly adapter: boolean; readonly reason: string }

interface GpuLike { requestAdapter(): Promise<unknown> }

export async function chooseBackend(): Promise<Choice> {
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) return { backend: 'cpu', adapter: false, reason: 'navigator.gpu is absent' };
  let adapter: unknown = null;
  try { adapter = await gpu.requestAdapter(); } catch { adapter = null; }
  if (!adapter) return { backend: 'cpu', adapter: false, reason: 'navigator.gpu gave no adapter' };
  if (!WEBGPU_BACKEND_IN_BUILD) {
    return { backend: 'cpu', adapter: true, reason: "a WebGPU adapter is present, but marginlab's WebGPU backend is not in this build yet" };
  }
  return { backend: 'webgpu', adapter: true, reason: 'a WebGPU adapter is present; each check runs in f32 on the GPU and is compared with float64 on the CPU' };
}

export const backendLabel = (b: BackendName) => (b === 'webgpu' ? 'WebGPU' : 'CPU (float64)');
