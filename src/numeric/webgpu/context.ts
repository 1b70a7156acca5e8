/// <reference types="@webgpu/types" />
// Getting a GPUDevice, in Node or in a browser. In a page `navigator.gpu` is there; in Node the `webgpu`
// package (Dawn) supplies it, loaded by a dynamic import of a computed name so that a browser bundle
// never pulls in the native module. Without a GPU, Dawn runs on Mesa's llvmpipe through OpenGL ES on a
// surfaceless EGL display — Vulkan fails on Debian 12's Mesa — and only in *compatibility* mode, whose
// limits (128 invocations per workgroup, 128 MiB per storage binding) every kernel here is written for.

import { load as loadDawn } from '../../util/packages/webgpu.js';
import { WebGpuFault } from './faults.js';

export interface AdapterSummary {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly featureLevel: 'compatibility' | 'core';
  /** Where the device came from: Dawn in Node, or the page's navigator.gpu. */
  readonly runtime: 'node-dawn' | 'browser';
  /** A short human name, e.g. "llvmpipe-llvm-15-0-6-256-bits (OpenGL ES 3.2 Mesa 22.3.6) via node-dawn". */
  readonly name: string;
}

export interface GpuContext {
  readonly device: GPUDevice;
  readonly adapter: AdapterSummary;
  /** Largest storage binding in bytes (compatibility mode guarantees 128 MiB). */
  readonly maxBindingBytes: number;
  /** Set once the device is lost; every later operation fails with E_WEBGPU_DEVICE_LOST. */
  lostReason: string | undefined;
}

export interface AcquireOptions {
  /** Dawn toggles for Node (default: the OpenGL ES backend, which is what llvmpipe offers here). */
  readonly dawnFlags?: readonly string[];
  /** Ask for the core feature level instead of compatibility (real GPUs; not llvmpipe). */
  readonly core?: boolean;
}

const isNode = (): boolean => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** One Dawn instance per set of toggles, created on first use. */
const dawns = new Map<string, Promise<GPU>>();

async function nodeGpu(flags: readonly string[]): Promise<GPU> {
  // Mesa picks its EGL platform from the environment; with no display there is only 'surfaceless'.
  process.env.EGL_PLATFORM ??= 'surfaceless';
  let mod: { create(flags: string[]): GPU; globals: Record<string, unknown> };
  try {
    mod = await loadDawn<typeof mod>();
  } catch (e) {
    throw new WebGpuFault('E_WEBGPU_UNAVAILABLE', `the 'webgpu' package (Dawn for Node) could not be loaded: ${(e as Error).message}`);
  }
  // GPUBufferUsage, GPUMapMode, … are globals in a browser; Dawn hands them over as an object.
  for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  return mod.create([...flags]);
}

function summarise(a: GPUAdapter, runtime: AdapterSummary['runtime'], featureLevel: AdapterSummary['featureLevel']): AdapterSummary {
  const i = a.info;
  const device = (i.device || '').replace(/-+$/, '');
  const parts = [device || i.architecture || i.vendor || 'unknown adapter', i.description ? `(${i.description})` : '', `via ${runtime}`];
  return { vendor: i.vendor, architecture: i.architecture, device, description: i.description, featureLevel, runtime,
    name: parts.filter(Boolean).join(' ') };
}

/** A device and what it is, or E_WEBGPU_UNAVAILABLE with the reason. */
export async function acquireGpu(o: AcquireOptions = {}): Promise<GpuContext> {
  let gpu: GPU | undefined;
  let runtime: AdapterSummary['runtime'];
  if (typeof navigator !== 'undefined' && (navigator as Navigator & { gpu?: GPU }).gpu && !isNode()) {
    gpu = (navigator as Navigator & { gpu: GPU }).gpu;
    runtime = 'browser';
  } else if (isNode()) {
    const flags = o.dawnFlags ?? ['backend=opengles'];
    const key = flags.join(' ');
    if (!dawns.has(key)) dawns.set(key, nodeGpu(flags));
    try {
      gpu = await dawns.get(key)!;
    } catch (e) {
      dawns.delete(key);
      throw e;
    }
    runtime = 'node-dawn';
  } else {
    throw new WebGpuFault('E_WEBGPU_UNAVAILABLE', 'this browser exposes no navigator.gpu (WebGPU is off, or the page is not a secure context)');
  }
  const featureLevel = o.core ? 'core' : 'compatibility';
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ featureLevel } as GPURequestAdapterOptions);
  } catch (e) {
    // Dawn rejects (rather than resolving null) when its toggles name an adapter that is not there.
    throw new WebGpuFault('E_WEBGPU_UNAVAILABLE', `no WebGPU adapter was offered (${runtime}, ${featureLevel} feature level): ${(e as Error).message.replace(/\s+/g, ' ')}`);
  }
  if (!adapter) throw new WebGpuFault('E_WEBGPU_UNAVAILABLE', `no WebGPU adapter was offered (${runtime}, ${featureLevel} feature level)`);
  const summary = summarise(adapter, runtime, featureLevel);
  const maxBindingBytes = Math.min(adapter.limits.maxStorageBufferBindingSize, adapter.limits.maxBufferSize);
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits: { maxStorageBufferBindingSize: maxBindingBytes, maxBufferSize: maxBindingBytes } });
  } catch (e) {
    throw new WebGpuFault('E_WEBGPU_UNAVAILABLE', `the adapter ${summary.name} refused a device: ${(e as Error).message}`);
  }
  const ctx: GpuContext = { device, adapter: summary, maxBindingBytes, lostReason: undefined };
  void device.lost.then((info) => { ctx.lostReason = `${info.reason}: ${info.message || 'no message'}`; });
  return ctx;
}
