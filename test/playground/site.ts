// Test support for the playground: build the site into test-artifacts/ (never over docs/playground),
// serve it from 127.0.0.1 with a tiny static server, and launch Debian's headless Chromium.

import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { build } from 'vite';
import { type Browser, chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'playground');
export const SITE = join(ROOT, 'test-artifacts', 'site');
export const CHROMIUM = '/usr/bin/chromium';

export async function buildSite(): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await build({ configFile: join(ROOT, 'playground/vite.config.ts'), logLevel: 'error', build: { outDir: SITE, emptyOutDir: true } });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.woff2': 'font/woff2', '.json': 'application/json', '.svg': 'image/svg+xml',
};

export interface Served { readonly server: Server; readonly origin: string; readonly requests: string[] }

export async function serve(dir: string): Promise<Served> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url.pathname);
    const path = normalize(join(dir, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)));
    if (!path.startsWith(dir) || !existsSync(path) || !statSync(path).isFile()) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/test-all.sh (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    // WebGPU on SwiftShader (no GPU needed), as test/numeric/webgpu/browser.test.ts runs it.
    args: ['--no-sandbox', '--headless=new', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      '--enable-unsafe-webgpu', '--use-angle=swiftshader'],
  });
}

/**
 * Waits (at most `limitMs`) until the browser's own processes stop using the CPU, and says how long that
 * took. Chromium's start-up and, in headless=new (Chromium 156), the omnibox popup WebUI it loads for
 * each new context's first window cost about 2.5 s of CPU; a timed page load that overlaps them on a
 * two-core machine measures the browser opening, not the page.
 */
export async function settled(browser: Browser, limitMs = 20_000): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  const cpu = async () => (await cdp.send('SystemInfo.getProcessInfo')).processInfo.reduce((s, p) => s + p.cpuTime, 0);
  const t0 = Date.now();
  let last = await cpu();
  let quiet = 0;
  // Quiet: under a tenth of one core, twice running (cpuTime is in seconds).
  while (quiet < 2 && Date.now() - t0 < limitMs) {
    await new Promise((ok) => setTimeout(ok, 250));
    const now = await cpu();
    quiet = now - last < 0.025 ? quiet + 1 : 0;
    last = now;
  }
  await cdp.detach();
  return Date.now() - t0;
}
