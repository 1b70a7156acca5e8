// What can go wrong on the GPU path, as values with a code and a sentence a person understands. The
// selection layer turns these into "exit 2" (--backend webgpu) or "fell back to cpu" (--backend auto);
// none of them may turn into a number.

export type WebGpuFaultCode =
  /** No `navigator.gpu`, the Dawn module would not load, or no adapter was offered. */
  | 'E_WEBGPU_UNAVAILABLE'
  /** The device went away mid-run (driver reset, destroy(), out of device memory). */
  | 'E_WEBGPU_DEVICE_LOST'
  /** A WGSL module failed to compile or a pipeline failed to build. */
  | 'E_WEBGPU_SHADER'
  /** A buffer allocation was refused. */
  | 'E_WEBGPU_OUT_OF_MEMORY'
  /** A single tile cannot fit the binding limit (one softmax row longer than the limit allows). */
  | 'E_WEBGPU_TOO_LARGE'
  /** Any other validation error Dawn or the browser reported. */
  | 'E_WEBGPU_VALIDATION';

export class WebGpuFault extends Error {
  override readonly name = 'WebGpuFault';
  constructor(readonly code: WebGpuFaultCode, message: string) {
    super(message);
  }
}

export const isWebGpuFault = (e: unknown): e is WebGpuFault => e instanceof WebGpuFault;
