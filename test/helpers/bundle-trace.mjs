// Runs the CLI's bundle (dist/bundle/cli.cjs) in this process the way bin/bundle-loader.js does, traced, for
// test/cli/lazy.test.ts: every bundled module that initialises (`init: src/…`) and every package the
// bundle requires or imports (`package: NAME`), one line each on stderr. The trace is added to a copy of
// the source (esbuild's lazy-initialisation helper, __esm, reports each module it runs), never to the
// build. Usage: node test/helpers/bundle-trace.mjs ARGS…
import Module, { builtinModules, createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import vm from 'node:vm';
import { BUNDLE } from '../../bin/bundle-loader.js';

const say = (line) => process.stderr.write(`${line}\n`);
const isBuiltin = (name) => name.startsWith('node:') || builtinModules.includes(name);
const ESM_HELPER = 'var __esm=(fn,res,err)=>function __init(){';

const source = readFileSync(BUNDLE, 'latin1');
if (!source.includes(ESM_HELPER)) throw new Error(`bundle-trace: esbuild's __esm helper is not where expected in ${BUNDLE}`);
const traced = source.replace(ESM_HELPER, `${ESM_HELPER}if(fn)globalThis.__marginlabTrace("init: "+__getOwnPropNames(fn)[0]);`);
globalThis.__marginlabTrace = say;

const hook = Symbol.for('marginlab.importPackage');
const importPackage = globalThis[hook];
globalThis[hook] = (name) => { say(`package: ${name}`); return importPackage(name); };
const load = Module._load;
Module._load = function (request, parent, ...rest) {
  if (parent?.filename === BUNDLE && !isBuiltin(request)) say(`package: ${request}`);
  return load.call(this, request, parent, ...rest);
};

const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${traced}\n})`, { filename: BUNDLE });
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
process.exitCode = await module.exports.main(process.argv.slice(2));
