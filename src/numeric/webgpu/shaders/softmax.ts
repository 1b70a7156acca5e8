// Row-wise softmax / log-softmax, one workgroup per row: a max reduction (so that no exp overflows:
// every exponent is ≤ 0), a sum of exp(x − max) reduction, then the elementwise write.

import { WG, type ShaderFlags, finish, reduceEnd, treeReduce } from './common.js';

export function softmaxShader(log: boolean, f: ShaderFlags): string {
  const value = log ? 'x[base + i] - mx - lz' : 'exp(x[base + i] - mx) / z';
  return finish(`
struct Params { cols: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
var<workgroup> acc: array<f32, ${WG}>;

@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_id) l: vec3u, @builtin(workgroup_id) w: vec3u) {
  let lid = l.x;
  let base = w.x * p.cols;
  var m = -3.4028234e38f;
  for (var i = lid; i < ${reduceEnd('p.cols', f)}; i = i + ${WG}u) { m = max(m, x[base + i]); }
  acc[lid] = m;
  ${treeReduce('max')}
  let mx = acc[0];
  workgroupBarrier();
  var s = 0.0;
  for (var i = lid; i < ${reduceEnd('p.cols', f)}; i = i + ${WG}u) { s = s + exp(x[base + i] - mx); }
  acc[lid] = s;
  ${treeReduce('+')}
  let z = acc[0];
  let lz = log(z);
  for (var i = lid; i < p.cols; i = i + ${WG}u) { out[base + i] = ${value}; }
}`, f);
}
