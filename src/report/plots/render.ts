// Vega-Lite spec → SVG (and PNG) headless in Node: vega-lite compiles to a Vega spec, a Vega View with the
// 'none' renderer draws it to an SVG string (no browser, no canvas), and resvg rasterises that SVG to PNG.
// Both are rendered with the same fonts every time, so the files are reproducible.

import { Resvg } from '@resvg/resvg-js';
import type { TopLevelSpec } from 'vega-lite';
import { load as loadVega } from '../../util/packages/vega.js';
import { load as loadVegaLite } from '../../util/packages/vega-lite.js';

export async function toSvg(spec: TopLevelSpec): Promise<string> {
  // vega and vega-lite are ES modules with top-level await: imported when drawn, never required (util/packages/).
  const vega = await loadVega();
  const { compile } = await loadVegaLite();
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export function svgToPng(svg: string): Uint8Array {
  return new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true } }).render().asPng();
}
