// vega-lite, imported when a path first needs it. One file per package that only some paths load: the CLI's
// bundle (scripts/bundle-cli.ts, a CommonJS script run through node:vm, where Node 20 refuses import())
// replaces every file of src/util/packages/ with a call back into the bin, which imports the package;
// elsewhere (tests, dist/, the playground's build, which bundles what it reaches) it is this import().

export const load = (): Promise<typeof import('vega-lite')> => import('vega-lite');
