// Pieces every kernel shares. Compatibility mode caps a workgroup at 128 invocations, so that is the
// size everywhere; reductions are a strided per-invocation loop followed by a shared-memory tree, and
// the error bounds in ../bounds.ts are derived from exactly this shape (serial length + log2(128)).

export const WG = 128;
/** log2(WG): the depth of the shared-memory tree. */
export const TREE_DEPTH = 7;

/** Switches that make a kernel deliberately wrong, so tests can prove the CPU comparison catches it. */
export interface ShaderFlags {
  /** The strided reduction loop stops one element early (`i + 1 < n`): drops the last term. */
  readonly offByOne?: boolean;
  /** Emit WGSL that does not compile (exercises the shader-fault path). */
  readonly syntaxError?: boolean;
}

/** The loop bound of a strided reduction over `n` elements. */
export const reduceEnd = (n: string, f: ShaderFlags): string => (f.offByOne ? `${n} - 1u` : n);

/** Tree-reduce `acc` (WG entries) in place with `op` ('+' or 'max'); acc[0] holds the result afterwards. */
export function treeReduce(op: '+' | 'max'): string {
  const combine = op === '+' ? 'acc[lid] + acc[lid + s]' : 'max(acc[lid], acc[lid + s])';
  return `workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { acc[lid] = ${combine}; }
    workgroupBarrier();
  }`;
}

export const finish = (code: string, f: ShaderFlags): string => (f.syntaxError ? `${code}\nfn broken( {` : code);
