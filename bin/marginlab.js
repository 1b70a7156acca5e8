#!/usr/bin/env node
// Entry point: runs the compiled CLI (npm run build writes dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(dist))) {
  process.stderr.write('marginlab: dist/ is missing; run `npm run build` first\n');
  process.exit(2);
}
const { main } = await import(dist.href);
process.exitCode = await main(process.argv.slice(2));
