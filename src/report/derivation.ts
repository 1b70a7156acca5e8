// A derivation as data for people and programs: the stable JSON of `marginlab derive --json`, the text
// of `marginlab derive`, and the step-by-step account of `--explain`.

import { sym } from '../expr/expr.js';
import { ARG, LOGP_L, LOGP_W } from '../loss/symbols.js';
import type { LossSpec } from '../loss/types.js';
import { SLOTS, type Slot } from '../loss/types.js';
import type { DirectionAudit } from '../symbolic/audit.js';
import type { RegimeProofs } from '../symbolic/interval/direction.js';
import { CASES, conditionsFor, type DirectionCondition } from '../symbolic/conditions.js';
import type { Derivation, Regime } from '../symbolic/derive.js';
import { marginForm } from '../symbolic/margin-form.js';
import { toTex, toText } from '../symbolic/print.js';
import { namedLine, whereDefinitions, whereForms } from '../symbolic/where-names.js';
import { stoppedText } from '../symbolic/interval/prove.js';
import { type Rendered, SIGN_TEX, SIGN_TEXT, boundTex, boundText, render, texNames } from './notation.js';

export const DERIVE_SCHEMA = 'marginlab/derive@1';

/** The slots a reader is shown: all five, less Λ_l where the loss has no rejected-side term (most losses). */
export const shownSlots = (spec: LossSpec): readonly Slot[] =>
  spec.L ? [] : SLOTS.filter((k) => k !== 'Lambda_l' || !(spec.Lambda_l.kind === 'num' && spec.Lambda_l.value === 0));

/** Whether the loss is margin-based (eq. 8), with the slots as written or as recovered from a general L. */
export function marginFormJson(spec: LossSpec) {
  const f = marginForm(spec);
  const names = texNames(spec);
  return { status: f.status, how: f.status === 'margin-based' ? f.how : null, reason: f.reason,
    slots: f.slots ? Object.fromEntries(SLOTS.map((k) => [k, render(f.slots[k], names)])) as Record<Slot, Rendered> : null };
}

export function lossJson(spec: LossSpec) {
  const names = texNames(spec);
  const s = spec.source;
  return {
    id: s.id,
    name: s.name,
    origin: s.origin,
    citation: s.citation ?? null,
    params: Object.fromEntries(Object.entries(s.params).map(([k, p]) => [k, { default: p.default, description: p.description, source: p.source ?? null }])),
    /** 'margin' for eq. (8)'s slots, 'general' for a loss written whole as L. */
    form: spec.L ? 'general' as const : 'margin' as const,
    /** The slots as written (null for a general L). */
    slots: spec.L ? null : Object.fromEntries(SLOTS.map((slot) => [slot, { source: s[slot] ?? '0', ...render(spec[slot], names) }])) as Record<Slot, Rendered & { source: string }>,
    /** The general L as written (null for the slots' form). */
    general: spec.L ? { source: s.L ?? '', ...render(spec.L, names) } : null,
    /** The spec's where definitions as written (already expanded in the slots' text and tex). */
    where: { ...(s.where ?? {}) },
    notes: s.notes ?? [],
  };
}

function conditionJson(c: DirectionCondition, r: Regime, audit: DirectionAudit | undefined, names: ReturnType<typeof texNames>, proof?: RegimeProofs) {
  const reg = audit?.regimes.find((x) => x.index === r.index);
  return {
    direction: c.direction,
    equation: c.equation,
    statement: c.statement,
    branches: c.branches.map((b) => ({
      when: `${b.divisor === 'dW' ? 'd_w' : 'd_l'} ${SIGN_TEXT[b.sign]}`,
      whenTex: `${b.divisor === 'dW' ? 'd_w' : 'd_l'} ${SIGN_TEX[b.sign]}`,
      observed: reg ? (b.divisor === 'dW' ? reg.dWSigns : reg.dLSigns).includes(b.sign) : null,
      excludedByProof: excludedByProof(b, proof),
      text: boundText(b.bound),
      tex: boundTex(b.bound, names),
    })),
  };
}

export function regimeJson(r: Regime, spec: LossSpec, audit?: DirectionAudit, proofs?: readonly RegimeProofs[]) {
  const names = texNames(spec);
  const conds = conditionsFor(r);
  const reg = audit?.regimes.find((x) => x.index === r.index);
  return {
    index: r.index,
    label: r.label,
    constraints: r.constraints.map((c) => ({ text: `${toText(c.g)} ${c.side === 'above' ? '>' : '<'} 0`,
      tex: `${toTex(c.g, names)} ${c.side === 'above' ? '>' : '<'} 0`, hinge: c.hinge, slot: c.slot })),
    samples: reg?.hits ?? null,
    u: r.u ? render(r.u, names) : null,
    mPrime: r.mPrime ? render(r.mPrime, names) : null,
    dW: render(r.dW, names),
    dL: render(r.dL, names),
    ratio: r.ratio ? render(r.ratio, names) : null,
    invRatio: r.invRatio ? render(r.invRatio, names) : null,
    conditions: conds.map((c) => conditionJson(c, r, audit, names, proofs?.find((p) => p.index === r.index))),
    cases: CASES.map((k) => ({ id: k.id, label: k.label, requires: [...k.parts] })),
    unconditional: proofs ? unconditional(r, proofs.find((p) => p.index === r.index)) : [],
  };
}

function single(d: Derivation, pick: (r: Regime) => Rendered | null) {
  if (d.regimes.length === 1) return pick(d.regimes[0]);
  return { piecewise: d.regimes.map((r) => ({ when: r.label, value: pick(r) })) };
}

/**
 * Directions that hold for every gradient pair in a regime: where d_l ≡ 0, Δlogp_w = η d_w‖a‖², so the
 * chosen rises wherever d_w > 0 is proved; where d_w ≡ 0, Δlogp_l = −η d_l‖b‖².
 */
export function unconditional(r: Regime, p: RegimeProofs | undefined): string[] {
  const zero = (e: Regime['dW']) => e.kind === 'num' && e.value === 0;
  const out: string[] = [];
  if (p?.dW.result.vacuous || p?.dL.result.vacuous) return ['this regime is empty on the audit domain (no point meets its constraints): every statement about it holds vacuously'];
  if (zero(r.dL) && p?.dW.result.status === 'proved') out.push('chosen ↑ for every gradient pair: d_l = 0 here and d_w > 0 is proved');
  if (zero(r.dW) && p?.dL.result.status === 'proved') out.push('rejected ↓ for every gradient pair: d_w = 0 here and d_l > 0 is proved');
  if (p?.dW.result.status === 'proved' && p?.dL.result.status === 'proved') out.push('both weights positive (proved): conditions (9) and (10) hold in the form the paper prints, no sign flips');
  return out;
}

/** A branch whose sign condition contradicts a proved fact (d_l > 0 proved rules out "if d_l < 0" and "if d_l = 0"). */
export function excludedByProof(b: { divisor: 'dW' | 'dL'; sign: string }, p: RegimeProofs | undefined): boolean {
  if (!p || p.dW.result.vacuous || p.dL.result.vacuous) return false;
  const w = b.divisor === 'dW' ? p.dW : p.dL;
  return w.result.status === 'proved' && b.sign !== 'positive';
}

/** The value a refuting point gives, from its certified enclosure (the float64 value may have underflowed). */
export function witnessValueOf(r: RegimeProofs['dW']['result']): number | undefined {
  if (r.witnessEnclosure) { const [lo, hi] = r.witnessEnclosure; return lo === hi ? lo : lo + (hi - lo) / 2; }
  return r.witnessValue;
}

function proofJson(p: RegimeProofs) {
  const one = (w: RegimeProofs['dW']) => ({ claim: w.claim, status: w.result.status, witness: w.result.witness ?? null, witnessValue: witnessValueOf(w.result) ?? null,
    witnessEnclosure: w.result.witnessEnclosure ?? null,
    boxes: w.result.boxes, remainingShare: w.result.remainingShare, stopped: w.result.stopped ?? null });
  return { regime: p.index, label: p.label, dW: one(p.dW), dL: one(p.dL) };
}

export function derivationJson(d: Derivation, audit?: DirectionAudit, proofs?: readonly RegimeProofs[]) {
  const names = texNames(d.spec);
  return {
    schema: DERIVE_SCHEMA,
    loss: lossJson(d.spec),
    u: d.u ? render(d.u, names) : null,
    L: render(d.L, names),
    marginForm: marginFormJson(d.spec),
    dW: single(d, (r) => render(r.dW, names)),
    dL: single(d, (r) => render(r.dL, names)),
    ratio: single(d, (r) => (r.ratio ? render(r.ratio, names) : null)),
    regimes: d.regimes.map((r) => regimeJson(r, d.spec, audit, proofs)),
    audit: audit ? {
      seed: audit.seed, samples: audit.samples, drawn: audit.drawn, valid: audit.valid, skipped: audit.skipped ?? null,
      dW: { negative: audit.dW.negative, zero: audit.dW.zero, positive: audit.dW.positive, underflow: audit.dW.underflow, uncertain: audit.dW.uncertain, min: audit.dW.min, witness: audit.dW.witness ?? null },
      dL: { negative: audit.dL.negative, zero: audit.dL.zero, positive: audit.dL.positive, underflow: audit.dL.underflow, uncertain: audit.dL.uncertain, min: audit.dL.min, witness: audit.dL.witness ?? null },
      findings: audit.findings,
      proofs: proofs ? proofs.map(proofJson) : null,
    } : null,
    rules: d.rules,
  };
}

const percent = (share: number) => `${+(100 * share).toPrecision(3)}%`;

/** The human-readable account; with `explain`, every step from eq. (8) to the simplified weights. */
/** What derivationText is given when the proofs were skipped on request (--no-prove), as opposed to not asked about. */
export const NOT_PROVED = 'not proved' as const;

export function derivationText(d: Derivation, audit: DirectionAudit | undefined, explain: boolean, proofs?: readonly RegimeProofs[] | typeof NOT_PROVED): string {
  const s = d.spec.source;
  const proved = proofs === NOT_PROVED ? undefined : proofs;
  const out: string[] = [];
  out.push(`${s.name}${s.citation ? ` [${s.citation.key}]` : ''} — ${s.origin}`);
  if (Object.keys(s.params).length) out.push(`params: ${Object.entries(s.params).map(([k, p]) => `${k}=${p.default}`).join(', ')}`);
  const slots = shownSlots(d.spec);
  const sided = slots.includes('Lambda_l');
  // where: names printed back where they shorten the line (symbolic/where-names.ts); what is derived is written out.
  const defs = whereDefinitions(d.spec);
  const asWritten = whereForms(defs, []);
  const named = namedLine;
  if (d.spec.L) out.push(`  L(logp_w, logp_l) = ${named(d.spec.L, asWritten)}`);
  else out.push(`  ${slots.map((k) => `${k}(a) = ${named(d.spec[k], asWritten)}`).join('    ')}`);
  const inWeights = whereForms(defs, [...(d.u ? [d.u] : []), sym(LOGP_W), sym(LOGP_L)]);
  const form = marginForm(d.spec);
  if (d.spec.L) {
    out.push(form.status === 'margin-based'
      ? `  margin-based: yes (${form.reason}): ${SLOTS.map((k) => `${k}(a) = ${toText(form.slots[k])}`).join('    ')}`
      : `  margin-based: UNDECIDED — ${form.reason}`);
  }
  if (explain) {
    if (d.u) {
      out.push('', `Step 1 — the loss, eq. (8): L = -( m(h_w(logp_w) - h_l(logp_l)) + Lambda(logp_w)${sided ? ' + Lambda_l(logp_l)' : ''} )`);
      out.push(`  u = h_w(logp_w) - h_l(logp_l) = ${toText(d.u)}`);
    } else out.push('', 'Step 1 — the loss, written whole: d_w = -dL/dlogp_w, d_l = +dL/dlogp_l');
    out.push(`  L = ${toText(d.L)}`);
    out.push('', `Step 2 — regimes: ${d.regimes.length === 1 ? 'no hinge; one regime' : `${d.regimes.length} regimes, one per side of each hinge`}`);
    for (const r of d.regimes) for (const c of r.constraints) out.push(`  regime ${r.index + 1}: ${c.hinge} in ${c.slot} -> ${toText(c.g)} ${c.side === 'above' ? '>' : '<'} 0`);
    out.push('', 'Step 3 — rules used (from the rule table):');
    for (const r of d.rules) out.push(`  ${r.rule}: ${r.formula}`);
  }
  d.regimes.forEach((r, i) => {
    out.push('', d.regimes.length > 1 ? `Regime ${i + 1}: ${r.label}` : 'Gradient weights:');
    if (explain && r.slots && r.slotDerivatives && r.mPrime) {
      const [rs, der] = [r.slots, r.slotDerivatives];
      for (const slot of slots) out.push(`  ${slot}'(${ARG}) = ${toText(der[slot])}${toText(rs[slot]) !== toText(d.spec[slot]) ? `    (branch: ${slot}(a) = ${toText(rs[slot])})` : ''}`);
      out.push(`  m'(u) = ${toText(r.mPrime)}`);
      out.push(`  d_w = m'(u)*h_w'(logp_w) + Lambda'(logp_w)    d_l = m'(u)*h_l'(logp_l)${sided ? " - Lambda_l'(logp_l)" : ''}`);
    }
    out.push(`  d_w = ${named(r.dW, inWeights)}`);
    out.push(`  d_l = ${named(r.dL, inWeights)}`);
    out.push(`  d_w/d_l = ${r.ratio ? toText(r.ratio) : 'undefined (d_l = 0 in this regime)'}`);
    const reg = audit?.regimes.find((x) => x.index === r.index);
    for (const u of unconditional(r, proved?.find((p) => p.index === r.index))) out.push(`  ${u}`);
    const proof = proved?.find((p) => p.index === r.index);
    for (const c of conditionsFor(r).filter((x) => x.direction === 'chosen-up' || x.direction === 'rejected-down')) {
      out.push(`  ${c.direction === 'chosen-up' ? 'chosen ↑' : 'rejected ↓'} ${c.equation} (${c.statement}):`);
      for (const b of c.branches) {
        if (excludedByProof(b, proof)) continue;
        const observed = !reg || (b.divisor === 'dW' ? reg.dWSigns : reg.dLSigns).includes(b.sign);
        if (!observed && !explain) continue;
        const seen = observed ? '' : '  [not seen in the audit samples]';
        out.push(`    if ${b.divisor === 'dW' ? 'd_w' : 'd_l'} ${SIGN_TEXT[b.sign]}: ${boundText(b.bound)}${seen}`);
      }
    }
  });
  if (audit?.skipped) {
    out.push('', 'Direction audit: not run.');
    for (const f of audit.findings) out.push(`  ${f}`);
  } else if (audit) {
    out.push('', `Direction audit (${audit.valid} sampled points, seed ${audit.seed}):`);
    for (const f of audit.findings) out.push(`  ${f}`);
  }
  if (proofs === NOT_PROVED) out.push('', 'Direction proofs: not run (--no-prove).');
  else if (proved) {
    out.push('', 'Direction proofs (interval branch and bound over logp < 0, params in their ranges):');
    for (const p of proved) {
      for (const w of [p.dW, p.dL]) {
        const r = w.result;
        const where = d.regimes.length > 1 ? ` in regime ${p.index + 1}` : '';
        const detail = r.vacuous ? ' (vacuously: the regime is empty on the domain)' : r.status === 'refuted' ? ` — witness ${Object.entries(r.witness!).map(([k, v]) => `${k}=${v}`).join(', ')} gives ${w.claim.slice(0, 3)} = ${+witnessValueOf(r)!.toPrecision(4)} (certified)`
          : r.status === 'undecided' ? ` — ${percent(r.remainingShare)} of the domain left after ${r.boxes} boxes; ${stoppedText[r.stopped ?? 'budget']}` : '';
        out.push(`  ${w.claim}${where}: ${r.status.toUpperCase()}${detail}`);
      }
    }
  }
  const notes = [...(s.notes ?? [])];
  if (notes.length) { out.push('', 'Notes:'); for (const n of notes) out.push(`  ${n}`); }
  return out.join('\n');
}

