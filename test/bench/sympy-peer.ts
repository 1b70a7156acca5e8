// The SymPy peer of the derive and cold-start benchmarks: which Python (Debian's python3-sympy, as
// scripts/test-all.sh installs it), whether it has SymPy, and a catalogue loss as sympy_derive.py reads it.
import { spawnSync } from 'node:child_process';
import type { CatalogueEntry } from '../../src/loss/catalogue/index.js';

export const SYMPY_PYTHON = '/usr/bin/python3';
export const SYMPY_SCRIPT = new URL('./sympy_derive.py', import.meta.url).pathname;

/** SymPy's version, or why there is none (then the benchmark records null, never a made-up figure). */
export function sympyVersion(): { version: string } | { missing: string } {
  const r = spawnSync(SYMPY_PYTHON, ['-c', 'import sympy; print(sympy.__version__)'], { encoding: 'utf8' });
  if (r.error) return { missing: `${SYMPY_PYTHON}: ${r.error.message}` };
  if (r.status !== 0) return { missing: `${SYMPY_PYTHON} has no sympy (install python3-sympy): ${r.stderr.trim().split('\n').pop()}` };
  return { version: r.stdout.trim() };
}

/** One input line of sympy_derive.py: the loss's expressions, its params and the point to evaluate the ratio at. */
export function sympyInput(e: CatalogueEntry, point: Readonly<Record<string, number>>): string {
  const params = Object.fromEntries(Object.entries(e.params).map(([k, v]) => [k, v.default]));
  return JSON.stringify({ id: e.id, m: e.m, h_w: e.h_w, h_l: e.h_l, Lambda: e.Lambda, params: Object.keys(params),
    point: { ...point, ...params, c_ref: point.c_ref_w - point.c_ref_l } });
}

/**
 * One input line of sympy_derive.py for a loss written whole: the peer builds L = −(m(u) + Λ(logp_w)) and its Λ
 * may name both log-probabilities, so m = 0 and Λ = −(L) hand it L itself, which it differentiates in logp_w and
 * logp_l (d_w, d_l, d_w/d_l, each simplified). `symbols`: the names beyond the peer's own (params, the other
 * responses' log-probabilities), each a SymPy symbol until the point is substituted.
 */
export function sympyLossInput(id: string, L: string, symbols: readonly string[], point: Readonly<Record<string, number>>): string {
  return JSON.stringify({ id, m: '0', h_w: 'a', h_l: 'a', Lambda: `-(${L})`, params: symbols, point });
}
