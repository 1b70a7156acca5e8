/// <reference types="@webgpu/types" />
// The thin layer between the backend's arithmetic and the WebGPU API: cached pipelines (compiled once,
// compile errors become E_WEBGPU_SHADER), per-operation buffers, and a submit that turns every error the
// device reports — validation, out-of-memory, a lost device — into a WebGpuFault instead of a zero-filled
// read-back. A result is only returned after both error scopes came back clean.

import type { GpuContext } from './context.js';
import { WebGpuFault } from './faults.js';

export interface Pass {
  readonly pipeline: GPUComputePipeline;
  /** Buffers by binding index (holes for bindings the kernel does not declare). */
  readonly bindings: ReadonlyArray<GPUBuffer | undefined>;
  readonly groups: readonly [number, number?];
}

const MAX_GROUPS = 65535;

export class Runner {
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();
  /** Submissions so far (for the device-lost injection and for the benchmark's counts). */
  submits = 0;

  constructor(readonly ctx: GpuContext, private readonly loseAfter = Infinity) {}

  get device(): GPUDevice { return this.ctx.device; }

  alive(): void {
    if (this.ctx.lostReason !== undefined) {
      throw new WebGpuFault('E_WEBGPU_DEVICE_LOST', `the WebGPU device (${this.ctx.adapter.name}) was lost: ${this.ctx.lostReason}`);
    }
  }

  pipeline(key: string, code: () => string): Promise<GPUComputePipeline> {
    let p = this.pipelines.get(key);
    if (!p) {
      p = this.compile(key, code());
      this.pipelines.set(key, p);
      p.catch(() => this.pipelines.delete(key));
    }
    return p;
  }

  private async compile(key: string, code: string): Promise<GPUComputePipeline> {
    this.alive();
    const d = this.device;
    d.pushErrorScope('validation');
    const module = d.createShaderModule({ code, label: key });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error');
    let pipeline: GPUComputePipeline | undefined;
    if (errors.length === 0) pipeline = d.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: key });
    const err = await d.popErrorScope();
    if (errors.length > 0 || err || !pipeline) {
      const what = errors.length ? errors.map((m) => `line ${m.lineNum}:${m.linePos} ${m.message}`).join('; ') : err?.message ?? 'no pipeline';
      throw new WebGpuFault('E_WEBGPU_SHADER', `WGSL kernel '${key}' failed to compile: ${what}`);
    }
    return pipeline;
  }

  scope(): Scope { return new Scope(this); }

  /** Called by Scope.submit: counts submissions and, when a test asks for it, destroys the device. */
  noteSubmit(): void {
    this.submits++;
    if (this.submits > this.loseAfter && this.ctx.lostReason === undefined) {
      this.device.destroy();
      this.ctx.lostReason = 'destroyed: injected device loss (test fault)';
    }
  }
}

/** The buffers of one operation, created, used and destroyed together. */
export class Scope {
  private readonly buffers: GPUBuffer[] = [];
  private scoped = false;

  constructor(private readonly r: Runner) {
    r.alive();
    // Both scopes stay open over the whole operation, so an allocation failure or a bad binding
    // anywhere in it surfaces at the read-back.
    r.device.pushErrorScope('out-of-memory');
    r.device.pushErrorScope('validation');
    this.scoped = true;
  }

  private make(bytes: number, usage: number): GPUBuffer {
    if (bytes > this.r.ctx.maxBindingBytes) {
      throw new WebGpuFault('E_WEBGPU_TOO_LARGE', `a ${bytes}-byte buffer exceeds the binding limit of ${this.r.ctx.maxBindingBytes} bytes (the tiling should have prevented this)`);
    }
    const b = this.r.device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage });
    this.buffers.push(b);
    return b;
  }

  /** A read-only storage buffer holding `data` (f32). */
  input(data: Float32Array): GPUBuffer {
    const b = this.make(data.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    this.r.device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
    return b;
  }

  /** A read-write storage buffer of `count` floats (zeroed by WebGPU), or holding `init`. */
  output(count: number, init?: Float32Array): GPUBuffer {
    const b = this.make(count * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST);
    if (init) this.r.device.queue.writeBuffer(b, 0, init.buffer, init.byteOffset, init.byteLength);
    return b;
  }

  /** A uniform block: u32 words then f32 words, as the kernels' Params structs lay them out. */
  params(u32: readonly number[], f32: readonly number[] = []): GPUBuffer {
    const words = Math.max(4, Math.ceil((u32.length + f32.length) / 4) * 4);
    const data = new ArrayBuffer(words * 4);
    new Uint32Array(data, 0, u32.length).set(u32);
    if (f32.length) new Float32Array(data, Math.ceil(u32.length / 4) * 16, f32.length).set(f32);
    const b = this.make(data.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    this.r.device.queue.writeBuffer(b, 0, data);
    return b;
  }

  /** Encode and submit the passes, then read back `reads` (buffer, float count). */
  async run(passes: readonly Pass[], reads: ReadonlyArray<readonly [GPUBuffer, number]> = []): Promise<Float32Array[]> {
    this.r.alive();
    const d = this.r.device;
    const enc = d.createCommandEncoder();
    for (const p of passes) {
      const [x, y = 1] = p.groups;
      if (x > MAX_GROUPS || y > MAX_GROUPS) throw new WebGpuFault('E_WEBGPU_TOO_LARGE', `dispatch of ${x}×${y} workgroups exceeds ${MAX_GROUPS} per dimension`);
      if (x === 0 || y === 0) continue;
      const entries = p.bindings.flatMap((b, i) => (b ? [{ binding: i, resource: { buffer: b } }] : []));
      const pass = enc.beginComputePass();
      pass.setPipeline(p.pipeline);
      pass.setBindGroup(0, d.createBindGroup({ layout: p.pipeline.getBindGroupLayout(0), entries }));
      pass.dispatchWorkgroups(x, y);
      pass.end();
    }
    const staging = reads.map(([b, n]) => {
      const s = this.make(n * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
      enc.copyBufferToBuffer(b, 0, s, 0, Math.ceil((n * 4) / 4) * 4);
      return s;
    });
    d.queue.submit([enc.finish()]);
    this.r.noteSubmit();
    const out: Float32Array[] = [];
    try {
      for (const [k, s] of staging.entries()) {
        await s.mapAsync(GPUMapMode.READ);
        out.push(new Float32Array(s.getMappedRange().slice(0, reads[k][1] * 4)));
        s.unmap();
      }
    } catch (e) {
      this.r.alive();
      throw new WebGpuFault('E_WEBGPU_VALIDATION', `reading a result back failed: ${(e as Error).message}`);
    }
    this.r.alive();
    return out;
  }

  /** Close the error scopes (throwing what they caught) and free the buffers. */
  async close(): Promise<void> {
    if (!this.scoped) return;
    this.scoped = false;
    const d = this.r.device;
    const [validation, oom] = this.r.ctx.lostReason === undefined ? [await d.popErrorScope(), await d.popErrorScope()] : [null, null];
    for (const b of this.buffers) b.destroy();
    this.r.alive();
    if (oom) throw new WebGpuFault('E_WEBGPU_OUT_OF_MEMORY', `the device ran out of memory: ${oom.message}`);
    if (validation) throw new WebGpuFault('E_WEBGPU_VALIDATION', `the device rejected an operation: ${validation.message}`);
  }
}

/** Run `body` in a scope, always closing it; a result only counts if the scope closed cleanly. */
export async function withScope<T>(r: Runner, body: (s: Scope) => Promise<T>): Promise<T> {
  const s = r.scope();
  let result: T;
  try {
    result = await body(s);
  } catch (e) {
    await s.close().catch(() => undefined);
    throw e;
  }
  await s.close();
  return result;
}
