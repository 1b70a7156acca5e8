// `marginlab sweep`: the library's sweep takes every value from evaluateAt, shows refusals as gaps with
// their codes, and finds the regime boundaries; the figure, read back from its SVG as data, draws each
// value where the axes say it is — checked against evaluateAt and the `eval` command at sampled points —
// draws no number where evaluateAt refused one, and marks regime boundaries and the case-1 region.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { derive } from '../../src/symbolic/derive.js';
import { compileDerivation, completePoint, evaluateAt, regimeAt } from '../../src/symbolic/point.js';
import { type Sweep, type SweepRequest, axisValues, cellEdges, parseAxis, sweep } from '../../src/symbolic/sweep.js';
import { classifyCertified } from '../../src/symbolic/step.js';
import { sweepSpec } from '../../src/report/plots/sweep.js';
import { toSvg } from '../../src/report/plots/render.js';
import { specOf } from '../helpers/catalogue.js';
import { runCli } from '../helpers/cli.js';
import { type Mark, type Panel, axisMap, readPanels } from '../helpers/svg-plot.js';

const compiled = (id: string) => { const d = derive(specOf(id)); if (!d.ok) throw new Error(id); return compileDerivation(d.value); };
const run = (id: string, r: SweepRequest): Sweep => { const s = sweep(compiled(id), r); if (!s.ok) throw new Error(JSON.stringify(s.errors)); return s.value; };
const evalAt = (id: string, given: Record<string, number>) => {
  const c = compiled(id);
  const p = completePoint(c.derivation, given);
  if (!p.ok) throw new Error('point');
  return evaluateAt(c, p.value);
};
/** The number after `name = ` in an ARIA label. */
const labelled = (m: Mark, name: string) => { const x = new RegExp(`${name.replace(/[()/]/g, '\\$&')} = (-?[\\d.]+(?:e[-+]?\\d+)?)`).exec(m.label); return x ? Number(x[1]) : NaN; };
const panelOf = (ps: Panel[], title: string) => ps.find((p) => p.y?.title === title)!;

describe('sweep (library)', () => {
  it('every value is evaluateAt\'s at that point, refusals are gaps with their code, and they are counted', () => {
    // DPO at β = 10: far from the reference σ underflows and float64 leaves d_w no digit.
    const at = { logp_w: -1, c_ref_w: -1, c_ref_l: -1, beta: 10 };
    const s = run('dpo', { axes: [{ name: 'logp_l', lo: -300, hi: -1, log: false, n: 60 }], of: ['dW', 'dL', 'ratio'], at });
    let refused = 0;
    s.samples.forEach((p, i) => {
      const e = evalAt('dpo', { ...at, logp_l: axisValues(s.axes[0])[i] });
      if (e.ok) {
        expect(p.values.dW).toBe(e.value.dW);
        expect(p.values.dL).toBe(e.value.dL);
        expect(p.gaps).toEqual({});
      } else {
        refused++;
        expect(p.values.dW).toBeNull();
        expect(p.gaps.dW?.code).toBe(e.errors[0].code);
      }
    });
    expect(refused).toBeGreaterThan(0);
    expect(s.refused.samples).toBe(refused);
    expect(s.refused.byCode.E_ILL_CONDITIONED).toBeGreaterThan(0);
  });

  it('a sample exactly on a hinge is E_ON_BOUNDARY, and the boundary is located between samples by bisection', () => {
    // SLiC-HF: the hinge min(0, a − δ) turns at logp_w = δ + logp_l = −14; samples −40, −39, …, −1 hit it.
    const s = run('slic-hf', { axes: [{ name: 'logp_w', lo: -40, hi: -1, log: false, n: 40 }], of: ['dW', 'dL'], at: { logp_l: -15 } });
    const on = s.samples.filter((p) => p.gaps.dW?.code === 'E_ON_BOUNDARY');
    expect(on.map((p) => p.at[0])).toEqual([-14]);
    expect(s.boundaries).toHaveLength(1);
    expect(s.boundaries[0].at).toBe(-14);
    // Off a sample: the bisection lands within float64 resolution of the hinge at −14.5 + … (δ = 0.5).
    const t = run('slic-hf', { axes: [{ name: 'logp_w', lo: -40, hi: -1, log: false, n: 40 }], of: ['dW'], at: { logp_l: -15, delta: 0.5 } });
    expect(t.boundaries).toHaveLength(1);
    expect(Math.abs(t.boundaries[0].at - -14.5)).toBeLessThan(1e-12);
  });

  it('the step: Δlogp and the case are classifyCertified\'s; given a Gram the case-1 region\'s edges are found', () => {
    // SimPO: d_w/d_l = |y_l|/|y_w|; with ⟨a,b⟩ = 0.5, ‖a‖ = ‖b‖ = 1 the step is case 1 while |y_w| < 2, both ↓ after.
    const gram = { innerWL: 0.5, normW2: 1, normL2: 1 };
    const at = { logp_l: -15 };
    const s = run('simpo', { axes: [{ name: 'logp_w', lo: -40, hi: -1, log: false, n: 9 }, { name: 'len_w', lo: 1, hi: 100, log: true, n: 9 }], of: ['dLogpW', 'case'], at, gram });
    for (const p of s.samples) {
      const e = evalAt('simpo', { ...at, logp_w: p.at[0], len_w: p.at[1] });
      const k = e.ok ? classifyCertified(e.value, gram) : e;
      if (k.ok) { expect(p.values.case).toBe(k.value.caseId); expect(p.values.dLogpW).toBe(k.value.dLogpW); } else expect(p.gaps.case?.code).toBe(k.errors[0].code);
    }
    const cases = new Set(s.samples.map((p) => p.values.case));
    expect(cases.has(1)).toBe(true);
    expect(cases.size).toBeGreaterThan(1);
    expect(s.case1Edges.length).toBeGreaterThan(0);
  });

  it('two variables: an edge between every pair of neighbouring cells of different regimes, and nowhere else', () => {
    const at = { logp_l: -15 };
    const s = run('slic-hf', { axes: [{ name: 'logp_w', lo: -30, hi: -1, log: false, n: 12 }, { name: 'delta', lo: 0.5, hi: 30, log: true, n: 12 }], of: ['dW'], at });
    const c = compiled('slic-hf');
    const [xs, ys] = s.axes.map(axisValues);
    const reg = (i: number, j: number) => { const q = completePoint(c.derivation, { ...at, logp_w: xs[i], delta: ys[j] }); if (!q.ok) throw new Error(); return regimeAt(c, q.value.values); };
    const [ex, ey] = [cellEdges(s.axes[0], xs), cellEdges(s.axes[1], ys)];
    const want: string[] = [];
    for (let i = 0; i < xs.length; i++) for (let j = 0; j < ys.length; j++) {
      if (i + 1 < xs.length && reg(i, j) !== reg(i + 1, j)) want.push(`${ex[i + 1]},${ey[j]},${ex[i + 1]},${ey[j + 1]}`);
      if (j + 1 < ys.length && reg(i, j) !== reg(i, j + 1)) want.push(`${ex[i]},${ey[j + 1]},${ex[i + 1]},${ey[j + 1]}`);
    }
    expect(want.length).toBeGreaterThan(4);
    expect(s.regimeEdges.map((e) => `${e.x1},${e.y1},${e.x2},${e.y2}`).sort()).toEqual(want.sort());
  });

  it('refuses what it cannot sweep, with codes and hints', () => {
    const c = compiled('dpo');
    const errs = (r: Partial<SweepRequest>) => { const s = sweep(c, { axes: [], of: ['dW'], at: {}, ...r }); return s.ok ? [] : s.errors.map((e) => `${e.code} ${e.message}${e.hint ? ` — ${e.hint}` : ''}`); };
    expect(errs({ axes: [{ name: 'bta', lo: 0.01, hi: 1, log: false, n: 5 }], at: { logp_w: -1, logp_l: -2 } })[0]).toMatch(/E_POINT 'bta' is not a variable.*did you mean 'beta'/);
    expect(errs({ axes: [{ name: 'logp_w', lo: -5, hi: 1, log: false, n: 5 }], at: { logp_l: -2, c_ref_w: -1 } })[0]).toMatch(/E_POINT logp_w is a log-probability: it must stay below 0/);
    expect(errs({ axes: [{ name: 'logp_w', lo: -5, hi: -1, log: false, n: 5 }], at: { logp_l: -2 } })[0]).toMatch(/E_POINT sweeping logp_w moves the policy.*--at c_ref_w=/);
    expect(errs({ axes: [{ name: 'logp_w', lo: -5, hi: -1, log: false, n: 5 }], at: { c_ref_w: -1 } })[0]).toMatch(/E_POINT the sweep needs a value for logp_l — give it with --at logp_l=/);
    expect(errs({ axes: [{ name: 'beta', lo: 0.01, hi: 1, log: false, n: 5 }], of: ['case'], at: { logp_w: -1, logp_l: -2 } })[0]).toMatch(/E_USAGE Table 1's case need.*--inner/);
    expect(errs({ axes: [{ name: 'beta', lo: -1, hi: 1, log: true, n: 5 }], at: { logp_w: -1, logp_l: -2 } })[0]).toMatch(/E_USAGE 'beta': a log-spaced range must not include 0/);
    expect(parseAxis('beta=0.01:1:50:log')).toEqual({ ok: true, value: { name: 'beta', lo: 0.01, hi: 1, log: true, n: 50 } });
    expect(parseAxis('beta=0.01..1').ok).toBe(false);
  });
});

describe('sweep (the figure, read back from its SVG)', () => {
  it('one variable: each point is drawn where the axes put evaluateAt\'s value; refused points are gaps', async () => {
    const at = { logp_w: -1, c_ref_w: -1, c_ref_l: -1, beta: 10 };
    const s = run('dpo', { axes: [{ name: 'logp_l', lo: -300, hi: -1, log: false, n: 60 }], of: ['dW', 'dL'], at });
    const panels = readPanels(await toSvg(sweepSpec(s)));
    const xs = axisValues(s.axes[0]);
    for (const [q, title] of [['dW', 'd_w'], ['dL', 'd_l']] as const) {
      const p = panelOf(panels, title);
      const points = p.marks.filter((m) => m.role === 'point');
      const X = axisMap(p.x!), Y = axisMap(p.y!);
      const refused = s.samples.filter((x) => x.gaps[q]).length;
      expect(points).toHaveLength(s.samples.length - refused);
      // Every fifth sample: its point's label and its pixels, against evaluateAt.
      for (let i = 0; i < xs.length; i += 5) {
        const e = evalAt('dpo', { ...at, logp_l: xs[i] });
        const m = points.find((pt) => labelled(pt, 'logp_l') === xs[i]);
        if (!e.ok) { expect(m, `a number drawn at refused logp_l = ${xs[i]}`).toBeUndefined(); continue; }
        expect(m).toBeDefined();
        expect(labelled(m!, title)).toBe(e.value[q]);
        expect(Math.abs(m!.x - X(xs[i]))).toBeLessThan(1);
        expect(Math.abs(m!.y - Y(e.value[q]))).toBeLessThan(1);
      }
      const gaps = p.marks.filter((m) => m.role === 'rule mark' && m.label.includes('refused: E_'));
      expect(gaps).toHaveLength(refused);
      // The line runs through the certified values only: one vertex each, none bridging a gap.
      const line = p.marks.find((m) => m.role === 'line mark')!;
      expect((line.d.match(/[ML]/g) ?? []).length).toBe(s.samples.length - refused);
    }
  });

  it('one variable: the values agree with the `eval` command at sampled points', async () => {
    const s = run('simpo', { axes: [{ name: 'len_w', lo: 1, hi: 1000, log: true, n: 31 }], of: ['dW', 'ratio'], at: { logp_w: -10, logp_l: -12, len_l: 20 } });
    const panels = readPanels(await toSvg(sweepSpec(s)));
    const p = panelOf(panels, 'd_w'), r = panelOf(panels, 'd_w/d_l');
    for (const i of [0, 10, 30]) {
      const x = axisValues(s.axes[0])[i];
      const e = await runCli(['eval', 'simpo', '--at', `logp_w=-10,logp_l=-12,len_l=20,len_w=${x}`, '--json']);
      const j = JSON.parse(e.stdout);
      const pt = p.marks.find((m) => m.role === 'point' && labelled(m, 'len_w') === x)!;
      expect(labelled(pt, 'd_w')).toBe(j.dW);
      expect(Math.abs(pt.x - axisMap(p.x!)(x))).toBeLessThan(1);
      expect(Math.abs(pt.y - axisMap(p.y!)(j.dW))).toBeLessThan(1);
      expect(labelled(r.marks.find((m) => m.role === 'point' && labelled(m, 'len_w') === x)!, 'd_w/d_l')).toBe(j.ratio);
    }
    expect(p.x!.log).toBe(true);
  });

  it('one variable: the regime boundary is drawn where the regime changes', async () => {
    const s = run('slic-hf', { axes: [{ name: 'logp_w', lo: -40, hi: -1, log: false, n: 40 }], of: ['dW'], at: { logp_l: -15, delta: 0.5 } });
    const p = panelOf(readPanels(await toSvg(sweepSpec(s))), 'd_w');
    const rule = p.marks.find((m) => m.role === 'rule mark' && m.label.startsWith('regime boundary'))!;
    const at = labelled(rule, 'logp_w');
    expect(Math.abs(rule.x - axisMap(p.x!)(at))).toBeLessThan(1);
    const c = compiled('slic-hf');
    const side = (v: number) => { const q = completePoint(c.derivation, { logp_l: -15, delta: 0.5, logp_w: v }); if (!q.ok) throw new Error(); return regimeAt(c, q.value.values); };
    expect(side(at - 1e-9)).not.toBe(side(at + 1e-9));
  });

  it('two variables: each cell is drawn at its sample with evaluateAt\'s value; regime and case-1 edges are drawn', async () => {
    const gram = { innerWL: 0.9, normW2: 1, normL2: 1 };
    const at = { logp_l: -15, c_ref_w: -12, c_ref_l: -15 };
    const s = run('slic-hf', { axes: [{ name: 'logp_w', lo: -30, hi: -1, log: false, n: 15 }, { name: 'delta', lo: 0.5, hi: 30, log: true, n: 15 }], of: ['dW', 'case'], at, gram });
    const panels = readPanels(await toSvg(sweepSpec(s)));
    const heat = panels.find((p) => p.marks.some((m) => m.role === 'rect mark' && m.label.includes('; d_w = ')))!;
    const X = axisMap(heat.x!), Y = axisMap(heat.y!);
    const cells = heat.marks.filter((m) => m.role === 'rect mark' && m.label.includes('; d_w = '));
    expect(cells.length + s.refused.samples).toBe(s.samples.length);
    for (let k = 0; k < cells.length; k += 7) {
      const m = cells[k];
      const x = labelled(m, 'logp_w'), y = labelled(m, 'delta');
      const e = evalAt('slic-hf', { ...at, logp_w: x, delta: y });
      expect(e.ok).toBe(true);
      if (!e.ok) continue;
      expect(labelled(m, 'd_w')).toBe(e.value.dW);
      // The sample lies inside its cell.
      const [px, py] = [X(x), Y(y)];
      expect(px).toBeGreaterThanOrEqual(m.x - 0.5); expect(px).toBeLessThanOrEqual(m.x + m.w + 0.5);
      expect(py).toBeGreaterThanOrEqual(m.y - 0.5); expect(py).toBeLessThanOrEqual(m.y + m.h + 0.5);
    }
    const edges = heat.marks.filter((m) => m.role === 'rule mark' && m.label === 'regime boundary');
    expect(edges.length).toBe(s.regimeEdges.length);
    expect(edges.length).toBeGreaterThan(0);
    const casePanel = panels.find((p) => p.marks.some((m) => m.label.includes('; Table 1\'s case = ')))!;
    expect(casePanel.marks.filter((m) => m.role === 'rule mark' && m.label === 'edge of the case-1 region').length).toBe(s.case1Edges.length);
  });
});

describe('marginlab sweep (the command)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marginlab-sweep-'));
  it('writes SVG, PNG and JSON by the extension; a bare --log applies to the --over before it', async () => {
    const base = ['sweep', 'dpo', '--over', 'logp_w=-40:-1:9', '--over', 'beta=0.01:1:5', '--log', '--at', 'logp_l=-15,c_ref_w=-12,c_ref_l=-15'];
    for (const ext of ['svg', 'png', 'json']) {
      const r = await runCli([...base, '--out', join(dir, `s.${ext}`)]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`wrote ${join(dir, `s.${ext}`)}`);
    }
    expect(readFileSync(join(dir, 's.svg'), 'utf8')).toMatch(/^<svg/);
    expect(readFileSync(join(dir, 's.png')).subarray(1, 4).toString()).toBe('PNG');
    const j = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'));
    expect(j.schema).toBe('marginlab/sweep@1');
    expect(j.axes.map((a: { name: string; log: boolean }) => [a.name, a.log])).toEqual([['logp_w', false], ['beta', true]]);
    expect(j.samples).toHaveLength(45);
    expect(j.samples[0]).toMatchObject({ at: { logp_w: -40, beta: 0.01 } });
  });

  it('prints a summary without --out, and exits 2 with a coded message on bad input', async () => {
    const ok = await runCli(['sweep', 'slic-hf', '--over', 'logp_w=-40:-1:40', '--at', 'logp_l=-15']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/1 of 40 points refused \(E_ON_BOUNDARY: 1\): drawn as gaps/);
    expect(ok.stdout).toMatch(/regime boundary at logp_w = -14/);
    for (const [args, msg] of [
      [['--over', 'logp_w=-40'], /E_USAGE in --over: expected name=lo:hi/],
      [['--over', 'logp_w=-40:-1', '--of', 'dw'], /E_USAGE in --of: unknown quantity 'dw' — did you mean 'dW'\?/],
      [['--over', 'logp_w=-40:-1', '--inner', '1'], /E_USAGE.*needs all of --inner, --norm-w2 and --norm-l2/],
      [['--over', 'logp_w=-40:-1', '--out', join(dir, 's.pdf')], /E_USAGE.*end it in \.svg, \.png or \.json/],
      [['--over', 'logp_w=-40:-1', '--log', 'beta'], /E_USAGE.*--log names 'beta', which no --over sweeps/],
    ] as const) {
      const r = await runCli(['sweep', 'slic-hf', ...args, '--at', 'logp_l=-15']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    }
  });
});
