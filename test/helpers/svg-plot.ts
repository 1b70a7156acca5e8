// Reading a Vega SVG back as data: each panel (a concat cell) with its axes — tick positions and the
// values their labels print — and its marks with their ARIA labels and positions, so a test can map a
// point's pixels back through the axes and compare the value it is drawn at with the value it claims.

import { XMLParser, XMLValidator } from 'fast-xml-parser';

type Node = Record<string, unknown>;

export interface Tick { readonly px: number; readonly value: number }
export interface Axis { readonly title: string; readonly ticks: readonly Tick[]; readonly log: boolean }
export interface Mark { readonly role: string; readonly label: string; readonly x: number; readonly y: number; readonly w: number; readonly h: number; readonly d: string }
export interface Panel { readonly x?: Axis; readonly y?: Axis; readonly marks: readonly Mark[] }

const asArray = (v: unknown): Node[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]) as Node[];
const translate = (t: unknown): [number, number] => {
  const m = /translate\(([-\d.e]+),\s*([-\d.e]+)\)/.exec(String(t ?? ''));
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
};
const num = (s: string) => Number(s.replace(/−/g, '-').replace(/,/g, ''));
const children = (n: Node): [string, Node][] => Object.entries(n).flatMap(([k, v]) => (k === '#text' || typeof v !== 'object' ? [] : asArray(v).map((c) => [k, c] as [string, Node])));

/** Every descendant with its tag and the offset of the groups above it (relative to `n`). */
function descendants(n: Node, dx = 0, dy = 0, out: { tag: string; node: Node; dx: number; dy: number }[] = []) {
  for (const [tag, c] of children(n)) {
    out.push({ tag, node: c, dx, dy });
    const [tx, ty] = tag === 'g' ? translate(c.transform) : [0, 0];
    descendants(c, dx + tx, dy + ty, out);
  }
  return out;
}

function axisOf(g: Node, dx: number, dy: number): { which: 'x' | 'y'; axis: Axis } | null {
  const label = String(g['aria-label'] ?? '');
  const m = /^([XY])-axis titled '([^']*)' for a (\w+) scale/.exec(label);
  if (!m) return null;
  const all = descendants(g, dx, dy);
  const tickGroup = all.find((e) => e.tag === 'g' && String(e.node.class ?? '').includes('role-axis-tick'));
  const labelGroup = all.find((e) => e.tag === 'g' && String(e.node.class ?? '').includes('role-axis-label'));
  if (!tickGroup || !labelGroup) return null;
  const lines = asArray(tickGroup.node.line).map((l) => translate(l.transform));
  const texts = asArray(labelGroup.node.text).map((t) => String(t['#text'] ?? ''));
  const which = m[1] === 'X' ? 'x' : 'y';
  const [ox, oy] = [tickGroup.dx, tickGroup.dy];
  const ticks = lines.map(([tx, ty], i) => ({ px: which === 'x' ? ox + tx : oy + ty, value: num(texts[i] ?? 'NaN') })).filter((t) => Number.isFinite(t.value));
  return { which, axis: { title: m[2], ticks, log: m[3] === 'log' } };
}

function markOf(tag: string, n: Node, dx: number, dy: number): Mark | null {
  const role = n['aria-roledescription'];
  if (typeof role !== 'string' || typeof n['aria-label'] !== 'string' || role.endsWith('container')) return null;
  const [tx, ty] = translate(n.transform);
  const d = String(n.d ?? '');
  let x = dx + tx, y = dy + ty, w = 0, h = 0;
  const rect = /^M([-\d.e]+),([-\d.e]+)h([-\d.e]+)v([-\d.e]+)h/.exec(d);
  if (rect) { x += Number(rect[1]); y += Number(rect[2]); w = Number(rect[3]); h = Number(rect[4]); }
  if (tag === 'line') { w = Number(n.x2 ?? 0); h = Number(n.y2 ?? 0); }
  return { role, label: String(n['aria-label']), x, y, w, h, d };
}

/** The panels of a Vega SVG: each `role-scope` group (a concat cell), or the whole figure if none. */
export function readPanels(svg: string): Panel[] {
  if (XMLValidator.validate(svg) !== true) throw new Error('not valid XML');
  const root = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg) as Node;
  const all = descendants(root);
  const scopes = all.filter((e) => e.tag === 'g' && /role-scope/.test(String(e.node.class ?? '')));
  return (scopes.length ? scopes : [{ tag: 'g', node: root, dx: 0, dy: 0 }]).map((s) => {
    // The scope's own content group carries its offset.
    const inner = descendants(s.node, s.dx, s.dy);
    const panel: { x?: Axis; y?: Axis; marks: Mark[] } = { marks: [] };
    for (const e of inner) {
      if (e.tag === 'g' && e.node['aria-roledescription'] === 'axis') {
        const a = axisOf(e.node, e.dx, e.dy);
        if (a) panel[a.which] = a.axis;
      }
      const m = markOf(e.tag, e.node, e.dx, e.dy);
      if (m) panel.marks.push(m);
    }
    return panel;
  });
}

/** An axis as a map from value to pixel, fitted through its ticks (linear in the value or its log). */
export function axisMap(a: Axis): (v: number) => number {
  const f = (v: number) => (a.log ? Math.log(Math.abs(v)) : v);
  const [t0, t1] = [a.ticks[0], a.ticks[a.ticks.length - 1]];
  if (!t0 || t0 === t1) throw new Error(`axis '${a.title}' has fewer than two labelled ticks`);
  const k = (t1.px - t0.px) / (f(t1.value) - f(t0.value));
  return (v: number) => t0.px + k * (f(v) - f(t0.value));
}
