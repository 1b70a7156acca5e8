// `marginlab fuzz` output a person can use. A shrunk counterexample is tidied into a well-scaled witness
// of the same failure (src/fuzz/witness.ts): it still fails the law, survives a nudge (it does not sit on
// the edge of the failing region, as fast-check's shrinking leaves it), has unit-scale gradients where
// the law allows and keeps extreme ones where it does not; values are printed at full precision, so the
// printed --at and --inner reproduce the witness exactly; and each finding is worded as what was found.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LawSpec, fuzzDerivation, fuzzText, lawsFor, runLaw } from '../src/fuzz/engine.js';
import { neighbours, tidyWitness, unitPair } from '../src/fuzz/witness.js';
import type { GradientPair } from '../src/fuzz/arbitraries.js';
import { type CompiledDerivation, completePoint, parseAssignments } from '../src/symbolic/point.js';
import { NAMED_LOSSES } from './arbitraries/catalogue.js';
import { compiled } from './support.js';
import { runCli } from '../test/helpers/cli.js';

const SEED = fc.readConfigureGlobal().seed ?? 1;
const NO_GRAM: GradientPair = unitPair(1, 0);
const shrinking = ['simpo', 'ipo', 'sppo', 'cdpo', 'kto', 'nca', 'cpo'];

/** The witness as `--at` replays it: it lists only what the loss reads, and the rest takes its default. */
function replay(c: CompiledDerivation, point: Record<string, number>): Record<string, number> {
  const p = completePoint(c.derivation, point, { outsideDomain: true });
  if (!p.ok) throw new Error(`the witness does not replay: ${p.errors.map((e) => e.message).join('; ')}`);
  return { ...p.value.values };
}

/** A witness survives a nudge of every value (and of the pair's shape) by a millionth. */
function survivesNudge(law: LawSpec, id: string, env: Record<string, number>, g: GradientPair): string[] {
  const c = compiled(NAMED_LOSSES.find((l) => l.id === id)!.spec)!;
  const bad: string[] = [];
  for (const k of Object.keys(env).filter((x) => x !== 'c_ref' && env[x] !== 0)) {
    for (const f of [1 - 1e-6, 1 + 1e-6]) {
      const q = { ...env, [k]: env[k] * f };
      q.c_ref = q.c_ref_w - q.c_ref_l;
      if (law.check(c, q, g).status !== 'fail') bad.push(`${k} × ${f}`);
    }
  }
  const rho = Math.sqrt(g.normL2), cos = g.innerWL / rho;
  for (const [r, k] of [[rho * (1 + 1e-6), cos], [rho * (1 - 1e-6), cos], [rho, Math.max(-1, Math.min(1, cos * (1 - 1e-6)))]]) {
    if (law.check(c, env, unitPair(r, k)).status !== 'fail') bad.push(`pair ρ=${r}, cos=${k}`);
  }
  return bad;
}

describe('fuzz witnesses are well scaled', () => {
  it.each(shrinking)(`%s: the margin-shrinks witness fails the law, at unit scale, and survives a nudge (seed ${SEED})`, (id) => {
    const c = compiled(NAMED_LOSSES.find((l) => l.id === id)!.spec)!;
    const law = lawsFor(c.derivation).find((l) => l.name === 'margin-shrinks')!;
    const run = runLaw(law, c, { runs: 200, seed: SEED });
    const ce = run.counterexample;
    expect(ce, `no witness for ${id}, seed ${SEED}`).toBeDefined();
    const g = ce!.gram as GradientPair;
    const env = replay(c, ce!.point);
    expect(law.check(c, env, g).status).toBe('fail');
    expect(g.normW2).toBe(1);
    expect(g.normL2).toBeGreaterThanOrEqual(0.01);
    expect(g.normL2).toBeLessThanOrEqual(100);
    expect(survivesNudge(law, id, env, g), `seed ${SEED}: ${JSON.stringify(ce!.point)}`).toEqual([]);
  });

  it('a law that fails only at tiny norms keeps its tiny pair: unit scale only where the law allows', () => {
    const c = compiled(NAMED_LOSSES.find((l) => l.id === 'dpo')!.spec)!;
    const tiny: LawSpec = { name: 'conditions', title: 'false on purpose below ‖a‖² = 1e-6', engine: true, needsGram: true,
      check: (_c, _env, g) => (g.normW2 < 1e-6 ? { status: 'fail', message: 'tiny', details: {} } : { status: 'pass' }) };
    const run = runLaw(tiny, c, { runs: 300, seed: SEED });
    expect(run.counterexample).toBeDefined();
    expect(run.counterexample!.gram!.normW2).toBeLessThan(1e-6);
    expect(run.counterexample!.tidied.join(' ')).not.toContain('unit scale');
  });

  it('tidying never turns a counterexample into a passing case (synthetic laws, random shrunk cases)', () => {
    const c = compiled(NAMED_LOSSES.find((l) => l.id === 'simpo')!.spec)!;
    fc.assert(fc.property(fc.double({ min: -5, max: -1.01, noNaN: true }), fc.double({ min: 1.001, max: 3, noNaN: true }), fc.double({ min: 1e-8, max: 1e8, noNaN: true }),
      (edge, ratio, scale) => {
        // Fails where logp_w < edge and ⟨a,b⟩ > ratio·‖a‖² (b a longer copy of a).
        const law: LawSpec = { name: 'conditions', title: 'synthetic', engine: true, needsGram: true,
          check: (_c, env, g) => (env.logp_w < edge && g.innerWL > ratio * g.normW2 ? { status: 'fail', message: 'x', details: {} } : { status: 'pass' }) };
        const start = { logp_w: edge - 1e-9, logp_l: -2, c_ref_w: edge - 1e-9, c_ref_l: -2, c_ref: edge - 1e-9 + 2, len_w: 1, len_l: 1, z_ref: 0, beta: 2, gamma: 0.5 };
        const k = ratio * (1 + 1e-9);
        const g: GradientPair = { kind: 'parallel', a: [scale, 0], b: [k * scale, 0], innerWL: k * scale * scale, normW2: scale * scale, normL2: k * k * scale * scale };
        const t = tidyWitness(law, c, start, g, { noGram: NO_GRAM, defaults: { beta: 2, gamma: 0.5 }, ranges: {} });
        expect(law.check(c, t.point, t.gram!).status).toBe('fail');
        expect(t.gram!.normW2).toBe(1);
        // Well inside: a plain logp_w beyond the edge and a plain ratio beyond the bound.
        expect(String(t.point.logp_w).length).toBeLessThanOrEqual(4);
      }), { seed: SEED });
  });

  it('a rounded value stays in its param\'s declared range', () => {
    const c = compiled(NAMED_LOSSES.find((l) => l.id === 'simpo')!.spec)!;
    const law: LawSpec = { name: 'derivative', title: 'synthetic', engine: true, needsGram: false,
      check: (_c, env) => (env.beta > 0.45 ? { status: 'fail', message: 'x', details: {} } : { status: 'pass' }) };
    const start = { logp_w: -1, logp_l: -1, c_ref_w: -1, c_ref_l: -1, c_ref: 0, len_w: 1, len_l: 1, z_ref: 0, beta: 0.4712, gamma: 0.5 };
    const t = tidyWitness(law, c, start, undefined, { noGram: NO_GRAM, defaults: { beta: 0.1, gamma: 0.5 }, ranges: { beta: [0.001, 0.49] } });
    expect(t.point.beta).toBe(0.47);
  });

  it('neighbours: the two values of d digits either side, the rounding first', () => {
    expect(neighbours(-6.000000000000001, 1)).toEqual([-6, -7]);
    expect(neighbours(0.999994, 1)).toEqual([1, 0.9]);
    expect(neighbours(0.75, 1)).toEqual([0.8, 0.7]);
    expect(neighbours(-0.05, 1)).toEqual([-0.05]);
  });
});

describe('fuzz output', () => {
  it('prints the witness at full precision: --at and --inner read back to exactly the witness', () => {
    const c = compiled(NAMED_LOSSES.find((l) => l.id === 'simpo')!.spec)!;
    const r = fuzzDerivation(c.derivation, { runs: 150, seed: SEED });
    const run = r.laws.find((l) => l.law === 'margin-shrinks')!;
    const text = fuzzText(r);
    const at = /--at (\S+)/.exec(text)![1];
    const back = parseAssignments(at);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    for (const [k, v] of Object.entries(back.value)) expect(v, k).toBe(run.counterexample!.point[k]);
    const [, inner, w2, l2] = /--inner (\S+) --norm-w2 (\S+) --norm-l2 (\S+)/.exec(text)!;
    expect([Number(inner), Number(w2), Number(l2)]).toEqual([run.counterexample!.gram!.innerWL, run.counterexample!.gram!.normW2, run.counterexample!.gram!.normL2]);
  });

  it('prints values that cannot be rounded at full precision too (λ = 0.9999943721…, Δ = −3.8e-23)', () => {
    const point = { logp_w: -1.2345678901234567, logp_l: -2, lambda: 0.99999437218123, beta: 0.1 };
    const gram = { kind: 'random', a: [1, 0], b: [0.3333333333333333, 0.9428090415820634], innerWL: 0.3333333333333333, normW2: 1, normL2: 0.9999999999999999 };
    const text = fuzzText({ loss: 'X', seed: 1, runs: 1, ok: true, inconclusive: [], laws: [{ law: 'margin-shrinks', title: 't', summary: 's', engine: false, runs: 1, valid: 1, skipped: {},
      counterexample: { point, gram, message: 'm', details: { change: -3.8e-23 }, shrinks: 0, tidied: [], shrunk: { point } } }] });
    expect(text).toContain('--at logp_w=-1.2345678901234567,logp_l=-2,lambda=0.99999437218123,beta=0.1');
    expect(text).toContain('--inner 0.3333333333333333 --norm-w2 1 --norm-l2 0.9999999999999999');
    expect(text).toContain('change: -3.8e-23');
  });

  it('words each finding as what was found', async () => {
    const simpo = await runCli(['fuzz', 'simpo', '--runs', '400', '--seed', String(SEED)]);
    const found = simpo.stdout.split('\n').find((l) => /^\s+found\s+margin-shrinks/.test(l))!;
    expect(found).toContain('— a step can shrink the margin logp_w − logp_l to first order (eq. 6)');
    expect(simpo.stdout).not.toMatch(/found.*does not shrink/);
    expect(simpo.stdout).toMatch(/^\s+witness \(shrunk in \d+ steps, then tidied — /m);
    const dpo = await runCli(['fuzz', 'dpo', '--runs', '60', '--seed', String(SEED)]);
    expect(dpo.stdout).toMatch(/^\s+not found\s+margin-shrinks .* — no judged sample shrank the margin logp_w − logp_l to first order \(eq\. 6\)$/m);
  });

  it('--json names its schema', async () => {
    const r = await runCli(['fuzz', 'dpo', '--runs', '20', '--seed', '1', '--json']);
    const j = JSON.parse(r.stdout);
    expect(j.schema).toBe('marginlab/fuzz@1');
    expect(j.laws.find((l: { law: string }) => l.law === 'margin-shrinks').summary).toMatch(/^no judged sample shrank/);
  });
});
