#!/usr/bin/env node
// Entry point: runs the compiled CLI (npm run build writes dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(dist))) {
  process.stderr.write('marginlab: dist/ is missing; run `npm run build` first\n');
  process.exit(2);
}
// A closed pipe (`marginlab … | head`) is a normal way for a reader to stop listening.
process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(0); throw e; });
const { main } = await import(dist.href);
process.exitCode = await main(process.argv.slice(2));
