// The backend in a browser: the fixture page (bundled with esbuild from the same sources) runs Theorem 1
// in headless Debian Chromium on navigator.gpu (SwiftShader, no GPU needed), served from 127.0.0.1 —
// WebGPU needs a secure context, which a data: URL is not. Chromium comes from apt (scripts/test-all.sh),
// driven by playwright-core; a missing browser fails this test rather than skipping it.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { theorem1 } from '../../../src/numeric/theorems/theorem1.js';
import type { CompareOutcome } from '../../../src/numeric/webgpu/index.js';
import { FIXTURE_OPTIONS } from './fixture/options.js';

const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.MARGINLAB_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--enable-unsafe-webgpu', '--use-angle=swiftshader', '--no-sandbox', '--headless=new', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

let server: Server;
let url: string;

beforeAll(async () => {
  const bundle = await build({ entryPoints: [join(here, 'fixture', 'page.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' });
  const js = bundle.outputFiles[0].text;
  const html = '<!doctype html><meta charset="utf-8"><title>marginlab webgpu</title><script type="module" src="/page.js"></script>';
  server = createServer((req, res) => {
    const isJs = req.url === '/page.js';
    res.writeHead(200, { 'content-type': isJs ? 'text/javascript' : 'text/html' });
    res.end(isJs ? js : html);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((ok) => (server ? server.close(() => ok()) : ok())));

describe('webgpu backend in headless chromium', () => {
  it('the bundle leaves the Node-only Dawn import out', async () => {
    const bundle = await build({ entryPoints: [join(here, 'fixture', 'page.ts')], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' });
    expect(bundle.outputFiles[0].text).not.toMatch(/dawn\.node/);
  });

  it('runs theorem1 on navigator.gpu and agrees with float64', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(url);
      await page.waitForFunction(() => (window as Window & { __marginlab?: unknown }).__marginlab !== undefined, undefined, { timeout: 90_000 });
      const r = await page.evaluate(() => (window as Window & { __marginlab?: unknown }).__marginlab) as
        { ok: true; adapter: { runtime: string; name: string }; outcome: CompareOutcome } | { ok: false; code: string; error: string };
      expect(errors).toEqual([]);
      if (!r.ok) throw new Error(`${r.code}: ${r.error}`);
      expect(r.adapter.runtime).toBe('browser');
      expect(r.outcome.ok).toBe(true);
      if (!r.outcome.ok) return;
      const v = r.outcome.verdict;
      const node = await theorem1(FIXTURE_OPTIONS);
      expect(v.status).toBe(node.status);
      expect(v.status).toBe('verified');
      expect(v.precision.ops).toBeGreaterThan(50);
      expect(v.precision.violations, v.precision.note).toBe(0);
      expect(v.precision.worstRatio).toBeGreaterThan(0);
      expect(v.precision.adapter).toMatch(/via browser/);
      process.stdout.write(`browser adapter: ${v.precision.adapter}; ${v.precision.note}\n`);
    } finally {
      await browser.close();
    }
  });
});
