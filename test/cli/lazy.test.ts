// The command line loads only what the command it runs uses (issue 17): every command is listed without
// being imported, the one on the command line is loaded in full, and the heavy dependencies stay off the
// paths that do not need them. In-process for the help texts; through the built bin (dist/, as
// scripts/test-all.sh builds it) for what a real process loads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { CHECK_IDS } from '../../src/numeric/theorems/index.js';

const helpOf = async (argv: readonly string[] | 'all', name?: string) => {
  const program = await buildProgram(argv);
  program.configureOutput({ getOutHelpWidth: () => 100 });
  const cmd = name ? program.commands.find((c) => c.name() === name)! : program;
  return cmd.helpInformation();
};
const names = COMMANDS.map((e) => e.usage.split(' ')[0]);

describe('lazy commands, in-process', () => {
  it('marginlab --help lists every command as it does with every command loaded', async () => {
    expect(await helpOf(['--help'])).toBe(await helpOf('all'));
  });
  it('--help registers every command but the one named as a stub (no options until loaded)', async () => {
    const program = await buildProgram(['derive', 'dpo']);
    const withOptions = program.commands.filter((c) => c.options.length > 0).map((c) => c.name());
    expect(withOptions).toEqual(['derive']);
  });
  it.each(names)("'%s --help' (and its help-command form) is the command's full help", async (name) => {
    const full = await helpOf('all', name);
    expect(full).toContain('Options:');
    expect(await helpOf([name, '--help'], name)).toBe(full);
    expect(await helpOf(['help', name], name)).toBe(full);
  });
  it("verify's description names every check (written out, so that listing it loads no check)", () => {
    const verify = COMMANDS.find((e) => e.usage.startsWith('verify '))!;
    expect(verify.description).toContain([...CHECK_IDS, 'all'].join(' | '));
  });
});

// What a process loads: the built bundle, traced (test/helpers/bundle-trace.mjs): the bundled modules that
// initialise and the packages it requires or imports.
const traced = (args: readonly string[]) => {
  const r = spawnSync(process.execPath, ['test/helpers/bundle-trace.mjs', ...args], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const lines = r.stderr.split('\n');
  const pick = (tag: string) => lines.filter((l) => l.startsWith(tag)).map((l) => l.slice(tag.length));
  return { inits: pick('init: '), packages: pick('package: ') };
};
const HEAVY = ['vega', 'vega-lite', 'katex', 'webgpu', 'fast-check', 'zod', 'yaml', 'cli-progress', '@resvg/resvg-js'];
const commandModule = new RegExp(`^src/cli/commands/(?:${names.join('|')})\\.ts$`);

describe('what a command loads (the built bundle; npm run build)', () => {
  it('the bundle and its code cache are built (npm run build runs scripts/bundle-cli.ts after tsc)', () => {
    expect(existsSync('dist/bundle/cli.cjs') && existsSync('dist/bundle/cli.cache') && existsSync('dist/cli/main.js')).toBe(true);
  });
  it('V8 accepts the code cache the build wrote (else every cold start compiles from source)', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e',
      "const { loadBundle } = await import('./bin/bundle-loader.js'); process.stdout.write(String(loadBundle().script.cachedDataRejected));"], { encoding: 'utf8' });
    expect(r.stdout, r.stderr).toBe('false');
  });
  it("a user's `marginlab --write-cache` is an unknown option: only the build writes the cache", () => {
    const before = statSync('dist/bundle/cli.cache').mtimeMs;
    const r = spawnSync(process.execPath, ['bin/marginlab.js', '--write-cache'], { encoding: 'utf8' });
    expect([r.status, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(/^E_USAGE in --write-cache: unknown option/);
    expect(statSync('dist/bundle/cli.cache').mtimeMs).toBe(before);
  });
  it('--help initialises no command module and requires no package', () => {
    const { inits, packages } = traced(['--help']);
    expect(inits.length).toBeGreaterThan(0);
    expect(inits.filter((m) => commandModule.test(m))).toEqual([]);
    expect(packages).toEqual([]);
  });
  it.each([
    ['eval', ['eval', 'dpo', '--at', 'logp_w=-1,logp_l=-2']],
    ['derive', ['derive', 'dpo']],
    ['classify', ['classify', 'dpo', '--at', 'logp_w=-1,logp_l=-2', '--inner', '0', '--norm-w2', '1', '--norm-l2', '1']],
  ])('%s dpo initialises its own command module and loads none of the heavy dependencies', (name, args) => {
    const { inits, packages } = traced(args);
    expect(inits.filter((m) => commandModule.test(m))).toEqual([`src/cli/commands/${name}.ts`]);
    for (const pkg of HEAVY) expect(packages, pkg).not.toContain(pkg);
  });
  it('a spec file loads yaml and zod through the bin, and a plot vega (the packages a path needs, when it needs them)', () => {
    const { packages } = traced(['derive', 'test/fixtures/literature/simper.yaml', '--no-prove', '--samples', '10']);
    expect(packages).toEqual(expect.arrayContaining(['yaml', 'zod']));
    expect(packages).not.toContain('vega');
    const dir = mkdtempSync(join(tmpdir(), 'marginlab-lazy-'));
    try {
      const plot = traced(['sweep', 'dpo', '--over', 'logp_w=-40:-1', '--at', 'logp_l=-15,c_ref_w=-12,c_ref_l=-15', '--out', join(dir, 'dpo.svg')]);
      expect(plot.packages).toEqual(expect.arrayContaining(['vega', 'vega-lite']));
      expect(readFileSync(join(dir, 'dpo.svg'), 'utf8')).toMatch(/^<svg/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("the bundle's loss parser is mathjs's parse factory alone (src/loss/mathjs-parse.ts), not mathjs's full bundle", () => {
    // esbuild names each module it bundles: the parse factory's build went in, mathjs's browser bundle did not.
    const text = readFileSync('dist/bundle/cli.cjs', 'latin1');
    expect(text).toContain('"dist/bundle/mathjs-parse.mjs"');
    expect(text).not.toContain('mathjs/lib/browser/math.js');
    expect(readdirSync('dist/bundle').sort()).toEqual(['cli.cache', 'cli.cjs']);
  });
  it('the bundle answers as the module tree does', () => {
    const run = (load: string) => spawnSync(process.execPath, ['--input-type=module', '-e',
      `const { main } = ${load}; process.exitCode = await main(['derive', 'dpo', '--json']);`], { encoding: 'utf8' });
    const bundled = run("(await import('./bin/bundle-loader.js')).loadBundle().exports"), tree = run("await import('./dist/cli/main.js')");
    expect(bundled.status, bundled.stderr).toBe(0);
    expect(bundled.stdout).toBe(tree.stdout);
    expect(JSON.parse(bundled.stdout).schema).toBe('marginlab/derive@1');
  });
});
