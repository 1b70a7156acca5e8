// What the input fuzzer counts, per input: a crash (an exception that escaped, E_INTERNAL, exit 3 or a
// stack trace), a hang (over 2 s), a message without a code, a message without a location, and an input
// accepted that should have been refused (or that echoed a secret, or wrote onto Object.prototype).

import type { Location } from '../../../src/errors.js';

export const COLUMNS = ['crash', 'hang', 'uncoded', 'unlocated', 'wronglyAccepted'] as const;
export type Column = (typeof COLUMNS)[number];

export const HANG_MS = 2000;

/** One error as the fuzzer saw it: from a Result, a TrainerError, or a line the CLI printed. */
export interface SeenError {
  readonly code?: string;
  readonly message?: string;
  readonly at?: Location | null;
  /** The CLI line it came from, when it came from the CLI's text output. */
  readonly line?: string;
}

export interface Outcome {
  readonly accepted: boolean;
  readonly errors: readonly SeenError[];
  /** Set when something escaped as an exception or the CLI exited 3 / printed a stack. */
  readonly crash?: string;
  /** Everything the input made marginlab print or return as text, for the secret check. */
  readonly text?: string;
}

export interface Expectation {
  /** The input is one marginlab must refuse (a value outside its domain, a path outside the claims folder, …). */
  readonly refuse?: boolean;
  /** Why, for the report. */
  readonly why?: string;
  /** A string that must never appear in any output (the contents of a file opened by mistake). */
  readonly secret?: string;
}

const CODE = /^E_[A-Z][A-Z_]*$/;
const located = (at: Location | null | undefined): boolean =>
  !!at && [at.slot, at.file, at.symbol, at.line, at.column].some((x) => x !== undefined && x !== '');

export function judge(o: Outcome, x: Expectation, ms: number, polluted: boolean): Column[] {
  const out: Column[] = [];
  if (o.crash || o.errors.some((e) => e.code === 'E_INTERNAL')) out.push('crash');
  if (ms > HANG_MS) out.push('hang');
  if (o.errors.some((e) => !e.code || !CODE.test(e.code) || !e.message)) out.push('uncoded');
  if (o.errors.some((e) => e.code && CODE.test(e.code) && !located(e.at))) out.push('unlocated');
  const leaked = !!x.secret && !!o.text?.includes(x.secret);
  if ((x.refuse && o.accepted) || leaked || polluted) out.push('wronglyAccepted');
  return out;
}

/**
 * The CLI's stderr as errors: `CODE where: message — hint` lines (where may be empty: then unlocated),
 * or one `marginlab/error@1` JSON document. Any other non-empty line is an uncoded message, except the
 * notes a command prints on purpose (`note: …`).
 */
export function cliErrors(stderr: string, json: boolean): SeenError[] {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('note: '));
  if (json && lines.length === 1 && lines[0].startsWith('{')) {
    try {
      const doc = JSON.parse(lines[0]) as { schema?: string; errors?: SeenError[] };
      if (doc.schema === 'marginlab/error@1' && Array.isArray(doc.errors)) return doc.errors.map((e) => ({ ...e, line: lines[0] }));
    } catch { /* an uncoded line below */ }
  }
  return lines.map((line): SeenError => {
    const m = /^(E_[A-Z_]+)(?: \(E_[A-Z_]+\))?( [^:]*)?: (.+)$/.exec(line);
    if (!m) return { line, message: line };
    // The text form prints the location before the colon (a run's errors are judged in --json, where it is a field).
    const where = m[2]?.trim();
    return { code: m[1], message: m[3], at: where ? { slot: where } : null, line };
  });
}

export interface Tally {
  inputs: number;
  accepted: number;
  refused: number;
  readonly counts: Record<Column, number>;
  /** Per case kind: inputs and findings. */
  readonly kinds: Record<string, { inputs: number; findings: number }>;
  /** The first few findings per column, with what to replay them by. */
  readonly examples: Record<Column, { kind: string; index: number; input: string; detail: string }[]>;
  slowestMs: number;
}

export function newTally(): Tally {
  return {
    inputs: 0, accepted: 0, refused: 0, slowestMs: 0,
    counts: { crash: 0, hang: 0, uncoded: 0, unlocated: 0, wronglyAccepted: 0 },
    kinds: {},
    examples: { crash: [], hang: [], uncoded: [], unlocated: [], wronglyAccepted: [] },
  };
}

export function merge(into: Tally, t: Tally): void {
  into.inputs += t.inputs; into.accepted += t.accepted; into.refused += t.refused;
  into.slowestMs = Math.max(into.slowestMs, t.slowestMs);
  for (const c of COLUMNS) {
    into.counts[c] += t.counts[c];
    for (const e of t.examples[c]) if (into.examples[c].length < 5) into.examples[c].push(e);
  }
  for (const [k, v] of Object.entries(t.kinds)) {
    const w = (into.kinds[k] ??= { inputs: 0, findings: 0 });
    w.inputs += v.inputs; w.findings += v.findings;
  }
}
