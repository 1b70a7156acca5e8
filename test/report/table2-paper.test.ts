// Table 2 for the ten losses of the paper: a snapshot a person reviews against the paper, next to the
// checks that make it trustworthy — where the printed row's weights differ from the derived ones, the
// table carries a footnote quoting the catalogue's discrepancy notes instead of the printed row.

import { describe, expect, it } from 'vitest';
import { CATALOGUE, findEntry } from '../../src/loss/catalogue/index.js';
import { checkLoss } from '../../src/loss/check.js';
import { printedSource } from '../../src/loss/file.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { compileDerivation, completePoint, evaluateAt } from '../../src/symbolic/point.js';
import { DEFAULT_COLUMNS } from '../../src/report/table/columns.js';
import { catalogueSpecs } from '../../src/report/table/docs.js';
import { renderTable } from '../../src/report/table/generate.js';
import { buildTable2 } from '../../src/report/table/model.js';
import { buildTable1 } from '../../src/report/table/cases.js';

const paper = catalogueSpecs().filter((s) => findEntry(s.source.id)?.inPaper);

function weights(src: Parameters<typeof checkLoss>[0], at: Record<string, number>) {
  const spec = checkLoss(src);
  if (!spec.ok) throw new Error(spec.errors[0].message);
  const d = mustDerive(spec.value);
  const p = completePoint(d, at);
  if (!p.ok) throw new Error(p.errors[0].message);
  const e = evaluateAt(compileDerivation(d), p.value);
  if (!e.ok) throw new Error(e.errors[0].message);
  return [e.value.dW, e.value.dL];
}

describe('Table 2 for the ten paper losses', () => {
  const t = buildTable2(paper);

  it('has the ten rows in the paper\'s order', () => {
    expect(t.rows.map((r) => r.id)).toEqual(CATALOGUE.filter((e) => e.inPaper).map((e) => e.id));
  });

  it('footnotes exactly the rows whose printed form differs, each quoting its discrepancies', () => {
    for (const row of t.rows) {
      const entry = findEntry(row.id)!;
      const notes = entry.printed?.discrepancies ?? [];
      const note = t.footnotes.find((f) => f.lossId === row.id);
      expect(Boolean(note), row.id).toBe(notes.length > 0 || (note?.comparison.differing ?? 0) > 0);
      for (const n of notes) expect(note!.text).toContain(n);
    }
  });

  it('the footnote for DPO rests on a real difference: at c_ref ≠ 0 the printed row gives other weights', () => {
    const entry = findEntry('dpo')!;
    const at = { logp_w: -12, logp_l: -15, c_ref_w: -11, c_ref_l: -16 };
    const derived = weights({ ...entry, origin: 'test' }, at);
    const printed = weights(printedSource(entry)!, at);
    expect(Math.abs(derived[0] - printed[0])).toBeGreaterThan(1e-6);
    expect(t.footnotes.find((f) => f.lossId === 'dpo')!.comparison.differing).toBeGreaterThan(0);
    // SimPO's printed row is the loss itself: no footnote, and the comparison found no difference.
    expect(t.rows.find((r) => r.id === 'simpo')!.footnote).toBeNull();
  });

  it('matches the reviewed snapshot (Markdown)', async () => {
    await expect(renderTable(paper, { kind: 'rows', format: 'md', columns: DEFAULT_COLUMNS })).toMatchFileSnapshot('./__snapshots__/table2-paper.md');
  });
});

describe('Table 1 (cases) for DPO is the paper\'s Table 1', () => {
  const dpo = paper.filter((s) => s.source.id === 'dpo');
  const [g] = buildTable1(dpo).groups;

  it('one sign pattern, d_w, d_l > 0, with d_w/d_l = 1', () => {
    expect(buildTable1(dpo).groups).toHaveLength(1);
    expect(g.signs.text).toBe('d_w > 0, d_l > 0');
    expect(g.ratio?.text).toBe('1');
  });

  it('cases 1–3 carry the paper\'s conditions and case 4 is impossible', () => {
    expect(g.cases.map((k) => k.condition.text)).toEqual([
      '<a,b> <= min(||a||^2, ||b||^2)',
      '||a||^2 <= <a,b> <= ||b||^2',
      '||b||^2 <= <a,b> <= ||a||^2',
      '<a,b> >= max(||a||^2, ||b||^2)',
    ]);
    expect(g.cases.slice(0, 3).map((k) => k.impossible)).toEqual([null, null, null]);
    expect(g.cases[3].impossible).toMatch(/Cauchy–Schwarz/);
  });

  it('each case\'s condition is what a first-order step does (random gradients)', () => {
    // Independent check of the combination logic: draw a, b; the case classify() assigns must be the
    // one whose bounds hold, using d_w = d_l (DPO) so Δlogπ_w = ‖a‖² − ⟨a,b⟩, Δlogπ_l = ⟨a,b⟩ − ‖b‖².
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (let i = 0; i < 500; i++) {
      const a = [rnd(), rnd(), rnd()], b = a.map((x) => x * 0.8 + rnd() * 0.5);
      const ab = a.reduce((s, x, j) => s + x * b[j], 0), aa = a.reduce((s, x) => s + x * x, 0), bb = b.reduce((s, x) => s + x * x, 0);
      const up = aa - ab >= 0, down = ab - bb <= 0;
      const holds = [ab <= Math.min(aa, bb), aa <= ab && ab <= bb, bb <= ab && ab <= aa, ab >= Math.max(aa, bb)];
      const kase = up && down ? 0 : !up && down ? 1 : up && !down ? 2 : 3;
      expect(holds[kase]).toBe(true);
    }
  });
});
