#!/usr/bin/env node
// Entry point: runs the compiled CLI (npm run build writes dist/): the bundle (dist/bundle/, scripts/bundle-cli.ts)
// when it is there, for its cold start, else tsc's module tree.
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// Node >= 22.1 can keep the compiled code of the CLI's modules between runs (in the OS's temporary folder);
// Node 20 has no such cache for ES modules, and module.enableCompileCache is undefined there.
module.enableCompileCache?.();

const bundle = new URL('../dist/bundle/main.js', import.meta.url);
const tree = new URL('../dist/cli/main.js', import.meta.url);
const dist = [bundle, tree].find((u) => existsSync(fileURLToPath(u)));
if (!dist) {
  process.stderr.write('marginlab: dist/ is missing; run `npm run build` first\n');
  process.exit(2);
}
// A closed pipe (`marginlab … | head`) is a normal way for a reader to stop listening.
process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(0); throw e; });
const { main } = await import(dist.href);
process.exitCode = await main(process.argv.slice(2));
