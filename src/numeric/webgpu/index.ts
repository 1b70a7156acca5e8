// The WebGPU backend's public face: create it, run a check through it with the float64 comparison.
export { createWebGpuBackend, parseInjection, INJECTIONS, type WebGpuBackend, type WebGpuInjection, type WebGpuOptions } from './backend.js';
export { checkedBackend, type CheckedBackend } from './checked.js';
export { compareCheck, type ComparedVerdict, type CompareOutcome, type PrecisionReport } from './compare.js';
export { WebGpuFault, isWebGpuFault, type WebGpuFaultCode } from './faults.js';
export type { AdapterSummary } from './context.js';
