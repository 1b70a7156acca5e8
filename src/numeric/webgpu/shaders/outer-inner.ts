// ⟨Σ_i h_i⊗r_i, Σ_j h'_j⊗r'_j⟩_F = Σ_{i,j} (h_iᵀh'_j)(r_iᵀr'_j), never forming d×V. The pair kernel runs
// one workgroup per (i, j) and reduces a row pair over a column tile into slot (tile, i, j); the combine
// kernel (one workgroup) forms Σ_{t,i,j} hh[i,j]·rr[t,i,j].

import { WG, type ShaderFlags, finish, reduceEnd, treeReduce } from './common.js';

/** partial[slot + i·nb + j] = Σ_v a[i, v] b[j, v] over a tile of width t. */
export function pairShader(f: ShaderFlags): string {
  return finish(`
struct Params { nb: u32, t: u32, slot: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> partial: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
var<workgroup> acc: array<f32, ${WG}>;

@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_id) l: vec3u, @builtin(workgroup_id) w: vec3u) {
  let lid = l.x;
  let i = w.x;
  let j = w.y;
  var s = 0.0;
  for (var v = lid; v < ${reduceEnd('p.t', f)}; v = v + ${WG}u) { s = s + a[i * p.t + v] * b[j * p.t + v]; }
  acc[lid] = s;
  ${treeReduce('+')}
  if (lid == 0u) { partial[p.slot + i * p.nb + j] = acc[0]; }
}`, f);
}

/** out[0] = Σ_q hh[q mod m] · rr[q] for q < count (m = na·nb pairs, count = tiles·m). */
export function combineShader(f: ShaderFlags): string {
  return finish(`
struct Params { m: u32, count: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<storage, read> hh: array<f32>;
@group(0) @binding(1) var<storage, read> rr: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
var<workgroup> acc: array<f32, ${WG}>;

@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_id) l: vec3u) {
  let lid = l.x;
  var s = 0.0;
  for (var q = lid; q < ${reduceEnd('p.count', f)}; q = q + ${WG}u) { s = s + hh[q % p.m] * rr[q]; }
  acc[lid] = s;
  ${treeReduce('+')}
  if (lid == 0u) { out[0] = acc[0]; }
}`, f);
}
