// The CLI as one CommonJS script with a V8 code cache (npm run build runs this after tsc): bin/marginlab.js
// loads dist/bundle/cli.cjs through bin/bundle-loader.js when it is there, else tsc's module tree (dist/cli/).
// Why: a cold start of the CLI was mostly Node resolving, reading and compiling modules. One file needs
// one read and no resolution, and node:vm lets a script reuse the code V8 compiled in an earlier run
// (cachedData) — Node 20 has no such cache for ES modules (module.enableCompileCache is ≥ 22.1).
//  1. mathjs is tree-shaken down to its parse factory and node classes (src/loss/mathjs-parse.ts, as the
//     playground's build does) in an ES-module build of its own first: in a CommonJS bundle whose modules
//     initialise lazily esbuild cannot shake mathjs's index, and all of mathjs would come along.
//  2. The CLI is bundled as CommonJS. A command's modules still run only when it runs (esbuild initialises
//     a module reached by import() on first use), and the dependencies only some paths need (vega, katex,
//     resvg, webgpu, fast-check, zod, yaml, cli-progress) stay packages: the CommonJS ones required on
//     those paths, the rest imported through src/util/packages/NAME.ts, each replaced here by a call back
//     into the bin (an ES module, where import() works; Node 20 refuses import() inside a vm script).
//  3. The code cache: a child process loads the script, runs the commonest commands in it (output
//     discarded), and writes what V8 compiled to dist/bundle/cli.cache. A Node whose V8 differs rejects it
//     and compiles from source: slower, same answers.
// dist/bundle/ is two folders below the repository root, like dist/trainer/, so the paths modules find from
// import.meta.url (src/trainer/locate.ts; defined below from the script's own path) still hold.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { dependencies: Record<string, string> };
/** Bundled: mathjs (to tree-shake it) and commander (small, on every path). Everything else stays a package. */
const BUNDLED = new Set(['mathjs', 'commander']);
const external = Object.keys(pkg.dependencies).filter((d) => !BUNDLED.has(d)).flatMap((d) => [d, `${d}/*`]);
/** The global through which the bundle's src/util/packages/ reach the bin's import() (bin/bundle-loader.js). */
const IMPORT_HOOK = 'marginlab.importPackage';

rmSync(`${root}dist/bundle`, { recursive: true, force: true });
// Step 1's output, inside the build folder so that the bundle names it by a fixed path; removed after step 2.
const parser = `${root}dist/bundle/mathjs-parse.mjs`;
try {
  await build({ absWorkingDir: root, entryPoints: ['src/loss/mathjs-parse.ts'], outfile: parser, bundle: true, format: 'esm',
    platform: 'node', target: 'node20', logLevel: 'warning' });
  await build({
    absWorkingDir: root,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/bundle/cli.cjs',
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: [...external, 'webgpu'],
    define: { 'import.meta.url': '__marginlabModuleUrl' },
    // ASCII only (string literals escaped, comments dropped), so the loader can read it as one-byte text
    // without decoding UTF-8: a measurable part of a cold start for a megabyte.
    charset: 'ascii',
    minifyWhitespace: true,
    banner: { js: "var __marginlabModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    plugins: [{
      name: 'marginlab-cli',
      setup(b) {
        b.onResolve({ filter: /^mathjs\/lib\/browser\/math\.js$/ }, () => ({ path: parser }));
        // commander requires child_process (and with it net) at load, for executable subcommands, which
        // marginlab has none of; loading it costs every command several ms. It gets it on first use instead.
        b.onResolve({ filter: /^(node:)?child_process$/ }, (a) => (/[\\/]node_modules[\\/]commander[\\/]/.test(a.importer)
          ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined));
        b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({ loader: 'js',
          contents: "let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require('node:child_process'))[k] });" }));
        // src/util/packages/NAME.ts → the bin imports NAME (bin/bundle-loader.js).
        b.onLoad({ filter: /[\\/]src[\\/]util[\\/]packages[\\/][^\\/]+\.ts$/ }, (a) => ({ loader: 'js',
          contents: `export const load = () => globalThis[Symbol.for(${JSON.stringify(IMPORT_HOOK)})](${JSON.stringify(basename(a.path, '.ts'))});` }));
      },
    }],
    logLevel: 'warning',
  });
} finally {
  rmSync(parser, { force: true });
}
const text = readFileSync(`${root}dist/bundle/cli.cjs`);
const wide = text.findIndex((byte) => byte > 0x7f);
if (wide >= 0) throw new Error(`bundle-cli: dist/bundle/cli.cjs has a non-ASCII byte at offset ${wide}; bin/bundle-loader.js reads it as latin1`);

const warm = spawnSync(process.execPath, [`${root}bin/bundle-loader.js`, '--write-cache'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (warm.status !== 0) throw new Error(`bundle-cli: writing the code cache failed (exit ${warm.status})`);
