// Spec files (YAML or JSON): field errors carry the file and the line of the field.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpecFile, resolveLoss } from '../../src/loss/file.js';

const dir = mkdtempSync(join(tmpdir(), 'marginlab-spec-'));
const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };

describe('spec files', () => {
  it('a good YAML spec loads', async () => {
    const p = file('good.yaml', 'name: My DPO\nparams:\n  beta: 0.1\nm: logsigmoid(a - beta*c_ref)\nh_w: beta*a\nh_l: beta*a\n');
    const r = await loadSpecFile(p);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.source.params.beta.default).toBe(0.1);
  });
  it('a good JSON spec loads', async () => {
    const p = file('good.json', JSON.stringify({ name: 'j', m: 'logsigmoid(a)', h_w: 'a', h_l: 'a', Lambda: '0.5*a' }));
    expect((await loadSpecFile(p)).ok).toBe(true);
  });
  it('an unknown symbol is located at the line of its field and the column inside it', async () => {
    const p = file('bad-symbol.yaml', 'name: x\nparams:\n  beta: 0.1\nm: logsigmoid(a)\nh_w: bta*a\nh_l: a\n');
    const r = await loadSpecFile(p);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ code: 'E_UNKNOWN_SYMBOL', at: { file: p, slot: 'h_w', line: 5, column: 1, symbol: 'bta' } });
  });
  it('YAML syntax errors carry line and column', async () => {
    const p = file('bad.yaml', 'name: x\nm: [unclosed\n');
    const r = await loadSpecFile(p);
    expect(r).toFailWith('E_SPEC');
    if (!r.ok) expect(r.errors[0].at?.line).toBeGreaterThan(0);
  });
  it('missing and unknown fields are named', async () => {
    const p = file('fields.yaml', 'name: x\nh_w: a\nh_l: a\nbogus: 1\n');
    const r = await loadSpecFile(p);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const text = r.errors.map((e) => e.message).join('\n');
      expect(text).toContain('m');
      expect(text).toContain('bogus');
    }
  });
  it('unknown loss ids get a did-you-mean', async () => {
    const r = await resolveLoss('simp0');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ code: 'E_UNKNOWN_LOSS', hint: "did you mean 'simpo'?" });
  });
  it('a missing file is E_FILE', async () => {
    const r = await resolveLoss(join(dir, 'nope.yaml'));
    expect(r).toFailWith('E_FILE');
  });
});
