// Table 1, generalised to any loss: in each regime and for each sign pattern of (d_w, d_l) that occurs,
// the four cases (chosen ↑/↓ × rejected ↓/↑) and the condition on ⟨a,b⟩ each needs. A case is the
// conjunction of one branch of (9) and one of (10); two upper bounds meet in a min, two lower bounds in
// a max, and a lower with an upper bound give an interval — for DPO this is the paper's Table 1.
// Two lower bounds with divisors of the same sign cannot both hold strictly: ⟨a,b⟩ ≥ r‖a‖² and
// ⟨a,b⟩ ≥ ‖b‖²/r with r > 0 force ⟨a,b⟩² ≥ ‖a‖²‖b‖², i.e. b = r·a by Cauchy–Schwarz, where nothing moves.

import type { Expr } from '../../expr/expr.js';
import type { LossSpec } from '../../loss/types.js';
import { CASES, conditionsFor, type ConditionBranch, type Direction, type Sign } from '../../symbolic/conditions.js';
import type { Regime } from '../../symbolic/derive.js';
import { toTex, toText, type TexNames } from '../../symbolic/print.js';
import { type Rendered, SIGN_TEX, SIGN_TEXT, TEXT, TEX_SHORT, boundTex, boundText, texNames } from '../notation.js';
import { regimeSigns, signsShown } from './branches.js';
import { cell, texWidth, tidyTex } from './display.js';
import { LONG_COEF, analyseOrThrow, ratioTex, type TableOptions } from './model.js';

export interface CaseCell {
  readonly id: number;
  readonly label: string;
  /** The Δ pattern, e.g. Δlogπ_w ≥ 0 ≥ Δlogπ_l. */
  readonly change: Rendered;
  readonly arrows: Rendered;
  readonly condition: Rendered;
  /** Why the case cannot happen here, or null. */
  readonly impossible: string | null;
}

export interface CaseGroup {
  readonly lossId: string;
  readonly name: string;
  readonly citeKey: string | null;
  readonly regime: Rendered;
  readonly signs: Rendered;
  /** d_w/d_l in this regime (null where d_l ≡ 0), which long conditions refer to. */
  readonly ratio: Rendered | null;
  readonly cases: readonly CaseCell[];
}

export interface Table1 {
  readonly kind: 'cases';
  readonly groups: readonly CaseGroup[];
  readonly audit: { readonly samples: number; readonly seed: number };
}

const CHANGE: Record<number, Rendered> = {
  1: { text: 'Δlogp_w ≥ 0 ≥ Δlogp_l', tex: '\\Delta\\log\\pi_w \\ge 0 \\ge \\Delta\\log\\pi_l' },
  2: { text: 'Δlogp_w ≤ 0, Δlogp_l ≤ 0', tex: '\\Delta\\log\\pi_w \\le 0,\\ \\Delta\\log\\pi_l \\le 0' },
  3: { text: 'Δlogp_w ≥ 0, Δlogp_l ≥ 0', tex: '\\Delta\\log\\pi_w \\ge 0,\\ \\Delta\\log\\pi_l \\ge 0' },
  4: { text: 'Δlogp_l ≥ 0 ≥ Δlogp_w', tex: '\\Delta\\log\\pi_l \\ge 0 \\ge \\Delta\\log\\pi_w' },
};
const ARROWS: Record<number, Rendered> = {
  1: { text: 'logp_w ↑ logp_l ↓', tex: '\\log\\pi_w \\uparrow\\ \\log\\pi_l \\downarrow' },
  2: { text: 'logp_w ↓ logp_l ↓', tex: '\\log\\pi_w \\downarrow\\ \\log\\pi_l \\downarrow' },
  3: { text: 'logp_w ↑ logp_l ↑', tex: '\\log\\pi_w \\uparrow\\ \\log\\pi_l \\uparrow' },
  4: { text: 'logp_w ↓ logp_l ↑', tex: '\\log\\pi_w \\downarrow\\ \\log\\pi_l \\uparrow' },
};

/** The right-hand side c·‖·‖² of an inner bound, as text and LaTeX. */
function rhs(coef: Expr, norm: 'normW2' | 'normL2', names: TexNames): Rendered {
  const one = coef.kind === 'num' && coef.value === 1;
  const paren = coef.kind === 'add';
  const tex = tidyTex(toTex(coef, names));
  // A long coefficient is written as the weight ratio; the group shows d_w/d_l itself.
  const coefTex = texWidth(tex) > LONG_COEF ? ratioTex(norm) : paren ? `\\left(${tex}\\right)` : tex;
  return {
    text: one ? TEXT[norm] : `${paren ? `(${toText(coef)})` : toText(coef)}*${TEXT[norm]}`,
    tex: one ? TEX_SHORT[norm] : `${coefTex} ${TEX_SHORT[norm]}`,
  };
}

const zeroCoef = (b: ConditionBranch) => b.bound.kind === 'inner' && b.bound.coef.kind === 'num' && b.bound.coef.value === 0;

function combine(b1: ConditionBranch, b2: ConditionBranch, names: TexNames): Rendered {
  const one = (b: ConditionBranch): Rendered => ({ text: boundText(b.bound), tex: tidyTex(boundTex(b.bound, names, TEX_SHORT)) });
  if (b1.bound.kind !== 'inner' || b2.bound.kind !== 'inner' || zeroCoef(b1) || zeroCoef(b2)) {
    const a = one(b1), b = one(b2);
    return { text: `${a.text} and ${b.text}`, tex: `${a.tex},\\ ${b.tex}` };
  }
  const r1 = rhs(b1.bound.coef, b1.bound.norm, names), r2 = rhs(b2.bound.coef, b2.bound.norm, names);
  const I = { text: TEXT.inner, tex: TEX_SHORT.inner };
  if (b1.bound.op === b2.bound.op) {
    const fn = b1.bound.op === '<=' ? 'min' : 'max';
    const op = b1.bound.op === '<=' ? { text: '<=', tex: '\\le' } : { text: '>=', tex: '\\ge' };
    return { text: `${I.text} ${op.text} ${fn}(${r1.text}, ${r2.text})`, tex: `${I.tex} ${op.tex} \\${fn}\\left(${r1.tex}, ${r2.tex}\\right)` };
  }
  const [lo, hi] = b1.bound.op === '>=' ? [r1, r2] : [r2, r1];
  return { text: `${lo.text} <= ${I.text} <= ${hi.text}`, tex: `${lo.tex} \\le ${I.tex} \\le ${hi.tex}` };
}

/** Why a case cannot occur, if it cannot: Cauchy–Schwarz, or a sign requirement the weight never meets. */
function impossibility(b1: ConditionBranch, b2: ConditionBranch, sW: Sign, sL: Sign): string | null {
  if (b1.bound.kind === 'inner' && b2.bound.kind === 'inner' && b1.bound.op === '>=' && b2.bound.op === '>='
    && sW !== 'zero' && sW === sL) {
    return `impossible when d_w, d_l ${SIGN_TEXT[sW]} (Cauchy–Schwarz: only b = (d_w/d_l)·a, where nothing moves)`;
  }
  for (const b of [b1, b2]) {
    if (b.bound.kind !== 'weight') continue;
    const other = b.bound.weight === 'dW' ? sW : sL;
    const holds = b.bound.op === '>=' ? other !== 'negative' : other !== 'positive';
    if (!holds) return `impossible: needs ${b.bound.weight === 'dW' ? 'd_w' : 'd_l'} ${b.bound.op} 0, but ${b.bound.weight === 'dW' ? 'd_w' : 'd_l'} ${SIGN_TEXT[other]} here`;
  }
  return null;
}

function pickBranch(r: Regime, d: Direction, s: Sign): ConditionBranch {
  const c = conditionsFor(r).find((x) => x.direction === d)!;
  return c.branches.find((b) => b.sign === s) ?? c.branches.find((b) => b.sign === 'zero')!;
}

export function casesFor(spec: LossSpec, o: TableOptions = {}): CaseGroup[] {
  const a = analyseOrThrow(spec, o);
  const names = texNames(spec);
  const groups: CaseGroup[] = [];
  for (const r of a.derivation.regimes) {
    const signs = regimeSigns(r, a.audit);
    const label = r.constraints.length === 0 ? { text: 'everywhere', tex: '\\text{everywhere}' }
      : { text: r.label, tex: r.constraints.map((c) => `${tidyTex(toTex(c.g, names))} ${c.side === 'above' ? '>' : '<'} 0`).join(',\\ ') };
    for (const sW of signsShown(r, 'dW', signs)) {
      for (const sL of signsShown(r, 'dL', signs)) {
        const cases = CASES.map((k): CaseCell => {
          // (9) is divided by d_l and (10) by d_w: the chosen branch follows sL, the rejected one sW.
          const b1 = pickBranch(r, k.parts[0], sL), b2 = pickBranch(r, k.parts[1], sW);
          return { id: k.id, label: k.label, change: CHANGE[k.id], arrows: ARROWS[k.id], condition: combine(b1, b2, names), impossible: impossibility(b1, b2, sW, sL) };
        });
        groups.push({
          lossId: spec.source.id, name: spec.source.name, citeKey: spec.source.citation?.key ?? null, regime: label,
          signs: { text: `d_w ${SIGN_TEXT[sW]}, d_l ${SIGN_TEXT[sL]}`, tex: `d_w ${SIGN_TEX[sW]},\\ d_l ${SIGN_TEX[sL]}` },
          ratio: r.ratio ? cell(r.ratio, names) : null,
          cases,
        });
      }
    }
  }
  return groups;
}

export function buildTable1(specs: readonly LossSpec[], o: TableOptions = {}): Table1 {
  return { kind: 'cases', groups: specs.flatMap((s) => casesFor(s, o)), audit: { samples: o.samples ?? 4000, seed: o.seed ?? 1 } };
}
