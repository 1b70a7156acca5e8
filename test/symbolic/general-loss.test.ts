// A loss written whole as L(logp_w, logp_l): d_w = −∂L/∂logp_w, d_l = +∂L/∂logp_l, the same regimes,
// conditions and evaluation as eq. (8)'s form; whether it is margin-based is decided by recovering the
// slots (a proof by identity of trees) or left UNDECIDED — never guessed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLoss } from '../../src/loss/check.js';
import { fromCatalogue, inlineLoss, loadSpecFile } from '../../src/loss/file.js';
import { findEntry } from '../../src/loss/catalogue/index.js';
import { lossFromArgs } from '../../src/cli/load.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { compileDerivation, completePoint, evaluateAt } from '../../src/symbolic/point.js';
import { derivativeLaw, conditionLaw } from '../../src/symbolic/laws.js';
import { marginForm } from '../../src/symbolic/margin-form.js';
import { derivationJson } from '../../src/report/derivation.js';
import { deriveSchema } from '../../src/report/schema/derive.js';
import { toText } from '../../src/symbolic/print.js';
import type { LossSpec } from '../../src/loss/types.js';

const dir = mkdtempSync(join(tmpdir(), 'marginlab-general-'));
const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
function must<T>(r: { ok: true; value: T } | { ok: false; errors?: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}
const POINTS = Array.from({ length: 40 }, (_, i) => ({ logp_w: -0.5 - (i * 7) % 23, logp_l: -0.7 - (i * 11) % 19, c_ref_w: -1 - (i % 5), c_ref_l: -2 - (i % 7), len_w: 1 + (i % 9), len_l: 1 + (i % 4) }));

/** d_w, d_l of two losses at the same points (each where both evaluate). */
function sameWeights(a: LossSpec, b: LossSpec): number {
  const [da, db] = [mustDerive(a), mustDerive(b)];
  const [ca, cb] = [compileDerivation(da), compileDerivation(db)];
  let n = 0;
  for (const p of POINTS) {
    const ea = evaluateAt(ca, must(completePoint(da, p))), eb = evaluateAt(cb, must(completePoint(db, p)));
    if (!ea.ok || !eb.ok) continue;
    expect(ea.value.dW).toBeCloseTo(eb.value.dW, 10);
    expect(ea.value.dL).toBeCloseTo(eb.value.dL, 10);
    expect(ea.value.L).toBeCloseTo(eb.value.L, 10);
    n++;
  }
  return n;
}
/** The recovered slots as a loss of eq. (8)'s form. */
function recovered(spec: LossSpec): LossSpec {
  const f = marginForm(spec);
  if (!f.slots) throw new Error(`not recovered: ${f.reason}`);
  const s = f.slots;
  return must(checkLoss({ id: 'rec', name: 'recovered', params: spec.source.params, origin: 'test',
    m: toText(s.m), h_w: toText(s.h_w), h_l: toText(s.h_l), Lambda: toText(s.Lambda), Lambda_l: toText(s.Lambda_l) }));
}

const dpo = must(checkLoss(fromCatalogue(findEntry('dpo')!)));

describe('a general L', () => {
  it('DPO written whole has DPO’s L, d_w and d_l', () => {
    const whole = must(inlineLoss({ L: '-logsigmoid(beta*(logp_w - c_ref_w) - beta*(logp_l - c_ref_l))', params: { beta: 0.1 } }));
    expect(sameWeights(whole, dpo)).toBeGreaterThan(30);
  });

  it('d_w = −∂L/∂logp_w and d_l = +∂L/∂logp_l against finite differences, across the regimes of a hinge', () => {
    const hinged = must(inlineLoss({ L: 'max(0, 1 - beta*(logp_w - logp_l)) - 0.1*logp_w + 0.05*min(logp_l, c_ref_l)*logp_w', params: { beta: 0.5 } }));
    const d = mustDerive(hinged);
    expect(d.regimes.length).toBe(4);
    const c = compileDerivation(d);
    let passed = 0;
    for (const p of POINTS) {
      const env = must(completePoint(d, p)).values;
      const law = derivativeLaw(c, env);
      expect(law.status, JSON.stringify(law)).not.toBe('fail');
      if (law.status === 'pass') passed++;
      const cond = conditionLaw(c, env, { normW2: 2, normL2: 1.5, innerWL: 0.9 });
      expect(cond.status, JSON.stringify(cond)).not.toBe('fail');
    }
    expect(passed).toBeGreaterThan(25);
  });

  it('derive --json for a general L validates, with form, general and marginForm', () => {
    const j = derivationJson(mustDerive(must(inlineLoss({ L: '-logsigmoid(logp_w - logp_l) - 0.1*logp_w' }))));
    expect(j.loss.form).toBe('general');
    expect(j.loss.slots).toBeNull();
    expect(j.u).toBeNull();
    expect(j.marginForm.status).toBe('margin-based');
    expect(deriveSchema.safeParse(JSON.parse(JSON.stringify(j))).success).toBe(true);
  });
});

describe('is it margin-based?', () => {
  it('recovers m, h_w, h_l, Λ_w, Λ_l where the coupled terms are a function of one margin, and the recovered loss is the same loss', async () => {
    const cases: LossSpec[] = [
      must(inlineLoss({ L: '-logsigmoid(beta*(logp_w - c_ref_w) - beta*(logp_l - c_ref_l)) - lambda*logp_w + 0.3*(logp_l - c_ref_l)^2', params: { beta: 0.1, lambda: 0.5 } })),
      must(inlineLoss({ L: '-logsigmoid(beta*logp_w/len_w - beta*logp_l/len_l - gamma)', params: { beta: 2, gamma: 0.5 } })),
      // DiscoPOP written whole: ρ appears as itself and divided by τ, which the recovery reads as one margin.
      must(await loadSpecFile(file('discopop-L.yaml', 'name: DiscoPOP (L)\nparams: {beta: 0.05, tau: 0.05}\nwhere: {rho: beta*(logp_w - c_ref_w) - beta*(logp_l - c_ref_l)}\nL: -((1 - sigmoid(rho/tau))*logsigmoid(rho) - sigmoid(rho/tau)*exp(-rho))\n'))),
      // Separable: no coupling at all (m = 0).
      must(inlineLoss({ L: '-logp_w + 0.5*logp_l' })),
    ];
    for (const spec of cases) {
      const f = marginForm(spec);
      expect(f.status, toText(spec.L!)).toBe('margin-based');
      expect(sameWeights(spec, recovered(spec)), toText(spec.L!)).toBeGreaterThan(20);
    }
  });

  it('UNDECIDED, with the reason, where no margin is found (never a guess either way)', () => {
    const f = marginForm(must(inlineLoss({ L: '-logsigmoid(logp_w*logp_l/100) - logsigmoid(logp_w - 2*logp_l)' })));
    expect(f.status).toBe('undecided');
    expect(f.reason).toMatch(/does not prove a loss is not margin-based/);
  });

  it('a loss in eq. (8)’s form is margin-based as written', () => {
    expect(marginForm(dpo)).toMatchObject({ status: 'margin-based', how: 'written' });
  });
});

describe('writing L', () => {
  it('mixing L with the slots is refused, in a file (at the slot’s line) and inline', async () => {
    const p = file('mixed.yaml', 'name: x\nL: -logsigmoid(logp_w - logp_l)\nm: logsigmoid(a)\nh_w: a\nh_l: a\n');
    expect(await loadSpecFile(p)).toFailWith('E_SPEC', { slot: 'm', line: 3 });
    expect(await lossFromArgs(undefined, { L: '-logsigmoid(logp_w - logp_l)', m: 'logsigmoid(a)' })).toFailWith('E_SPEC', { slot: 'L' });
  });

  it("'a' in L is told L has no argument; an L without logp_w is E_NO_DEPENDENCE", () => {
    const r = inlineLoss({ L: '-logsigmoid(a)' });
    expect(r).toFailWith('E_UNKNOWN_SYMBOL', { slot: 'L', column: 13 });
    if (!r.ok) expect(r.errors[0].hint).toMatch(/no argument 'a'/);
    expect(inlineLoss({ L: '-logp_l' })).toFailWith('E_NO_DEPENDENCE', { slot: 'L' });
  });

  it('a file with neither L nor m says so', async () => {
    expect(await loadSpecFile(file('none.yaml', 'name: x\nh_w: a\nh_l: a\n'))).toFailWith('E_SPEC', { slot: 'm' });
  });

  it('--L on the command line', async () => {
    const spec = must(await lossFromArgs(undefined, { L: '-logsigmoid(beta*(logp_w - logp_l))', param: ['beta=0.1'] }));
    expect(spec.L).toBeDefined();
  });
});
