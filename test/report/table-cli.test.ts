// `marginlab table` on bad input: a clear message, exit code 2, and nothing written to --out (or to
// --bib, or beside an HTML page). And on good input, the files it promises.

import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

let dir: string;
let stderr = '';
const write = process.stderr.write.bind(process.stderr);
const stdoutWrite = process.stdout.write.bind(process.stdout);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'marginlab-table-'));
  stderr = '';
  process.stderr.write = ((s: string) => { stderr += s; return true; }) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
});
afterEach(() => { process.stderr.write = write; process.stdout.write = stdoutWrite; });

describe('marginlab table: bad input', () => {
  const out = () => join(dir, 'sub', 't.tex');
  const cases: [string, () => string[], RegExp][] = [
    ['an unknown loss id', () => ['table', '--losses', 'dpo,simpx', '--format', 'latex', '--out', out(), '--bib', join(dir, 'b.bib')], /E_UNKNOWN_LOSS.*'simpx'.*did you mean 'simpo'/],
    ['an unknown format', () => ['table', '--losses', 'dpo', '--format', 'pdf', '--out', out()], /E_USAGE.*unknown format 'pdf'/],
    ['an unknown column', () => ['table', '--losses', 'dpo', '--format', 'md', '--columns', 'loss,dw', '--out', out()], /E_USAGE.*unknown column 'dw'.*did you mean 'dW'/],
    ['an unknown kind', () => ['table', '--losses', 'dpo', '--format', 'md', '--kind', 'rowz', '--out', out()], /E_USAGE.*unknown kind 'rowz'/],
    ['no losses', () => ['table', '--format', 'md', '--out', out()], /E_USAGE.*name the losses/],
    ['a spec file that does not parse', () => {
      writeFileSync(join(dir, 'bad.yaml'), 'name: broken\nm: "logsigmoid(a - "\nh_w: a\nh_l: a\n');
      return ['table', '--file', join(dir, 'bad.yaml'), '--format', 'html', '--out', join(dir, 'sub', 't.html')];
    }, /E_SYNTAX.*bad\.yaml/],
    ['a spec file that is not YAML', () => {
      writeFileSync(join(dir, 'bad2.yaml'), 'name: [unclosed\n');
      return ['table', '--file', join(dir, 'bad2.yaml'), '--format', 'json', '--out', out()];
    }, /E_SPEC.*bad2\.yaml/],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}: exit 2, a clear message, nothing written`, async () => {
      const code = await main(args());
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(existsSync(join(dir, 'sub'))).toBe(false);
      expect(existsSync(join(dir, 'b.bib'))).toBe(false);
    });
  }
});

describe('marginlab table: good input', () => {
  it('HTML writes the page, KaTeX assets and a derivation page per loss; --bib the BibTeX', async () => {
    const code = await main(['table', '--losses', 'dpo,dpop', '--format', 'html', '--out', join(dir, 't.html'), '--bib', join(dir, 't.bib')]);
    expect(code).toBe(0);
    expect(readFileSync(join(dir, 't.html'), 'utf8')).toContain('href="derivations/dpop.html"');
    expect(readdirSync(join(dir, 'derivations')).sort()).toEqual(['dpo.html', 'dpop.html']);
    expect(existsSync(join(dir, 'katex', 'katex.min.css'))).toBe(true);
    const bib = readFileSync(join(dir, 't.bib'), 'utf8');
    expect(bib).toContain('@inproceedings{rafailov2023dpo,');
    expect(bib).toContain('pal2024smaug');
    // no temporary files left behind
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a spec file joins the catalogue losses', async () => {
    writeFileSync(join(dir, 'mine.yaml'), 'name: My loss\nparams: {beta: 0.5}\nm: logsigmoid(a)\nh_w: beta*a\nh_l: beta*a\n');
    const code = await main(['table', '--losses', 'dpo', '--file', join(dir, 'mine.yaml'), '--format', 'json', '--out', join(dir, 't.json')]);
    expect(code).toBe(0);
    const t = JSON.parse(readFileSync(join(dir, 't.json'), 'utf8'));
    expect(t.rows.map((r: { name: string }) => r.name)).toEqual(['DPO', 'My loss']);
    expect(t.rows[1].footnote).toBeNull();
  });
});
