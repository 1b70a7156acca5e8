// Which numeric backend Verify runs on: WebGPU when navigator.gpu gives an adapter and the library has a
// WebGPU backend, the float64 CPU backend otherwise — and the page says which, and why.

import type { BackendName } from './protocol.js';

/**
 * Whether this build carries marginlab's WebGPU backend. src/numeric/webgpu is being written; until it
 * lands the worker has only the CPU backend, so an adapter alone does not switch the checks to the GPU.
 */
export const WEBGPU_BACKEND_IN_BUILD = false;

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
  return { backend: 'webgpu', adapter: true, reason: 'a WebGPU adapter is present' };
}

export const backendLabel = (b: BackendName) => (b === 'webgpu' ? 'WebGPU' : 'CPU (float64)');
