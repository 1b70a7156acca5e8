// Laying out a table's formulas (layout.ts): a broken formula is the same formula, every line fits
// the room the width model gives it, a formula that cannot be kept in its cell goes to its loss's
// block with a label, and the columns share out the line where the cells read best.

import { beforeAll, describe, expect, it } from 'vitest';
import { Blocks, MAX_CELL_LINES, breakLines, cellNeeds, shareLine } from '../../src/report/table/layout.js';
import { buildTable2 } from '../../src/report/table/model.js';
import { catalogueSpecs } from '../../src/report/table/docs.js';
import { texEm } from '../../src/report/table/tex-width.js';
import { literatureSpecs } from '../helpers/literature.js';

/** The formula a set of lines spells, with the \bigl( that replaced a \left( put back. */
const rejoin = (lines: readonly string[]) => lines.join(' ').replace(/\\[bB]igl\(/g, '\\left(').replace(/\\[bB]igr\)/g, '\\right)').replace(/\s+/g, ' ');
const norm = (tex: string) => tex.replace(/\s+/g, ' ');

let cells: string[] = [];
beforeAll(async () => {
  const t = buildTable2([...catalogueSpecs(), ...(await literatureSpecs())], { samples: 300 });
  cells = [...new Set(t.rows.flatMap((r) => [r.slots.m.tex, r.slots.h_w.tex, r.slots.h_l.tex, r.slots.Lambda.tex,
    ...r.regimes.flatMap((g) => [g.dW.tex, g.dL.tex, g.ratio?.tex ?? '1', g.label.tex])]))];
});

describe('breaking a formula over lines', () => {
  it('keeps the formula: the lines spell it, and each fits its room', () => {
    expect(cells.length).toBeGreaterThan(80);
    let broken = 0;
    for (const tex of cells) {
      for (const room of [6, 10, 16, 30, 80]) {
        const lines = breakLines(tex, room);
        if (!lines) continue;
        if (lines.length > 1) broken++;
        expect(rejoin(lines)).toBe(norm(tex));
        lines.forEach((l, i) => expect(texEm(l) + (i > 0 ? 1 : 0)).toBeLessThanOrEqual(room + 1e-9));
      }
    }
    expect(broken).toBeGreaterThan(50);
  });

  it('refuses (null) rather than return a line wider than its room', () => {
    const frac = '\\frac{\\beta \\sigma\\left(a\\right)}{|y_w|}';
    expect(breakLines(frac, texEm(frac) - 0.5)).toBeNull();
    expect(breakLines(frac, texEm(frac))).toEqual([frac]);
  });

  it('cellNeeds: the narrowest rooms for 1, 2, 3 lines, each holding the formula on that many', () => {
    const tex = cells.find((t) => breakLines(t, texEm(t) / 2.5)?.length === 3)!;
    const needs = cellNeeds(tex);
    expect(needs).toHaveLength(MAX_CELL_LINES);
    expect(needs[0]).toBe(texEm(tex));
    for (let k = 1; k < needs.length; k++) {
      expect(needs[k]).toBeLessThanOrEqual(needs[k - 1]);
      expect(breakLines(tex, needs[k])!.length).toBeLessThanOrEqual(k + 1);
      expect(breakLines(tex, needs[k] * 0.97)?.length ?? Infinity).toBeGreaterThan(k);
    }
  });
});

describe('the block', () => {
  it('keeps a formula that fits in its cell and moves one that does not, labelled in order', () => {
    const b = new Blocks(80, 3);
    const long = cells.reduce((a, t) => (texEm(t) > texEm(a) ? t : a));
    expect(b.place('\\beta a', 5, 'h_w(a)')).toEqual({ kind: 'cell', lines: ['\\beta a'] });
    const first = b.place(long, 5, 'd_w', 'regime 2');
    const second = b.place(long, 5, 'd_l');
    expect(first.kind).toBe('block');
    expect(second.kind).toBe('block');
    if (first.kind !== 'block' || second.kind !== 'block') return;
    expect([first.entry.label, second.entry.label]).toEqual(['E1', 'E2']);
    expect(first.entry.where).toBe('regime 2');
    expect(rejoin(first.entry.lines)).toBe(norm(long));
    expect(b.take().map((e) => e.label)).toEqual(['E1', 'E2']);
    expect(b.take()).toEqual([]);
  });

  it('a formula that needs more than the lines allowed goes to the block', () => {
    const tex = cells.find((t) => (breakLines(t, 8)?.length ?? 0) === 2)!;
    expect(new Blocks(80, 3).place(tex, 8, 'd_w').kind).toBe('cell');
    expect(new Blocks(80, 3).place(tex, 8, 'd_w', null, 1).kind).toBe('block');
  });
});

describe('sharing the line out', () => {
  it('fills the line exactly, honours fixed columns and minimums', () => {
    const demands = [{ fixed: 6, min: 0, cells: [] }, { min: 3, cells: cells.slice(0, 20).map((t) => cellNeeds(t)) }, { min: 4, cells: cells.slice(20, 40).map((t) => cellNeeds(t)) }];
    const w = shareLine(demands, 60, 0.6);
    expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(60, 9);
    expect(w[0]).toBe(6);
    expect(w[1]).toBeGreaterThanOrEqual(3.6);
    expect(w[2]).toBeGreaterThanOrEqual(4.6);
  });

  it('a column of short cells is not starved by a monster formula in another', () => {
    const short = Array.from({ length: 10 }, () => cellNeeds('\\langle \\mathbf{a}, \\mathbf{b} \\rangle \\le \\|\\mathbf{a}\\|^2', 1));
    const monster = cellNeeds(cells.reduce((a, t) => (texEm(t) > texEm(a) ? t : a)));
    const w = shareLine([{ min: 2, cells: short }, { min: 2, cells: [monster] }], 20, 0.5);
    expect(w[0]).toBeGreaterThanOrEqual(short[0][0] + 0.5);
  });
});
