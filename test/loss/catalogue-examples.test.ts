// Documentation that runs: every catalogue entry's `example` command is executed as a reader would run it,
// and what it prints is checked against the loss itself — by central finite differences of L as the entry
// writes it (built without simplification, so the check does not reuse the derivation it judges):
// d_w = −∂L/∂logp_w, d_l = ∂L/∂logp_l. An `eval` example is checked at its own point; a `derive` example
// at sampled points of every regime it prints, with the printed formulas parsed back from the output.
import { describe, expect, it } from 'vitest';
import { CATALOGUE, RANKED_CATALOGUE } from '../../src/loss/catalogue/index.js';
import { checkLoss } from '../../src/loss/check.js';
import { fromCatalogue } from '../../src/loss/file.js';
import { parseExpression } from '../../src/loss/parse.js';
import { resultSymbols } from '../../src/loss/symbols.js';
import { samplePoint } from '../../src/symbolic/audit.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { type Compiled, compile } from '../../src/symbolic/evaluate.js';
import { rawLoss } from '../../src/symbolic/laws.js';
import { compileDerivation, regimeAt } from '../../src/symbolic/point.js';
import { makeRng } from '../../src/util/prng.js';
import { runCli } from '../helpers/cli.js';
import { specOf } from '../helpers/catalogue.js';

type Env = Record<string, number>;

/** A central difference and the round-off it can carry (|L|·ε/h: L of 10³ leaves 10⁻⁷ in the slope). */
interface Difference { readonly value: number; readonly noise: number }

/** −∂L/∂logp_w and ∂L/∂logp_l by central differences (step relative to the coordinate). */
function weightsByDifference(L: Compiled, env: Env): { dW: Difference; dL: Difference } {
  const diff = (name: string, sign: number): Difference => {
    const h = 1e-6 * Math.max(1, Math.abs(env[name]));
    const value = sign * (L({ ...env, [name]: env[name] + h }) - L({ ...env, [name]: env[name] - h })) / (2 * h);
    return { value, noise: (8 * Math.abs(L(env)) * Number.EPSILON) / h };
  };
  return { dW: diff('logp_w', -1), dL: diff('logp_l', 1) };
}

/** Agreement with a finite difference: relative 1e-5 beyond its round-off, and 1e-9 absolute for its truncation (h² terms). */
const close = (printed: number, fd: Difference): boolean =>
  Math.abs(printed - fd.value) <= 1e-5 * Math.max(Math.abs(printed), Math.abs(fd.value)) + fd.noise + 1e-9;

const argv = (example: string): string[] => {
  const words = example.split(/\s+/);
  expect(words[0]).toBe('marginlab');
  return words.slice(1);
};

describe('every catalogue example runs and prints what the loss gives', () => {
  for (const entry of CATALOGUE) {
    it(`${entry.id}: ${entry.example}`, async () => {
      const args = argv(entry.example);
      const plain = await runCli(args);
      expect(plain.stderr).toBe('');
      expect(plain.code).toBe(0);
      const run = await runCli([...args, '--json']);
      expect(run.code).toBe(0);
      const out = JSON.parse(run.stdout);
      const spec = specOf(entry.id);
      const L = compile(rawLoss(mustDerive(spec)));
      if (args[0] === 'eval') {
        const point: Env = out.point;
        const fd = weightsByDifference(L, point);
        expect({ dW: close(out.dW, fd.dW), dL: close(out.dL, fd.dL) }, `printed ${out.dW}, ${out.dL}; differences ${fd.dW.value}, ${fd.dL.value}`).toEqual({ dW: true, dL: true });
        // The plain output prints the same numbers.
        expect(plain.stdout).toMatch(/^d_w\s+= /m);
        return;
      }
      expect(args[0]).toBe('derive');
      const symbols = resultSymbols(Object.keys(spec.source.params));
      const parse = (text: string) => {
        const r = parseExpression(text, { slot: 'printed', symbols });
        if (!r.ok) throw new Error(`the printed '${text}' does not parse back: ${r.errors[0].message}`);
        return compile(r.value);
      };
      const c = compileDerivation(mustDerive(spec));
      const rng = makeRng(7);
      for (const regime of out.regimes as { index: number; label: string; dW: { text: string }; dL: { text: string }; ratio: { text: string } | null }[]) {
        const dW = parse(regime.dW.text), dL = parse(regime.dL.text), ratio = regime.ratio && parse(regime.ratio.text);
        let checked = 0;
        for (let i = 0; i < 4000 && checked < 5; i++) {
          const env = samplePoint(spec, rng);
          env.c_ref = env.c_ref_w - env.c_ref_l;
          let at: number;
          try { at = regimeAt(c, env); } catch { continue; }
          if (at !== regime.index) continue;
          const fd = weightsByDifference(L, env);
          // Where the loss is flat to float64 (σ underflow far from the margin), a difference says nothing.
          if (!(Math.abs(fd.dW.value) + Math.abs(fd.dL.value) > 1e-7) && !(Math.abs(dW(env)) + Math.abs(dL(env)) === 0)) continue;
          expect({ dW: close(dW(env), fd.dW), dL: close(dL(env), fd.dL) }, `${regime.label} at ${JSON.stringify(env)}`).toEqual({ dW: true, dL: true });
          if (ratio && dL(env) !== 0) {
            const q = dW(env) / dL(env);
            expect(Math.abs(ratio(env) - q) <= 1e-9 * Math.abs(q), `d_w/d_l in ${regime.label}: printed ${ratio(env)}, d_w/d_l ${q}`).toBe(true);
          }
          checked++;
        }
        expect(checked, `sampled points of regime '${regime.label}'`).toBeGreaterThan(0);
      }
    });
  }
});

// A loss over K ranked responses: its example's `eval --json` weights d_k against −∂L/∂logp_k by central
// differences of L as the entry writes it (where definitions expanded, nothing simplified).
describe('every ranked catalogue example runs and prints what the loss gives', () => {
  for (const entry of RANKED_CATALOGUE) {
    it(`${entry.id}: ${entry.example}`, async () => {
      const args = argv(entry.example);
      expect(args[0]).toBe('eval');
      const plain = await runCli(args);
      expect(plain.stderr).toBe('');
      expect(plain.code).toBe(0);
      expect(plain.stdout).toMatch(/^d_1 = /m);
      const out = JSON.parse((await runCli([...args, '--json'])).stdout);
      const spec = checkLoss(fromCatalogue(entry));
      if (!spec.ok || !spec.value.ranked) throw new Error(`${entry.id} is not a ranked loss`);
      const L = compile(spec.value.ranked.L);
      const K = spec.value.ranked.K;
      expect(Object.keys(out.weights)).toEqual(Array.from({ length: K }, (_, i) => `d_${i + 1}`));
      for (let k = 1; k <= K; k++) {
        const name = `logp_${k}`;
        const h = 1e-6 * Math.max(1, Math.abs(out.point[name]));
        const fd: Difference = { value: -(L({ ...out.point, [name]: out.point[name] + h }) - L({ ...out.point, [name]: out.point[name] - h })) / (2 * h),
          noise: (8 * Math.abs(L(out.point)) * Number.EPSILON) / h };
        expect(close(out.weights[`d_${k}`], fd), `d_${k}: printed ${out.weights[`d_${k}`]}, difference ${fd.value}`).toBe(true);
      }
    });
  }
});
