// Bounds on the work the engine does for one loss. The text of a loss is capped at 4000 characters, but
// that does not bound the work: `a^a^a^a^a^a^a^a^a` (17 characters) has a derivative that doubles with each
// level, `exp(` nested 40 deep makes the simplifier merge exponentials without end. So every expression the
// engine builds is measured after each rule application and simplification (size and depth, memoised per
// node: `extent`), the simplifier counts its steps, and a derivation has a deadline. Past a bound the
// answer is E_TOO_COMPLEX, naming the slot and what grew — a refusal, never a hang and never a wrong number.
//
// The bounds sit far above what the catalogue needs (measured: test/symbolic/budget.test.ts pins the
// headroom), so no honest loss meets them; they exist for the hostile ones.

import { type Expr, extent } from '../expr/expr.js';
import { MarginFault } from '../errors.js';

export interface Limits {
  /** Nodes of any one expression built on the way, counted as a tree. */
  readonly maxNodes: number;
  /** Nodes of a result (L, d_w, d_l, a ratio, a boundary): what the audit samples and the prover bounds. */
  readonly maxResultNodes: number;
  /** Depth of any one expression (the recursive walks stay far from the stack's end). */
  readonly maxDepth: number;
  /** Simplifier steps (calls) for one derivation. */
  readonly maxSteps: number;
  /** Wall-clock seconds for one derivation: a backstop behind the deterministic bounds above. */
  readonly maxSeconds: number;
}

// The catalogue's largest result has 98 nodes and 11 levels; its derivations take under 10 ms.
export const DEFAULT_LIMITS: Limits = { maxNodes: 20_000, maxResultNodes: 500, maxDepth: 250, maxSteps: 3_000_000, maxSeconds: 1.5 };

interface Scope {
  readonly limits: Limits;
  readonly deadline: number;
  steps: number;
  /** Which slot (m, h_w, h_l, Lambda, d_w, …) and which stage the engine is in, for the refusal. */
  slot: string | undefined;
  stage: string;
}

let scope: Scope | undefined;

/** Limits used by expressions built outside any `withinBudget` (the size and depth bounds only). */
const free = { limits: DEFAULT_LIMITS };

function tooComplex(what: string, limit: string): never {
  const s = scope;
  throw new MarginFault({
    code: 'E_TOO_COMPLEX',
    message: `${what}${s ? ` while ${s.stage}` : ''}; the limit is ${limit}`,
    at: { slot: s?.slot ?? 'loss' },
    hint: 'the loss is too large or too deeply nested for symbolic differentiation; write it in fewer, flatter terms',
  });
}

/**
 * Run one derivation (or any engine work) under the limits; nested calls share the outer scope, so a
 * derivation inside an audit is bounded once. Faults come out as MarginFault, for the caller's Result.
 */
export function withinBudget<T>(fn: () => T, limits: Limits = DEFAULT_LIMITS): T {
  if (scope) return fn();
  scope = { limits, deadline: now() + limits.maxSeconds * 1000, steps: 0, slot: undefined, stage: 'deriving' };
  try {
    return fn();
  } finally {
    scope = undefined;
  }
}

/** Label what the engine is doing, for the refusal's location and message. */
export function stage<T>(slot: string | undefined, what: string, fn: () => T): T {
  const s = scope;
  if (!s) return fn();
  const before = { slot: s.slot, stage: s.stage };
  s.slot = slot;
  s.stage = what;
  try {
    return fn();
  } finally {
    s.slot = before.slot;
    s.stage = before.stage;
  }
}

const now = (): number => performance.now();

/** One step of the simplifier: counted, and every 4096 steps the deadline is read. */
export function tick(): void {
  const s = scope;
  if (!s) return;
  s.steps++;
  if (s.steps > s.limits.maxSteps) tooComplex(`the simplifier took more than ${s.limits.maxSteps.toLocaleString('en')} steps`, `${s.limits.maxSteps.toLocaleString('en')} steps`);
  if ((s.steps & 4095) === 0 && now() > s.deadline) tooComplex(`the derivation ran past ${s.limits.maxSeconds} s`, `${s.limits.maxSeconds} s`);
}

/** Refuse an expression larger or deeper than the limits; returns it unchanged otherwise. */
export function guard(e: Expr, what = 'an expression'): Expr {
  if (e.kind === 'num' || e.kind === 'sym') return e;
  return check(e, what, (scope ?? free).limits.maxNodes);
}

/** Refuse a result (a weight, L, a ratio) larger than the result bound: everything after derivation —
 * sampling, proving, printing — costs in proportion to it. */
export function guardResult(e: Expr, what: string): Expr {
  if (e.kind === 'num' || e.kind === 'sym') return e;
  return check(e, what, (scope ?? free).limits.maxResultNodes);
}

function check(e: Expr, what: string, maxNodes: number): Expr {
  const { limits } = scope ?? free;
  const x = extent(e);
  if (x.size > maxNodes) tooComplex(`${what} grew to ${fmtCount(x.size)} nodes`, `${maxNodes.toLocaleString('en')} nodes`);
  if (x.depth > limits.maxDepth) tooComplex(`${what} grew ${x.depth} levels deep`, `${limits.maxDepth} levels`);
  return e;
}

const fmtCount = (n: number): string => (n < 1e9 ? Math.round(n).toLocaleString('en') : n.toExponential(2));
