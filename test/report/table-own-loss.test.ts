// What a loss designer's own loss looks like in the generated tables and pages: its spec's citation
// (the object form, or a bare key that is never passed off as a title), its params by their Greek
// names, clean file ids, footnotes and notes with their formulas typeset, and long formulas moved to
// the loss's block with a working reference from the cell.

import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { latexProse } from '../../src/report/table/latex-text.js';
import { htmlProse } from '../../src/report/table/html-page.js';
import { LITERATURE } from '../helpers/literature.js';

let dir: string;
const stdoutWrite = process.stdout.write.bind(process.stdout);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'marginlab-own-'));
  process.stdout.write = (() => true) as typeof process.stdout.write;
});
afterEach(() => { process.stdout.write = stdoutWrite; });

const DISCOPOP_LRML = `name: DiscoPOP (LRML)
citation:
  key: chris2024discopop
  authors: Chris Lu, Samuel Holt, Claudio Fanconi, Alex J. Chan, Jakob Foerster, Mihaela van der Schaar, Robert Tjarko Lange
  title: Discovering Preference Optimization Algorithms with and for Large Language Models
  venue: NeurIPS
  year: 2024
  url: https://arxiv.org/abs/2406.08414
params: {beta: 0.05, tau: 0.05}
m: (1 - sigmoid((a - beta*c_ref)/tau))*logsigmoid(a - beta*c_ref) - sigmoid((a - beta*c_ref)/tau)*exp(-(a - beta*c_ref))
h_w: beta*a
h_l: beta*a
notes: ['c_ref enters scaled by beta, and d_w = d_l wherever h_w = h_l.']
`;

async function table(files: string[], format: string, extra: string[] = []): Promise<string> {
  const out = join(dir, `t.${format === 'latex' ? 'tex' : format}`);
  const code = await main(['table', ...files.flatMap((f) => ['--file', f]), '--format', format, '--out', out, ...extra]);
  expect(code).toBe(0);
  return readFileSync(out, 'utf8');
}

describe('a user\'s own loss in the tables', () => {
  it('uses the spec\'s citation object: a full BibTeX entry and the reference on its derivation page', async () => {
    const f = join(dir, 'lrml.yaml');
    writeFileSync(f, DISCOPOP_LRML);
    await table([f], 'html', ['--bib', join(dir, 't.bib')]);
    const bib = readFileSync(join(dir, 't.bib'), 'utf8');
    expect(bib).toContain('@inproceedings{chris2024discopop,');
    expect(bib).toContain('title = {{Discovering Preference Optimization Algorithms with and for Large Language Models}}');
    expect(bib).toContain('author = {Chris Lu and Samuel Holt and');
    expect(bib).toContain('booktitle = {NeurIPS}');
    expect(bib).toContain('year = {2024}');
    expect(bib).toContain('url = {https://arxiv.org/abs/2406.08414}');
    const page = readFileSync(join(dir, 'derivations', 'discopop-lrml.html'), 'utf8');
    expect(page).toContain('<p class="citation">Chris Lu, Samuel Holt');
    expect(page).toContain('<em>Discovering Preference Optimization Algorithms with and for Large Language Models</em>. NeurIPS 2024.');
  });

  it('a bare key is a key: no entry titled by it, no ". key." line on the page', async () => {
    const f = join(LITERATURE, 'discopop.yaml');
    await table([f], 'html', ['--bib', join(dir, 't.bib')]);
    const bib = readFileSync(join(dir, 't.bib'), 'utf8');
    expect(bib).not.toMatch(/@\w+\{chris2024discopop/);
    expect(bib).not.toContain('{{chris2024discopop}}');
    expect(bib).toMatch(/^% chris2024discopop: the spec gives only this key/m);
    const page = readFileSync(join(dir, 'derivations', 'discopop.html'), 'utf8');
    expect(page).not.toContain('class="citation"');
    expect(page).not.toMatch(/\.\s*chris2024discopop\s*\./);
    expect(page).toContain('<small>[chris2024discopop]</small>');
  });

  it('clean file ids: "DiscoPOP (LRML)" is derivations/discopop-lrml.html, linked from the table', async () => {
    const f = join(dir, 'lrml.yaml');
    writeFileSync(f, DISCOPOP_LRML);
    const html = await table([f], 'html');
    expect(readdirSync(join(dir, 'derivations'))).toEqual(['discopop-lrml.html']);
    expect(html).toContain('href="derivations/discopop-lrml.html"');
    expect(html).toContain('<tbody class="loss" id="discopop-lrml">');
  });

  it('derivation pages name params by their tex or their Greek name: β, τ, ε, never an italic "beta"', async () => {
    await table([join(LITERATURE, 'exo-pair.yaml'), join(LITERATURE, 'discopop.yaml')], 'html');
    const params = (id: string) => /<p>Parameters: (.*?)<\/p>/.exec(readFileSync(join(dir, 'derivations', `${id}.html`), 'utf8'))![1];
    // What a reader sees: the text KaTeX's spans hold, one formula per param.
    const seen = (s: string) => [...s.matchAll(/<span class="katex">.*?<\/span><\/span><\/span>/g)].map((m) => m[0].replace(/<[^>]*>/g, ''));
    expect(seen(params('exo-pair'))).toEqual(['β=0.1', 'ε=0.001']);
    expect(seen(params('discopop'))).toEqual(['β=0.05', 'τ=0.05']);
    // A description that only repeats the name is not printed.
    expect(params('exo-pair')).not.toContain('(beta)');
  });
});

describe('prose with formulas', () => {
  const text = 'The row writes log c^w_ref, but c^w_ref is already log π_ref(y_w|x) < 0; d_w/d_l = 1 and c_ref is not scaled by β.';
  it('LaTeX typesets c_ref, c^w_ref, d_w, log π as mathematics, not as escaped words', () => {
    const tex = latexProse(text);
    expect(tex).toContain('$\\log c^{w}_{\\mathrm{ref}}$');
    expect(tex).toContain('$c_{\\mathrm{ref}}$');
    expect(tex).toContain('$d_{w}$/$d_{l}$');
    expect(tex).toContain('$\\log \\pi_{\\mathrm{ref}}$');
    expect(tex).not.toMatch(/c\\_ref|d\\_w/);
  });

  it('HTML sets them with KaTeX', () => {
    const html = htmlProse(text);
    expect(html.match(/<span class="katex">/g)!.length).toBe(7);
    const seen = html.replace(/<[^>]*>/g, '').replace(/\u200b/g, '');
    expect(seen).not.toContain('_');
    expect(seen).toContain('The row writes log');
    expect(seen).toContain(' and cref is not scaled by β.');
  });

  it('the catalogue\'s footnotes reach the tables typeset', async () => {
    const code = await main(['table', '--losses', 'dpo,kto', '--format', 'latex', '--out', join(dir, 't.tex')]);
    expect(code).toBe(0);
    const notes = readFileSync(join(dir, 't.tex'), 'utf8').split('\n').find((l) => l.includes('\\textsuperscript{1}~'))!;
    expect(notes).toContain('$c_{\\mathrm{ref}}$');
    expect(notes).not.toMatch(/c\\_ref|d\\_w|d\\_l|h\\_l/);
    const html = await table([], 'html', ['--losses', 'dpo']);
    const li = /<li id="note-1"[^>]*>(.*?)<\/li>/s.exec(html)![1];
    expect(li).toContain('class="katex"');
    expect(li.replace(/<[^>]*>/g, '')).not.toMatch(/c_ref|d_w|h_w/);
  });
});

describe('long formulas in HTML', () => {
  it('EXO\'s d_w moves to its block; the cell links to it and every in-page link has its anchor', async () => {
    const html = await table([join(LITERATURE, 'exo-pair.yaml'), join(LITERATURE, 'alphapo.yaml')], 'html');
    const body = /<tbody class="loss" id="exo-pair">(.*?)<\/tbody>/s.exec(html)![1];
    expect(body).toMatch(/<tr class="block"><td colspan="11">/);
    const dW = /<span class="eq-label">(E\d+)<\/span>(.*?)<\/div>/s.exec(body)!;
    expect(body).toContain(`<a href="#exo-pair-${dW[1]}">see ${dW[1]}</a>`);
    expect(dW[2].replace(/<[^>]*>/g, '')).toMatch(/^m\(a\)=|^dw\u200b=/);
    const links = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]).filter((a) => !a.startsWith('note-'));
    expect(links.length).toBeGreaterThan(0);
    for (const a of links) expect(html).toContain(`id="${a}"`);
  });
});
