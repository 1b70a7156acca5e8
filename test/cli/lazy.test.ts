// The command line loads only what the command it runs uses (issue 17): every command is listed without
// being imported, the one on the command line is loaded in full, and the heavy dependencies stay off the
// paths that do not need them. In-process for the help texts; through the built bin (dist/, as
// scripts/test-all.sh builds it) for what a real process loads.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
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

// What a process loads: the built bin, with module hooks that print every URL loaded.
const BIN = 'bin/marginlab.js';
const loaded = (args: readonly string[]) => {
  const r = spawnSync(process.execPath, ['--import', './test/helpers/loaded-modules.mjs', BIN, ...args], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stderr.split('\n').filter((l) => l.startsWith('loaded: ')).map((l) => l.slice(8));
};
const HEAVY = ['vega', 'vega-lite', 'katex', 'webgpu', 'fast-check', 'zod', 'yaml', 'cli-progress', '@resvg/resvg-js'];
const fromPackage = (urls: readonly string[], pkg: string) => urls.filter((u) => u.includes(`/node_modules/${pkg}/`));
const commandModule = new RegExp(`/dist/(?:bundle/(?:${names.join('|')})-[A-Z0-9]+|cli/commands/(?:${names.join('|')}))\\.js$`);

describe('what a command loads (the built bin; npm run build)', () => {
  it('the bundle is built (npm run build runs scripts/bundle-cli.ts after tsc)', () => {
    expect(existsSync('dist/bundle/main.js') && existsSync('dist/cli/main.js')).toBe(true);
  });
  it('--help loads no command module and no dependency but commander', () => {
    const urls = loaded(['--help']);
    expect(urls.filter((u) => commandModule.test(u))).toEqual([]);
    expect(urls.filter((u) => u.includes('/node_modules/') && !u.includes('/node_modules/commander/'))).toEqual([]);
  });
  it.each([
    ['eval', ['eval', 'dpo', '--at', 'logp_w=-1,logp_l=-2']],
    ['derive', ['derive', 'dpo']],
    ['classify', ['classify', 'dpo', '--at', 'logp_w=-1,logp_l=-2', '--inner', '0', '--norm-w2', '1', '--norm-l2', '1']],
  ])('%s dpo loads its own command module, none of the heavy dependencies, and not mathjs\'s full bundle', (name, args) => {
    const urls = loaded(args);
    const commands = urls.filter((u) => commandModule.test(u));
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatch(new RegExp(`/${name}-[A-Z0-9]+\\.js$`));
    for (const pkg of HEAVY) expect(fromPackage(urls, pkg), pkg).toEqual([]);
    expect(fromPackage(urls, 'mathjs')).toEqual([]);
  });
  it("the bundle's loss parser is mathjs's parse factory alone (src/loss/mathjs-parse.ts), not mathjs's full bundle", () => {
    // esbuild names each file it bundles in a comment: which of the two went in.
    const text = readdirSync('dist/bundle').map((f) => readFileSync(`dist/bundle/${f}`, 'utf8')).join('\n');
    expect(text).toContain('src/loss/mathjs-parse.ts');
    expect(text).not.toContain('mathjs/lib/browser/math.js');
  });
  it('the bundle answers as the module tree does', () => {
    const run = (entry: string) => spawnSync(process.execPath, ['--input-type=module', '-e',
      `const { main } = await import(${JSON.stringify(entry)}); process.exitCode = await main(['derive', 'dpo', '--json']);`], { encoding: 'utf8' });
    const bundled = run('./dist/bundle/main.js'), tree = run('./dist/cli/main.js');
    expect(bundled.status, bundled.stderr).toBe(0);
    expect(bundled.stdout).toBe(tree.stdout);
    expect(JSON.parse(bundled.stdout).schema).toBe('marginlab/derive@1');
  });
});
