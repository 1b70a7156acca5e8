// Issue 15, "files": special files are refused without being read, YAML alias bombs are a located E_SPEC,
// and a claims file's `loss:` is resolved against its own folder, may not leave it, and a file that fails
// to parse is never echoed.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { MAX_SPEC_BYTES, forEachLine, readTextFile } from '../../src/loss/files.js';
import { claimsLossPath } from '../../src/claims/user.js';

let dir: string;
const SPEC = 'name: mine\nparams:\n  beta: 0.1\nm: logsigmoid(a)\nh_w: beta*a\nh_l: beta*a\n';
const claims = (loss: string) => `loss: ${loss}\nclaims:\n  - id: w\n    holds: dW > 0\n`;
const BOMB = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...['b', 'c', 'd', 'e', 'f', 'g'].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]`),
  'name: bomb', 'm: a', 'h_w: a', 'h_l: a', ''].join('\n');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'marginlab-files-'));
  mkdirSync(join(dir, 'claims'));
  writeFileSync(join(dir, 'claims', 'spec.yaml'), SPEC);
  writeFileSync(join(dir, 'outside.yaml'), SPEC);
  symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
  symlinkSync(join(dir, 'outside.yaml'), join(dir, 'claims', 'linked-spec.yaml'));
  execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
  writeFileSync(join(dir, 'big.yaml'), `name: big\nnotes: ["${'x'.repeat(MAX_SPEC_BYTES)}"]\nm: a\nh_w: a\nh_l: a\n`);
  writeFileSync(join(dir, 'binary.yaml'), Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x00, 0x01]));
  writeFileSync(join(dir, 'bomb.yaml'), BOMB);
  writeFileSync(join(dir, 'claims', 'bomb-claims.yaml'), `${BOMB.replace(/name: bomb\nm: a\nh_w: a\nh_l: a\n/, '')}loss: dpo\nclaims:\n  - id: w\n    holds: dW > 0\n`);
  for (const [name, loss] of [['etc', '/etc/shadow'], ['environ', '/proc/self/environ'], ['up', '../outside.yaml'], ['link', 'linked-spec.yaml'],
    ['zero', '/dev/zero'], ['here', 'spec.yaml'], ['typo', 'simp0']] as const) {
    writeFileSync(join(dir, 'claims', `${name}.yaml`), claims(loss));
  }
  writeFileSync(join(dir, 'claims', 'secrets.yaml'), 'AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI-K7MDENG-EXAMPLE\n"password=hunter2 and more": 1\nDB: postgres://u:pw@host\n');
  writeFileSync(join(dir, 'claims', 'secret-loss.yaml'), claims('secrets.yaml'));
});

const noTrace = (s: string) => expect(s).not.toMatch(/\n\s+at |E_INTERNAL/);

describe('special files are refused, not read (each would hang readFileSync)', () => {
  it.each([
    ['/dev/zero', 'a character device'],
    ['/dev/urandom', 'a character device'],
    ['fifo.yaml', 'a FIFO (named pipe)'],
    ['zero.yaml', 'a character device'],
    ['.', 'a directory'],
  ])('derive %s → E_FILE: %s', async (file, kind) => {
    const path = file.startsWith('/') ? file : join(dir, file);
    const r = await runCli(['derive', path]);
    expect(r.code).toBe(2);
    const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(r.stderr).toMatch(new RegExp(`^E_FILE ${esc(path)}: the spec file '.*' is ${esc(kind)}, not a regular file`));
    noTrace(r.stderr);
  }, 10_000);
  it('a claims file with loss: /dev/zero — refused as outside, and as a device when allowed outside', async () => {
    const r = await runCli(['audit', '--claims', join(dir, 'claims', 'zero.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^E_FILE .*zero\.yaml, in loss, line 1, column 7: the claims file names a loss file outside its own folder/);
    const allowed = await runCli(['audit', '--claims', join(dir, 'claims', 'zero.yaml'), '--allow-outside-claims-dir']);
    expect(allowed.code).toBe(2);
    expect(allowed.stderr).toMatch(/^E_FILE \/dev\/zero: the spec file '\/dev\/zero' is a character device/);
  }, 10_000);
  it('a file over the size cap, and a binary file', async () => {
    expect(readTextFile(join(dir, 'big.yaml'))).toFailWith('E_FILE', { file: join(dir, 'big.yaml') });
    expect((await runCli(['derive', join(dir, 'big.yaml')])).stderr).toContain(`larger than ${MAX_SPEC_BYTES.toLocaleString('en')} bytes`);
    expect((await runCli(['derive', join(dir, 'binary.yaml')])).stderr).toMatch(/^E_FILE .*is binary/);
  });
  it('procfs files (which report size 0) are read to their end and capped all the same', () => {
    const r = readTextFile('/proc/self/status');
    expect(r.ok && r.value).toContain('Name:');
    expect(readTextFile('/proc/self/status', { maxBytes: 16 })).toFailWith('E_FILE');
  });
  it('forEachLine reads line by line and refuses a line without end', () => {
    const lines: string[] = [];
    writeFileSync(join(dir, 'lines.txt'), 'one\ntwo\n\nthree');
    expect(forEachLine(join(dir, 'lines.txt'), 'events file', 100, (l) => (lines.push(l), true))).toEqual({ ok: true, value: 4 });
    expect(lines).toEqual(['one', 'two', '', 'three']);
    writeFileSync(join(dir, 'long.txt'), 'x'.repeat(5000));
    expect(forEachLine(join(dir, 'long.txt'), 'events file', 1000, () => true)).toFailWith('E_FILE');
    expect(forEachLine('/dev/zero', 'events file', 1000, () => true)).toFailWith('E_FILE');
  });
});

describe('a YAML alias bomb is a coded, located E_SPEC in every command that reads YAML', () => {
  it.each([
    [['derive', 'BOMB']],
    [['eval', 'BOMB', '--at', 'logp_w=-1,logp_l=-2']],
    [['fuzz', 'BOMB', '--runs', '5', '--seed', '1']],
  ])('%j', async (args) => {
    const r = await runCli(args.map((a) => (a === 'BOMB' ? join(dir, 'bomb.yaml') : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^E_SPEC .*bomb\.yaml, line 2, column 8: the YAML's aliases expand more than 100 times \(an alias bomb\)/);
    noTrace(r.stderr);
  });
  it('audit --claims', async () => {
    const r = await runCli(['audit', '--claims', join(dir, 'claims', 'bomb-claims.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^E_SPEC .*bomb-claims\.yaml, line 2, column 8: the YAML's aliases expand/);
  });
});

describe("a claims file's loss: is resolved against its folder and may not leave it", () => {
  it.each(['etc', 'environ', 'up', 'link'])('%s.yaml → E_FILE, nothing opened', async (name) => {
    const r = await runCli(['audit', '--claims', join(dir, 'claims', `${name}.yaml`)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^E_FILE .*, in loss, line 1, column 7: the claims file names a loss file outside its own folder — .*--allow-outside-claims-dir/);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
  it('a spec beside the claims file is found from any current directory', async () => {
    const r = await runCli(['audit', '--claims', join(dir, 'claims', 'here.yaml'), '--samples', '50', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).claims[0].verdict.status).toBe('proved');
  });
  it('--allow-outside-claims-dir lets a trusted claims file name ../outside.yaml', async () => {
    const r = await runCli(['audit', '--claims', join(dir, 'claims', 'up.yaml'), '--allow-outside-claims-dir', '--samples', '50']);
    expect(r.code).toBe(0);
  });
  it('a mistyped catalogue id is E_UNKNOWN_LOSS with a suggestion, never looked up in the current directory', async () => {
    const r = await runCli(['audit', '--claims', join(dir, 'claims', 'typo.yaml')]);
    expect(r.stderr).toMatch(/^E_UNKNOWN_LOSS .*typo\.yaml, in loss, line 1, column 7: 'simp0' is neither a catalogue id nor a spec file — did you mean 'simpo'\?/);
  });
  it('claimsLossPath: catalogue ids pass, relative paths are taken from the claims folder', () => {
    expect(claimsLossPath(join(dir, 'claims', 'x.yaml'), 'dpo')).toEqual({ ok: true, value: 'dpo' });
    expect(claimsLossPath(join(dir, 'claims', 'x.yaml'), 'spec.yaml')).toEqual({ ok: true, value: join(dir, 'claims', 'spec.yaml') });
    expect(claimsLossPath(join(dir, 'claims', 'x.yaml'), '/etc/shadow')).toFailWith('E_FILE', { slot: 'loss' });
  });
  it('a file that fails to parse is not echoed: one short, sanitised key name at most', async () => {
    const r = await runCli(['audit', '--claims', join(dir, 'claims', 'secret-loss.yaml')]);
    expect(r.code).toBe(2);
    for (const secret of ['wJalrXUtnFEMI', 'hunter2', 'postgres', 'password']) expect(r.stderr).not.toContain(secret);
    expect(r.stderr).toContain("unknown key 'AWS_SECRET_ACCESS_KEY' (and 2 more)");
  });
});
