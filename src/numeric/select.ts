// Choosing a backend by name. WebGPU is the interface's second implementation, still to come.

import type { Backend } from './backend.js';
import { cpuBackend } from './cpu.js';

export type BackendChoice = 'cpu' | 'webgpu' | 'auto';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['cpu', 'webgpu', 'auto'];

export type Selection =
  | { readonly ok: true; readonly backend: Backend; readonly note?: string }
  | { readonly ok: false; readonly message: string };

export function selectBackend(choice: BackendChoice): Selection {
  switch (choice) {
    case 'cpu': return { ok: true, backend: cpuBackend };
    case 'auto': return { ok: true, backend: cpuBackend, note: 'backend auto: using cpu (float64); the webgpu backend is not available yet' };
    case 'webgpu': return { ok: false, message: 'the webgpu backend is not available yet; use --backend cpu (or auto)' };
  }
}
