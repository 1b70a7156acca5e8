// The content of a generated Table 2, independent of the output format: per loss its instantiation
// (m, h_w, h_l, Λ), per regime the derived d_w, d_l, d_w/d_l and the branches of conditions (9)/(10)
// that occur, and the footnotes where the paper's printed row gives different weights. Every renderer
// (LaTeX, HTML, Markdown, JSON) reads this and nothing else, so the formats cannot disagree.

import { findEntry } from '../../loss/catalogue/index.js';
import type { Citation, LossSpec, Slot } from '../../loss/types.js';
import { type Analysis, analyse } from '../../symbolic/analyse.js';
import type { CheckBudget } from '../../symbolic/check-budget.js';
import { conditionsFor, type Direction } from '../../symbolic/conditions.js';
import type { Regime } from '../../symbolic/derive.js';
import { toTex, toText } from '../../symbolic/print.js';
import { MarginFault } from '../../errors.js';
import { type Rendered, SIGN_TEX, SIGN_TEXT, TEX_SHORT, boundTex, boundText, texNames } from '../notation.js';
import { type RegimeSigns, regimeSigns, shownBranches } from './branches.js';
import { cell, texWidth, tidyTex } from './display.js';
import { type PrintedComparison, comparePrinted } from './printed.js';

export interface BranchCell {
  /** The divisor's sign that selects the branch, e.g. `d_l > 0`. */
  readonly when: Rendered;
  /** The bound on ⟨a,b⟩ (or, where the divisor is identically 0, the sign the other weight needs). */
  readonly bound: Rendered;
  /** The coefficient of the norm, as text that parses back (null for a sign-only bound). */
  readonly coef: string | null;
  readonly op: '<=' | '>=';
  readonly norm: 'normW2' | 'normL2' | null;
}

export interface RegimeRow {
  readonly index: number;
  readonly label: Rendered;
  readonly dW: Rendered;
  readonly dL: Rendered;
  readonly ratio: Rendered | null;
  readonly chosenUp: readonly BranchCell[];
  readonly rejectedDown: readonly BranchCell[];
  readonly signs: RegimeSigns;
}

export interface LossRow {
  readonly id: string;
  readonly name: string;
  readonly citation: Citation | null;
  readonly slots: Readonly<Record<Slot, Rendered>>;
  readonly regimes: readonly RegimeRow[];
  /** Footnote number (1-based) in the table, when the printed row differs. */
  readonly footnote: number | null;
  readonly auditFindings: readonly string[];
}

export interface Footnote {
  readonly number: number;
  readonly lossId: string;
  readonly text: string;
  readonly comparison: PrintedComparison;
}

export interface Table2 {
  readonly kind: 'rows';
  readonly rows: readonly LossRow[];
  readonly footnotes: readonly Footnote[];
  readonly audit: { readonly samples: number; readonly seed: number };
}

export interface TableOptions {
  readonly samples?: number;
  readonly seed?: number;
  /** The proofs' budget, for what shows proofs (the HTML derivation pages); the tables themselves never run them. */
  readonly time?: CheckBudget;
  /** Called after each loss is analysed, for a progress bar. */
  readonly onLoss?: (id: string) => void;
}

/** `proofs`: whether what is being built shows the interval proofs; a table's rows and cases do not. */
export function analyseOrThrow(spec: LossSpec, o: TableOptions, proofs = false): Analysis {
  const time: CheckBudget = proofs ? { ...o.time, audit: 'complete' } : { prove: false };
  const a = analyse(spec, { samples: o.samples ?? 4000, seed: o.seed ?? 1, time });
  o.onLoss?.(spec.source.id);
  if (!a.ok) throw new MarginFault(a.errors[0]);
  return a.value;
}

/** Beyond this many glyphs a coefficient is written d_w/d_l (its value stands in the ratio column). */
export const LONG_COEF = 22;

/** The coefficient of a bound as a ratio of weights: (9) carries d_w/d_l on ‖a‖², (10) d_l/d_w on ‖b‖². */
export const ratioTex = (norm: 'normW2' | 'normL2') => (norm === 'normW2' ? '\\frac{d_w}{d_l}' : '\\frac{d_l}{d_w}');

function boundCellTex(bd: ReturnType<typeof shownBranches>[number]['bound'], names: Record<string, string>): string {
  if (bd.kind === 'inner' && texWidth(toTex(bd.coef, names)) > LONG_COEF) {
    return `${TEX_SHORT.inner} ${bd.op === '<=' ? '\\le' : '\\ge'} ${ratioTex(bd.norm)} ${TEX_SHORT[bd.norm]}`;
  }
  return tidyTex(boundTex(bd, names, TEX_SHORT));
}

function branchCell(b: ReturnType<typeof shownBranches>[number], names: Record<string, string>): BranchCell {
  const w = b.divisor === 'dW' ? 'd_w' : 'd_l';
  const bd = b.bound;
  return {
    when: { text: `${w} ${SIGN_TEXT[b.sign]}`, tex: `${w} ${SIGN_TEX[b.sign]}` },
    // The text is complete (it parses back); the LaTeX abbreviates a long coefficient to the ratio.
    bound: { text: boundText(bd), tex: boundCellTex(bd, names) },
    coef: bd.kind === 'inner' ? toText(bd.coef) : null,
    op: bd.op,
    norm: bd.kind === 'inner' ? bd.norm : null,
  };
}

function regimeRow(r: Regime, spec: LossSpec, a: Analysis): RegimeRow {
  const names = texNames(spec);
  const signs = regimeSigns(r, a.audit);
  const conds = conditionsFor(r);
  const pick = (d: Direction) => shownBranches(conds.find((c) => c.direction === d)!, r, signs).map((b) => branchCell(b, names));
  const label = r.constraints.length === 0
    ? { text: 'everywhere', tex: '\\text{everywhere}' }
    : { text: r.label, tex: r.constraints.map((c) => `${tidyTex(toTex(c.g, names))} ${c.side === 'above' ? '>' : '<'} 0`).join(',\\ ') };
  return {
    index: r.index, label, dW: cell(r.dW, names), dL: cell(r.dL, names), ratio: r.ratio ? cell(r.ratio, names) : null,
    chosenUp: pick('chosen-up'), rejectedDown: pick('rejected-down'), signs,
  };
}

function footnoteText(c: PrintedComparison): string {
  const head = c.differing > 0
    ? `The paper's printed row gives different weights (d_w or d_l differ at ${c.differing} of ${c.compared} random points); this row is derived from the authors' loss.`
    : `The paper's printed row gives the same d_w and d_l at all ${c.compared} random points, but is written differently.`;
  return [head, ...c.discrepancies].join(' ');
}

export function buildTable2(specs: readonly LossSpec[], o: TableOptions = {}): Table2 {
  const footnotes: Footnote[] = [];
  const rows = specs.map((spec): LossRow => {
    const a = analyseOrThrow(spec, o);
    const names = texNames(spec);
    const s = spec.source;
    // Only a catalogue loss has a printed row to compare; a user's file never does.
    const entry = s.origin === `catalogue:${s.id}` ? findEntry(s.id) : undefined;
    const cmp = entry ? comparePrinted(entry, spec) : undefined;
    let footnote: number | null = null;
    if (cmp && (cmp.differing > 0 || cmp.discrepancies.length > 0)) {
      footnote = footnotes.length + 1;
      footnotes.push({ number: footnote, lossId: s.id, text: footnoteText(cmp), comparison: cmp });
    }
    return {
      id: s.id, name: s.name, citation: s.citation ?? null,
      slots: { m: cell(spec.m, names), h_w: cell(spec.h_w, names), h_l: cell(spec.h_l, names), Lambda: cell(spec.Lambda, names) },
      regimes: a.derivation.regimes.map((r) => regimeRow(r, spec, a)),
      footnote,
      auditFindings: a.audit.findings,
    };
  });
  return { kind: 'rows', rows, footnotes, audit: { samples: o.samples ?? 4000, seed: o.seed ?? 1 } };
}
