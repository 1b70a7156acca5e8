// Every LaTeX output renders in KaTeX (throwOnError), and every `derive --json` output validates
// against its zod schema (src/report/schema/derive.ts) — for random expressions, every named loss with
// an audit, and random new losses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { derivationJson } from '../src/report/derivation.js';
import { deriveSchema } from '../src/report/schema/derive.js';
import { directionAudit } from '../src/symbolic/audit.js';
import { toTex } from '../src/symbolic/print.js';
import { NAMED_LOSSES } from './arbitraries/catalogue.js';
import { exprArb, randomLossArb } from './arbitraries/expr.js';
import { assertRendersInKatex } from './laws/index.js';
import { RUNS, compiled, compiledGuarded } from './support.js';

/** Every string under a key ending in `tex`/`Tex`, anywhere in a JSON value. */
function texFields(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => texFields(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (/tex$/i.test(k) && typeof x === 'string') out.push(x); else texFields(x, out);
    }
  }
  return out;
}

function checkJson(value: unknown): void {
  // Validate what `derive --json` prints: the serialized document (Infinity becomes null there).
  const json: unknown = JSON.parse(JSON.stringify(value));
  const r = deriveSchema.safeParse(json);
  if (!r.success) throw new Error(`derive JSON does not match its schema: ${JSON.stringify(r.error.issues.slice(0, 3))}`);
  for (const tex of texFields(json)) assertRendersInKatex(tex);
}

describe('LaTeX', () => {
  it('toTex of random expressions renders in KaTeX', () => {
    fc.assert(fc.property(exprArb({ symbols: ['a', 'beta', 'logp_w', 'c_ref_l', 'len_w', 'lambda_w', 'epsilon', 'x1'], maxDepth: 5, conditionals: true }), (e) => {
      assertRendersInKatex(toTex(e));
      assertRendersInKatex(toTex(e, { beta: '\\beta', x1: 'x_{1}' }));
    }));
  });
});

describe('derive --json', () => {
  it.each(NAMED_LOSSES.map((l) => [l.id, l] as const))('%s: validates against the schema; every tex field renders', (_id, { spec }) => {
    const c = compiled(spec)!;
    checkJson(derivationJson(c.derivation, directionAudit(c, { samples: 300, seed: 1 })));
    checkJson(derivationJson(c.derivation));
  });

  it.skipIf(!!process.env.MARGINLAB_SKIP_RANDOM_LOSSES)('random new losses: validates; every tex field renders', () => {
    let checked = 0;
    fc.assert(fc.property(randomLossArb(), (loss) => {
      const c = compiledGuarded(loss.spec, loss.text);
      if (!c) return;
      checkJson(derivationJson(c.derivation, directionAudit(c, { samples: 50, seed: 2 })));
      checked++;
    }), { numRuns: Math.max(20, Math.floor(RUNS / 4)) });
    expect(checked).toBeGreaterThan(10);
  }, 900_000);

  it('the schema rejects a wrong document', () => {
    const json = derivationJson(compiled(NAMED_LOSSES[0].spec)!.derivation) as Record<string, unknown>;
    expect(deriveSchema.safeParse({ ...json, schema: 'marginlab/derive@2' }).success).toBe(false);
    expect(deriveSchema.safeParse({ ...json, regimes: [] }).success).toBe(false);
    expect(deriveSchema.safeParse({ ...json, extra: 1 }).success).toBe(false);
  });
});
