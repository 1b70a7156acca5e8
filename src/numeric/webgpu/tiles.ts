// Conversions and tiling. Compatibility mode binds at most 128 MiB per storage buffer (32 Mi floats), so
// a d×V matrix at V = 256000 is cut into column tiles: each tile is gathered into a contiguous f32 array
// on the way up (the f64→f32 conversion has to copy anyway) and scattered back on the way down.

/** The f32 copy of `x[off, off + len)`. */
export const toF32 = (x: Float64Array, off = 0, len = x.length - off): Float32Array => Float32Array.from(x.subarray(off, off + len));

/** Columns [v0, v0 + t) of a rows×cols row-major matrix, as a contiguous rows×t f32 array. */
export function gatherColumns(x: Float64Array, rows: number, cols: number, v0: number, t: number): Float32Array {
  if (v0 === 0 && t === cols) return Float32Array.from(x.subarray(0, rows * cols));
  const out = new Float32Array(rows * t);
  for (let i = 0; i < rows; i++) out.set(x.subarray(i * cols + v0, i * cols + v0 + t), i * t);
  return out;
}

/** Write a rows×t tile back into columns [v0, v0 + t) of a rows×cols matrix. */
export function scatterColumns(dst: Float64Array, rows: number, cols: number, v0: number, t: number, tile: Float32Array): void {
  for (let i = 0; i < rows; i++) {
    const src = tile.subarray(i * t, (i + 1) * t);
    const o = i * cols + v0;
    for (let v = 0; v < t; v++) dst[o + v] = src[v];
  }
}

/** [start, length) ranges covering [0, n) in pieces of at most `size`. */
export function ranges(n: number, size: number): Array<readonly [number, number]> {
  const out: Array<readonly [number, number]> = [];
  for (let s = 0; s < n; s += size) out.push([s, Math.min(size, n - s)]);
  return out;
}
