// The files the input fuzzer points at: special files (a FIFO, a symlink to /dev/zero, a directory, a file
// over the size cap, a binary file), a claims folder with a spec inside it and one outside, a symlink that
// leaves the folder, and a file holding a secret that must never reach a message. One folder per worker.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Planted in files the fuzzer makes marginlab open by mistake; a message that shows it is a disclosure. */
export const SECRET = 'sk_live_9f8e7d6c5b4a';

export interface Scratch {
  readonly root: string;
  readonly claimsDir: string;
  /** Paths that are not regular text files, or are too large: each must be refused with E_FILE. */
  readonly special: readonly string[];
  readonly specInside: string;
  readonly specOutside: string;
  readonly linkOutside: string;
  readonly secretsInside: string;
  readonly bomb: string;
  /** A spec file whose derivation the engine must refuse (E_TOO_COMPLEX), for every command that takes a loss. */
  readonly hostile: string;
  /** A fresh folder name for a run, unique within this scratch. */
  runDir(): string;
}

const SPEC = 'name: mine\nparams:\n  beta: {default: 0.1, range: [0.01, 10]}\nm: logsigmoid(a)\nh_w: beta*a\nh_l: beta*a\n';

export function makeScratch(): Scratch {
  const root = mkdtempSync(join(tmpdir(), 'marginlab-fuzz-inputs-'));
  const claimsDir = join(root, 'claims');
  mkdirSync(claimsDir);
  const p = (name: string) => join(root, name);
  writeFileSync(p('outside.yaml'), SPEC);
  writeFileSync(join(claimsDir, 'spec.yaml'), SPEC);
  writeFileSync(join(claimsDir, 'secrets.yaml'), `API_KEY: ${SECRET}\npassword: ${SECRET}\n"${SECRET} as a key": 1\n`);
  writeFileSync(p('secret-notes.txt'), `${SECRET}\n`);
  symlinkSync(p('outside.yaml'), join(claimsDir, 'link-out.yaml'));
  symlinkSync('/dev/zero', p('zero.yaml'));
  execFileSync('mkfifo', [p('fifo.yaml')]);
  mkdirSync(p('dir.yaml'));
  writeFileSync(p('big.yaml'), `name: big\nnotes: ["${'x'.repeat(1024 * 1024 + 16)}"]\nm: a\nh_w: a\nh_l: a\n`);
  writeFileSync(p('binary.yaml'), Buffer.from([0x6d, 0x3a, 0x20, 0x00, 0xff, 0xfe, 0x01]));
  const bombLines = ['a: &a ["l","l","l","l","l","l","l","l","l"]'];
  for (const [k, prev] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e'], ['g', 'f']]) bombLines.push(`${k}: &${k} [${Array(9).fill(`*${prev}`).join(',')}]`);
  writeFileSync(p('bomb.yaml'), `${bombLines.join('\n')}\nname: bomb\nm: a\nh_w: a\nh_l: a\n`);
  writeFileSync(join(claimsDir, 'hostile.yaml'), 'name: hostile\nm: a^a^a^a^a^a^a^a^a\nh_w: a\nh_l: a\n');
  let runs = 0;
  return {
    root, claimsDir,
    special: ['/dev/zero', '/dev/urandom', '/dev/null', p('fifo.yaml'), p('zero.yaml'), p('dir.yaml'), p('big.yaml'), p('binary.yaml'), '/nonexistent/spec.yaml'],
    specInside: join(claimsDir, 'spec.yaml'), specOutside: p('outside.yaml'), linkOutside: join(claimsDir, 'link-out.yaml'),
    secretsInside: join(claimsDir, 'secrets.yaml'), bomb: p('bomb.yaml'), hostile: join(claimsDir, 'hostile.yaml'),
    runDir: () => join(root, 'runs', `run-${runs++}`),
  };
}
