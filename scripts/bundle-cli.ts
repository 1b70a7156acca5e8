// The CLI as one ES module plus one chunk per command (npm run build runs this after tsc): bin/marginlab.js
// loads dist/bundle/main.js when it is there. Why: Node's cold start of the unbundled tree is module
// resolution and loading, and mathjs's single-file bundle alone costs ~0.8 s (building all of mathjs and
// scanning its CommonJS exports); here mathjs is tree-shaken down to its parse factory and node classes
// (src/loss/mathjs-parse.ts, as the playground's build does). A command's chunk is still loaded only
// when it runs (src/cli/lazy.ts), and the heavy dependencies the CLI imports only on some paths (vega,
// katex, resvg, webgpu, fast-check, zod, yaml, cli-progress) stay outside the bundle, loaded by Node
// on those paths alone. The chunks sit in dist/bundle/ — two folders below the repository root, like
// dist/trainer/ — so the paths modules find beside import.meta.url (src/trainer/locate.ts) still hold.
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { dependencies: Record<string, string> };
/** Bundled: mathjs (to tree-shake it) and commander (small, on every path). Everything else stays a package. */
const BUNDLED = new Set(['mathjs', 'commander']);
const external = Object.keys(pkg.dependencies).filter((d) => !BUNDLED.has(d)).flatMap((d) => [d, `${d}/*`]);

// esbuild adds to its output folder; chunks of an earlier build (other hashes) would linger.
rmSync(`${root}dist/bundle`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: [...external, 'webgpu'],
  chunkNames: '[name]-[hash]',
  // commander is CommonJS: its require()s of node: built-ins need a real require in an ES module.
  banner: { js: "import { createRequire as __marginlabRequire } from 'node:module'; const require = __marginlabRequire(import.meta.url);" },
  plugins: [{
    name: 'mathjs-parse-only',
    setup(b) {
      b.onResolve({ filter: /^mathjs\/lib\/browser\/math\.js$/ }, () => ({ path: `${root}src/loss/mathjs-parse.ts` }));
    },
  }],
  logLevel: 'warning',
});
