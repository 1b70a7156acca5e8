// Reading a PNG as pixels, for tests that measure what a person would see: 8-bit greyscale or RGB(A),
// non-interlaced, as pdftoppm and resvg write them. Then the dark glyphs on it: connected components
// of ink, with their bounding boxes.

import { inflateSync } from 'node:zlib';

export interface Grey { readonly width: number; readonly height: number; readonly px: Uint8Array }

/** Decode a PNG to one grey byte per pixel (0 black … 255 white). */
export function readPng(buf: Buffer): Grey {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let width = 0, height = 0, depth = 0, colour = 0, interlace = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < buf.length;) {
    const len = buf.readUInt32BE(at), type = buf.toString('latin1', at + 4, at + 8), data = buf.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') { width = data.readUInt32BE(0); height = data.readUInt32BE(4); depth = data[8]; colour = data[9]; interlace = data[12]; }
    if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colour];
  if (depth !== 8 || !channels || interlace) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const rows = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? rows[y * stride + x - channels] : 0;
      const b = y > 0 ? rows[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? rows[(y - 1) * stride + x - channels] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      rows[y * stride + x] = (line[x] + pred) & 0xff;
    }
  }
  const px = new Uint8Array(width * height);
  for (let i = 0; i < width * height; i++) {
    px[i] = channels < 3 ? rows[i * channels] : Math.round((rows[i * channels] + rows[i * channels + 1] + rows[i * channels + 2]) / 3);
  }
  return { width, height, px };
}

export interface Glyph { readonly x: number; readonly y: number; readonly w: number; readonly h: number; readonly ink: number }

/** Connected components (8-neighbour) of pixels darker than `threshold`. */
export function glyphs(img: Grey, threshold = 128): Glyph[] {
  const seen = new Uint8Array(img.width * img.height);
  const out: Glyph[] = [];
  const stack: number[] = [];
  for (let start = 0; start < seen.length; start++) {
    if (seen[start] || img.px[start] >= threshold) continue;
    let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1, ink = 0;
    stack.push(start);
    seen[start] = 1;
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % img.width, y = (i - x) / img.width;
      ink++;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx, ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= img.width || ny >= img.height) continue;
        const j = ny * img.width + nx;
        if (!seen[j] && img.px[j] < threshold) { seen[j] = 1; stack.push(j); }
      }
    }
    out.push({ x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1, ink });
  }
  return out;
}

/**
 * Glyphs grouped into runs of ink a reader sees as one word or formula piece: two glyphs join when their
 * boxes, grown by `gap` px sideways and `lift` px up and down, meet — so the dot of an i, a period, a
 * subscript join their word. Left out, as their height says nothing about the size of type: runs of
 * strokes only (rules, dashes, an = sign) and lone specks no larger than `punctuation` px (a colon's dots).
 */
export function inkRuns(gs: readonly Glyph[], gap: number, lift: number, punctuation: number): Glyph[] {
  const parent = gs.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const order = gs.map((_, i) => i).sort((a, b) => gs[a].x - gs[b].x);
  for (let a = 0; a < order.length; a++) {
    const g = gs[order[a]];
    for (let b = a + 1; b < order.length && gs[order[b]].x <= g.x + g.w + gap; b++) {
      const h = gs[order[b]];
      if (h.y <= g.y + g.h + lift && g.y <= h.y + h.h + lift) parent[find(order[a])] = find(order[b]);
    }
  }
  const runs = new Map<number, { x0: number; y0: number; x1: number; y1: number; ink: number; parts: number; flat: boolean }>();
  gs.forEach((g, i) => {
    const r = runs.get(find(i)) ?? { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity, ink: 0, parts: 0, flat: true };
    runs.set(find(i), { x0: Math.min(r.x0, g.x), y0: Math.min(r.y0, g.y), x1: Math.max(r.x1, g.x + g.w), y1: Math.max(r.y1, g.y + g.h),
      ink: r.ink + g.ink, parts: r.parts + 1, flat: r.flat && g.w >= 3 * g.h });
  });
  return [...runs.values()]
    // Strokes only (a rule, a dash, an = sign) or a lone speck (a colon's dots, a period) are no type size.
    .filter((r) => !r.flat && !(r.parts === 1 && Math.max(r.x1 - r.x0, r.y1 - r.y0) <= punctuation))
    .map((r) => ({ x: r.x0, y: r.y0, w: r.x1 - r.x0, h: r.y1 - r.y0, ink: r.ink }));
}
