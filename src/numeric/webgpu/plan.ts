// How the kernels cut a problem up — shared by the backend (which runs the plan) and the error bounds
// (which count the roundings each element of the plan goes through). Keeping both in one place is what
// makes the tolerances derived rather than guessed: change the plan and the bound follows.

import { TREE_DEPTH, WG } from './shaders/common.js';

/** Workgroups per reduction tile: enough to occupy a GPU, few enough that the partials stay short. */
export const MAX_REDUCE_GROUPS = 256;
export const MAX_DISPATCH = 65535;

export interface ReducePlan {
  /** [start, length) of each tile. */
  readonly tiles: ReadonlyArray<readonly [number, number]>;
  /** Workgroups per tile. */
  readonly groups: readonly number[];
  /** Partials written in all (the second pass adds these). */
  readonly partials: number;
  /** The most floating-point additions any single term goes through. */
  readonly depth: number;
}

export function reducePlan(n: number, maxElems: number): ReducePlan {
  const tiles: Array<readonly [number, number]> = [];
  for (let s = 0; s < n; s += maxElems) tiles.push([s, Math.min(maxElems, n - s)]);
  if (tiles.length === 0) tiles.push([0, 0]);
  const groups = tiles.map(([, len]) => Math.max(1, Math.min(MAX_REDUCE_GROUPS, Math.ceil(len / WG))));
  const partials = groups.reduce((a, g) => a + g, 0);
  const serial = Math.max(...tiles.map(([, len], t) => Math.ceil(len / (groups[t] * WG))));
  return { tiles, groups, partials, depth: serial + TREE_DEPTH + Math.ceil(partials / WG) + TREE_DEPTH };
}

/** Additions a row reduction of `cols` elements (one workgroup per row) puts on a term. */
export const rowDepth = (cols: number): number => Math.ceil(cols / WG) + TREE_DEPTH;

/** Column-tile width for an op binding `rowsPerBuffer` rows of the tile in separate buffers. */
export function columnTile(V: number, maxElems: number, ...rowsPerBuffer: number[]): number {
  const rows = Math.max(1, ...rowsPerBuffer);
  return Math.max(1, Math.min(V, Math.floor(maxElems / rows), MAX_DISPATCH * WG));
}
