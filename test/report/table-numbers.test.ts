// The table is not a separate source of truth: d_w and d_l re-parsed from the JSON table's text fields,
// and the condition coefficients, agree with `marginlab eval` (evaluateAt, and the CLI itself) at
// seeded random points of each regime.

import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { CATALOGUE } from '../../src/loss/catalogue/index.js';
import { parseExpression } from '../../src/loss/parse.js';
import { CONTEXT_NAMES, LOGP_L, LOGP_W } from '../../src/loss/symbols.js';
import { samplePoint } from '../../src/symbolic/audit.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { compile } from '../../src/symbolic/evaluate.js';
import { compileDerivation, completePoint, evaluateAt, regimeAt } from '../../src/symbolic/point.js';
import { DEFAULT_COLUMNS } from '../../src/report/table/columns.js';
import { catalogueSpecs } from '../../src/report/table/docs.js';
import { renderTable } from '../../src/report/table/generate.js';
import { makeRng } from '../../src/util/prng.js';

const specs = catalogueSpecs();
const table = JSON.parse(renderTable(specs, { kind: 'rows', format: 'json', columns: DEFAULT_COLUMNS }));
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

function parsed(text: string, params: Record<string, unknown>) {
  const r = parseExpression(text, { slot: 'table', symbols: new Set([LOGP_W, LOGP_L, ...CONTEXT_NAMES, ...Object.keys(params)]) });
  if (!r.ok) throw new Error(`table text does not parse: ${text}: ${r.errors[0].message}`);
  return compile(r.value);
}

describe('the numbers behind Table 2', () => {
  it('has a schema and one row per loss', () => {
    expect(table.schema).toBe('marginlab/table@1');
    expect(table.rows.map((r: { id: string }) => r.id)).toEqual(CATALOGUE.map((e) => e.id));
  });

  for (const spec of specs) {
    it(`${spec.source.id}: d_w, d_l and the condition coefficients agree with evaluateAt`, () => {
      const row = table.rows.find((r: { id: string }) => r.id === spec.source.id);
      const c = compileDerivation(mustDerive(spec));
      const rng = makeRng(1234);
      let checked = 0;
      for (let i = 0; i < 400 && checked < 60; i++) {
        const env = samplePoint(spec, rng);
        let ri: number;
        try { ri = regimeAt(c, env); } catch { continue; }
        const point = completePoint(c.derivation, Object.fromEntries(Object.entries(env).filter(([k]) => k !== 'c_ref')));
        if (!point.ok) throw new Error(point.errors[0].message);
        const e = evaluateAt(c, point.value);
        if (!e.ok) continue;
        const reg = row.regimes[ri];
        expect(reg.index).toBe(ri);
        const dW = parsed(reg.dW.text, spec.source.params)(point.value.values);
        const dL = parsed(reg.dL.text, spec.source.params)(point.value.values);
        expect(close(dW, e.value.dW), `${reg.dW.text} at ${JSON.stringify(env)}`).toBe(true);
        expect(close(dL, e.value.dL), `${reg.dL.text}`).toBe(true);
        // (9): the coefficient on ‖a‖² is d_w/d_l; (10): on ‖b‖² it is d_l/d_w. Where a divisor is a
        // cancellation down to rounding noise (APO-down: d_w ≈ 1e-11 from parts ≈ 1e-3) the float ratio means nothing.
        const big = 1e-5 * Math.max(Math.abs(e.value.dW), Math.abs(e.value.dL));
        for (const b of reg.conditions.chosenUp) if (b.coef && Math.abs(e.value.dL) > big) {
          const v = parsed(b.coef, spec.source.params)(point.value.values);
          if (Number.isFinite(v)) expect(close(v, e.value.dW / e.value.dL), b.coef).toBe(true);
        }
        for (const b of reg.conditions.rejectedDown) if (b.coef && Math.abs(e.value.dW) > big) {
          const v = parsed(b.coef, spec.source.params)(point.value.values);
          if (Number.isFinite(v)) expect(close(v, e.value.dL / e.value.dW), `${b.coef}: ${v} vs ${e.value.dL / e.value.dW} (d_w=${e.value.dW})`).toBe(true);
        }
        checked++;
      }
      expect(checked).toBeGreaterThan(20);
    });
  }

  it('agrees with the `marginlab eval --json` command itself', async () => {
    const write = process.stdout.write.bind(process.stdout);
    for (const [id, at] of [['dpo', 'logp_w=-12,logp_l=-15,c_ref_w=-11,c_ref_l=-14'], ['simpo', 'logp_w=-30,logp_l=-20,len_w=40,len_l=12'], ['dpop', 'logp_w=-13,logp_l=-15,c_ref_w=-12'], ['rrhf', 'logp_w=-3,logp_l=-9,len_w=2,len_l=5']] as const) {
      let captured = '';
      process.stdout.write = ((s: string) => { captured += s; return true; }) as typeof process.stdout.write;
      let code: number;
      try { code = await main(['eval', id, '--at', at, '--json']); } finally { process.stdout.write = write; }
      expect(code).toBe(0);
      const ev = JSON.parse(captured);
      const row = table.rows.find((r: { id: string }) => r.id === id);
      const reg = row.regimes[ev.regime.index];
      const params = specs.find((s) => s.source.id === id)!.source.params;
      expect(close(parsed(reg.dW.text, params)(ev.point), ev.dW)).toBe(true);
      expect(close(parsed(reg.dL.text, params)(ev.point), ev.dL)).toBe(true);
    }
  });
});
