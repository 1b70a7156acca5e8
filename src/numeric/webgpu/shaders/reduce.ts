// Σ x_k and Σ x_k y_k: each workgroup reduces a strided share of the tile and writes one partial at
// `slot + workgroup`; a second dispatch of the same kernel (one workgroup, sum mode) adds the partials.
// Two levels instead of atomics: WGSL has no float atomics, and the order stays deterministic.

import { WG, type ShaderFlags, finish, reduceEnd, treeReduce } from './common.js';

export function reduceShader(mode: 'sum' | 'dot', f: ShaderFlags): string {
  const term = mode === 'dot' ? 'x[i] * y[i]' : 'x[i]';
  return finish(`
struct Params { n: u32, slot: u32, groups: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
${mode === 'dot' ? '@group(0) @binding(1) var<storage, read> y: array<f32>;' : ''}
@group(0) @binding(2) var<storage, read_write> partial: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
var<workgroup> acc: array<f32, ${WG}>;

@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_id) l: vec3u, @builtin(workgroup_id) w: vec3u) {
  let lid = l.x;
  let stride = p.groups * ${WG}u;
  var s = 0.0;
  for (var i = w.x * ${WG}u + lid; i < ${reduceEnd('p.n', f)}; i = i + stride) { s = s + ${term}; }
  acc[lid] = s;
  ${treeReduce('+')}
  if (lid == 0u) { partial[p.slot + w.x] = acc[0]; }
}`, f);
}
