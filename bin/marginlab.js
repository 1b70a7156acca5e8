#!/usr/bin/env node
// Entry point: runs the compiled CLI (npm run build writes dist/): the bundle (dist/bundle/cli.cjs with its
// code cache, scripts/bundle-cli.ts) when it is there, for its cold start, else tsc's module tree.
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';
import { BUNDLE, loadBundle } from './bundle-loader.js';

// Node >= 22.1 can keep the compiled code of dist/'s modules between runs (in the OS's temporary folder);
// Node 20 has no such cache for ES modules, and module.enableCompileCache is undefined there.
module.enableCompileCache?.();

const bundled = existsSync(BUNDLE);
const tree = new URL('../dist/cli/main.js', import.meta.url);
if (!bundled && !existsSync(fileURLToPath(tree))) {
  process.stderr.write('marginlab: dist/ is missing; run `npm run build` first\n');
  process.exit(2);
}
// A closed pipe (`marginlab … | head`) is a normal way for a reader to stop listening.
process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(0); throw e; });
const { main } = bundled ? loadBundle().exports : await import(tree.href);
process.exitCode = await main(process.argv.slice(2));
