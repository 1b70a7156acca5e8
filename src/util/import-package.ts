// The one place the library imports an npm package at run time (yaml, zod, cli-progress, vega, vega-lite,
// webgpu: the ones only some paths need). Why one place: the CLI's bundle (scripts/bundle-cli.ts) is a
// CommonJS script compiled through node:vm with a code cache, and Node 20 refuses `import()` inside such a
// script; the bundle replaces this module with one that asks the bin (an ES module, where import() works)
// to load the package. Everywhere else (tests, dist/, the playground's build) it is plain import().

/** Import a package by name; the caller names the module's type: `importPackage<typeof import('yaml')>('yaml')`. */
export function importPackage<T>(name: string): Promise<T> {
  return import(/* @vite-ignore */ name) as Promise<T>;
}
