// The elementwise kernels: logits (H θ over a column tile), addOuter (θ += α Σ_i h_i ⊗ r_i over a
// column tile) and axpy. One invocation per output element; the short sums over d or n stay serial,
// which is what the bounds in ../bounds.ts assume (γ_{d+…}, γ_{n+…}).

import { WG, type ShaderFlags, finish } from './common.js';

/** out[i, v] = Σ_k h[i, k] θ[k, v] for v in the tile (θ tile is d×T, out n×T). */
export function logitsShader(f: ShaderFlags): string {
  return finish(`
struct Params { n: u32, d: u32, t: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> h: array<f32>;
@group(0) @binding(1) var<storage, read> th: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3u) {
  let v = g.x;
  let i = g.y;
  if (v >= p.t || i >= p.n) { return; }
  var s = 0.0;
  for (var k = 0u; k < p.d; k = k + 1u) { s = s + h[i * p.d + k] * th[k * p.t + v]; }
  out[i * p.t + v] = s;
}`, f);
}

/** θ[k, v] += α Σ_i h[i, k] r[i, v] for v in the tile (θ tile d×T, r tile n×T, h n×d). */
export function addOuterShader(f: ShaderFlags): string {
  return finish(`
struct Params { n: u32, d: u32, t: u32, pad: u32, alpha: f32, pad1: f32, pad2: f32, pad3: f32 }
@group(0) @binding(0) var<storage, read> h: array<f32>;
@group(0) @binding(1) var<storage, read> r: array<f32>;
@group(0) @binding(2) var<storage, read_write> th: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3u) {
  let v = g.x;
  let k = g.y;
  if (v >= p.t || k >= p.d) { return; }
  var s = 0.0;
  for (var i = 0u; i < p.n; i = i + 1u) { s = s + h[i * p.d + k] * r[i * p.t + v]; }
  th[k * p.t + v] = th[k * p.t + v] + p.alpha * s;
}`, f);
}

/** out = y + α x. */
export function axpyShader(f: ShaderFlags): string {
  return finish(`
struct Params { n: u32, pad0: u32, pad1: u32, pad2: u32, alpha: f32, pad3: f32, pad4: f32, pad5: f32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3u) {
  let k = g.y * 65535u * ${WG}u + g.x;
  if (k >= p.n) { return; }
  out[k] = y[k] + p.alpha * x[k];
}`, f);
}
