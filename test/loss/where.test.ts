// `where:` local definitions: names usable in every slot, written out before differentiation, so a loss
// that names ρ once derives exactly as one that types it out; a cycle, an unknown name or a clash is a
// coded error located in the file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpecFile } from '../../src/loss/file.js';
import { key } from '../../src/expr/expr.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import type { LossSpec } from '../../src/loss/types.js';
import { LITERATURE } from '../helpers/literature.js';
import { derivationJson } from '../../src/report/derivation.js';
import { deriveSchema } from '../../src/report/schema/derive.js';

const dir = mkdtempSync(join(tmpdir(), 'marginlab-where-'));
const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
async function load(p: string): Promise<LossSpec> {
  const r = await loadSpecFile(p);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

// DiscoPOP as it was written before where: existed, ρ typed out five times.
const DISCOPOP_SPELLED_OUT = `name: DiscoPOP
params: {beta: 0.05, tau: 0.05}
m: (1 - sigmoid((a - beta*c_ref)/tau))*logsigmoid(a - beta*c_ref) - sigmoid((a - beta*c_ref)/tau)*exp(-(a - beta*c_ref))
h_w: beta*a
h_l: beta*a
`;

describe('where definitions', () => {
  it('the DiscoPOP fixture (ρ defined once) derives the same u, L, d_w, d_l as ρ typed out', async () => {
    const withWhere = mustDerive(await load(join(LITERATURE, 'discopop.yaml')));
    const spelled = mustDerive(await load(file('discopop-spelled.yaml', DISCOPOP_SPELLED_OUT)));
    expect(withWhere.regimes.length).toBe(spelled.regimes.length);
    expect(key(withWhere.L)).toBe(key(spelled.L));
    withWhere.regimes.forEach((r, i) => {
      expect(key(r.dW)).toBe(key(spelled.regimes[i].dW));
      expect(key(r.dL)).toBe(key(spelled.regimes[i].dL));
    });
  });

  it('derive --json keeps the definitions as written and validates against the schema', async () => {
    const j = derivationJson(mustDerive(await load(join(LITERATURE, 'discopop.yaml'))));
    expect(j.loss.where).toEqual({ rho: 'a - beta*c_ref' });
    expect(j.loss.slots.m.text).not.toContain('rho');
    expect(deriveSchema.safeParse(JSON.parse(JSON.stringify(j))).success).toBe(true);
  });

  it('a definition may use another, and every slot may use them (a is the slot’s own argument)', async () => {
    const p = file('chain.yaml', 'name: x\nparams: {beta: 0.1}\nwhere:\n  s: beta*a\n  t: s - beta*c_ref_w\nm: logsigmoid(a)\nh_w: t\nh_l: s\nLambda_l: -0.5*s\n');
    const spec = await load(p);
    const out = await load(file('chain-out.yaml', 'name: x\nparams: {beta: 0.1}\nm: logsigmoid(a)\nh_w: beta*a - beta*c_ref_w\nh_l: beta*a\nLambda_l: -0.5*beta*a\n'));
    const [a, b] = [mustDerive(spec), mustDerive(out)];
    expect(key(a.regimes[0].dW)).toBe(key(b.regimes[0].dW));
    expect(key(a.regimes[0].dL)).toBe(key(b.regimes[0].dL));
  });

  it('a cycle is E_CYCLE, naming its path and located at its first definition', async () => {
    const p = file('cycle.yaml', 'name: x\nwhere:\n  r: s + 1\n  s: 2*r\nm: logsigmoid(r)\nh_w: a\nh_l: a\n');
    const r = await loadSpecFile(p);
    expect(r).toFailWith('E_CYCLE', { slot: 'where.r', line: 3, file: p });
    if (!r.ok) expect(r.errors[0].message).toContain('r → s → r');
    const self = await loadSpecFile(file('self.yaml', 'name: x\nwhere: {r: r*a}\nm: logsigmoid(r)\nh_w: a\nh_l: a\n'));
    expect(self).toFailWith('E_CYCLE', { slot: 'where.r' });
  });

  it("an unknown name inside a definition is located at the file's line and column", async () => {
    const p = file('unknown.yaml', 'name: x\nparams: {beta: 0.1}\nwhere:\n  rho: a - bta*c_ref\nm: logsigmoid(rho)\nh_w: a\nh_l: a\n');
    const r = await loadSpecFile(p);
    expect(r).toFailWith('E_UNKNOWN_SYMBOL', { slot: 'where.rho', line: 4, column: 12, symbol: 'bta' });
    if (!r.ok) expect(r.errors[0].hint).toContain("did you mean 'beta'");
  });

  it('a definition may not reuse a param, a known symbol or a function name', async () => {
    for (const name of ['beta', 'c_ref', 'logp_w', 'exp', 'a']) {
      const r = await loadSpecFile(file(`clash-${name}.yaml`, `name: x\nparams: {beta: 0.1}\nwhere: {${name}: 2}\nm: logsigmoid(a)\nh_w: a\nh_l: a\n`));
      expect(r, name).toFailWith('E_SPEC', { slot: `where.${name}` });
    }
    const proto = await loadSpecFile(file('proto.json', '{"name": "x", "where": {"__proto__": "a"}, "m": "logsigmoid(a)", "h_w": "a", "h_l": "a"}'));
    expect(proto).toFailWith('E_SPEC', { slot: 'where' });
  });

  it('definitions that multiply each other are refused before anything walks them', async () => {
    const defs = Array.from({ length: 30 }, (_, i) => `  x${i + 1}: ${i === 0 ? 'a*a' : `x${i}*x${i}`}`).join('\n');
    const r = await loadSpecFile(file('bomb.yaml', `name: x\nwhere:\n${defs}\nm: logsigmoid(x30)\nh_w: a\nh_l: a\n`));
    expect(r).toFailWith('E_TOO_COMPLEX');
  });
});
