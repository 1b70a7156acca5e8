// Loads the CLI's bundle (dist/bundle/cli.cjs, written by scripts/bundle-cli.ts) as a node:vm script with
// V8's code cache (dist/bundle/cli.cache), so a cold start skips compiling what earlier runs compiled.
// `node bin/bundle-loader.js --write-cache` (the build runs it) loads the bundle, runs the commonest
// commands in-process with their output discarded, and writes the cache from what V8 compiled.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

export const BUNDLE = fileURLToPath(new URL('../dist/bundle/cli.cjs', import.meta.url));
const CACHE = fileURLToPath(new URL('../dist/bundle/cli.cache', import.meta.url));

// The bundle's src/util/packages/NAME.ts call this: import() from an ES module, resolved from bin/, in the
// same package as the bundle.
globalThis[Symbol.for('marginlab.importPackage')] ??= (name) => import(name);

/** The bundle's exports ({ main, … }) and its script, compiled with the code cache when V8 accepts it. */
export function loadBundle({ cache = true } = {}) {
  // ASCII (the build checks it): read as one-byte text, with no UTF-8 to decode.
  const source = readFileSync(BUNDLE, 'latin1');
  const cachedData = cache && existsSync(CACHE) ? readFileSync(CACHE) : undefined;
  // The same wrapper Node gives a CommonJS module.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: BUNDLE, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
  return { exports: module.exports, script };
}

/** What a user runs first: the cache holds the code these paths compile. */
const WARM = [
  ['--help'],
  ['eval', 'dpo', '--at', 'logp_w=-1,logp_l=-2'],
  ['eval', 'simpo', '--at', 'logp_w=-1,logp_l=-2', '--json'],
  ['derive', 'dpo'],
  ['derive', 'ipo', '--json'],
  ['classify', 'dpo', '--at', 'logp_w=-1,logp_l=-2', '--inner', '0', '--norm-w2', '1', '--norm-l2', '1'],
  ['catalogue'],
];

// Only as its own script: the bin imports this module, and a user's `marginlab --write-cache` is an unknown option.
const runAsScript = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (runAsScript && process.argv[2] === '--write-cache') {
  // The build runs this with its output discarded.
  const { exports, script } = loadBundle({ cache: false });
  for (const argv of WARM) await exports.main(argv);
  process.exitCode = 0;
  writeFileSync(CACHE, script.createCachedData());
}
