// Printed derivations keep a where: name where it shortens the line: the named text, with each name bound to
// what it stands for, is the derived expression (evaluated at random points); a name is used only where the line
// gets shorter; a loss without where: prints as before. DiscoPOP's ρ is the guide's where: example.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RANKED_CATALOGUE } from '../../src/loss/catalogue/index.js';
import { checkLoss } from '../../src/loss/check.js';
import { fromCatalogue } from '../../src/loss/file.js';
import { parseExpression } from '../../src/loss/parse.js';
import { rankedSymbols } from '../../src/loss/ranked.js';
import { resultSymbols } from '../../src/loss/symbols.js';
import type { Expr } from '../../src/expr/expr.js';
import { sym } from '../../src/expr/expr.js';
import { mustDerive } from '../../src/symbolic/derive.js';
import { toText } from '../../src/symbolic/print.js';
import { compile } from '../../src/symbolic/evaluate.js';
import { deriveRanked } from '../../src/symbolic/ranked.js';
import { namedText, whereDefinitions, whereForms } from '../../src/symbolic/where-names.js';
import { makeRng } from '../../src/util/prng.js';
import { runCli } from '../helpers/cli.js';

const DISCOPOP = `name: DiscoPOP (where example)
params: {beta: 0.05, tau: 0.05}
where: {rho: a - beta*c_ref}
m: (1 - sigmoid(rho/tau))*logsigmoid(rho) - sigmoid(rho/tau)*exp(-rho)
h_w: beta*a
h_l: beta*a
`;
const dir = mkdtempSync(join(tmpdir(), 'marginlab-where-names-'));
const file = join(dir, 'discopop.yaml');
writeFileSync(file, DISCOPOP);

function must<T>(r: { ok: true; value: T } | { ok: false; errors: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}
const discopop = () => must(checkLoss({ id: 'discopop', name: 'DiscoPOP', origin: 'test', params: { beta: { default: 0.05, description: 'b' }, tau: { default: 0.05, description: 't' } },
  where: { rho: 'a - beta*c_ref' }, m: '(1 - sigmoid(rho/tau))*logsigmoid(rho) - sigmoid(rho/tau)*exp(-rho)', h_w: 'beta*a', h_l: 'beta*a', Lambda: '0' }));

/** The named text parsed back with each name a symbol, then evaluated with the name bound to its form's value: it must be e's value. */
function checkNamed(e: Expr, names: ReturnType<typeof whereForms>, symbols: Set<string>, point: () => Record<string, number>): string {
  const t = namedText(e, names);
  expect(t.where, 'a name was used').not.toBeNull();
  const forms = t.where!.split(/, (?=[A-Za-z]\w* = )/).map((w) => { const [name, ...rest] = w.split(' = '); return { name, text: rest.join(' = ') }; });
  const all = new Set([...symbols, ...forms.map((f) => f.name)]);
  const named = compile(must(parseExpression(t.text, { slot: 'printed', symbols: all })));
  const formFns = forms.map((f) => ({ name: f.name, f: compile(must(parseExpression(f.text, { slot: 'printed', symbols }))) }));
  const exact = compile(e);
  for (let i = 0; i < 25; i++) {
    const env = point();
    for (const f of formFns) env[f.name] = f.f(env);
    expect(named(env), `${t.text} at ${JSON.stringify(env)}`).toBeCloseTo(exact(env), 10);
  }
  return t.text;
}

describe('where: names in printed derivations', () => {
  it("DiscoPOP's ρ: m(a) and d_w, d_l print with ρ (and −ρ), and each is the derived expression", () => {
    const spec = discopop();
    const d = mustDerive(spec);
    const defs = whereDefinitions(spec);
    expect(Object.keys(defs)).toEqual(['rho']);
    const rng = makeRng(7);
    const point = () => ({ a: -5 + 10 * rng.next(), logp_w: -1 - 20 * rng.next(), logp_l: -1 - 20 * rng.next(), c_ref: -5 + 10 * rng.next(), beta: 0.05, tau: 0.05 });
    const symbols = new Set(['a', ...resultSymbols(['beta', 'tau'])]);
    expect(checkNamed(spec.m, whereForms(defs, []), symbols, point)).toBe('logsigmoid(rho)*(1 - sigmoid(rho/tau)) - sigmoid(rho/tau)*exp(-rho)');
    const inWeights = whereForms(defs, [d.u!, sym('logp_w'), sym('logp_l')]);
    const dW = checkNamed(d.regimes[0].dW, inWeights, symbols, point);
    expect(dW).toContain('sigmoid(rho/tau)');
    expect(dW).toContain('exp(-rho)');
    expect(dW.length).toBeLessThan(toText(d.regimes[0].dW).length / 2);
    checkNamed(d.regimes[0].dL, inWeights, symbols, point);
  });

  it('derive prints the names and what they stand for; --json keeps the weights written out', async () => {
    const r = await runCli(['derive', file, '--budget', '5']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('m(a) = logsigmoid(rho)*(1 - sigmoid(rho/tau)) - sigmoid(rho/tau)*exp(-rho)    (where rho = a - beta*c_ref)');
    expect(r.stdout).toMatch(/d_w = .*sigmoid\(rho\/tau\).*\(where rho = beta\*logp_w - beta\*c_ref - beta\*logp_l\)/);
    const j = JSON.parse((await runCli(['derive', file, '--budget', '5', '--json'])).stdout);
    expect(JSON.stringify(j.regimes[0].dW)).not.toContain('rho');
  });

  it('Plackett–Luce DPO: d_2, d_3 print with r1, r2, r3 where that is shorter; d_1 stays written out where it is not', () => {
    const spec = must(checkLoss(fromCatalogue(RANKED_CATALOGUE.find((e) => e.id === 'plackett-luce-dpo')!)));
    const d = must(deriveRanked(spec));
    const names = whereForms(whereDefinitions(spec), []);
    const rng = makeRng(9);
    const point = () => ({ beta: 0.1, ...Object.fromEntries([1, 2, 3].flatMap((k) => [[`logp_${k}`, -1 - 20 * rng.next()], [`c_ref_${k}`, -1 - 20 * rng.next()]])) });
    const symbols = rankedSymbols(3, spec.source.params);
    expect(checkNamed(d.regimes[0].d[1], names, symbols, point)).toBe('beta*sigmoid(r3 - r2) - beta*exp(r2)/(exp(r1) + exp(r2) + exp(r3))');
    checkNamed(d.regimes[0].d[2], names, symbols, point);
    expect(namedText(d.regimes[0].d[0], names).where).toBeNull();
  });

  it('a name that would not shorten the line is not used, and a loss without where: prints as before', () => {
    const spec = must(checkLoss({ id: 'q', name: 'q', origin: 'test', params: {}, where: { q: 'a + 1' }, m: 'log(q)', h_w: 'a', h_l: 'a', Lambda: '0' }));
    expect(namedText(spec.m, whereForms(whereDefinitions(spec), []))).toEqual({ text: 'log(a + 1)', where: null });
    const dpo = must(checkLoss({ id: 'p', name: 'p', origin: 'test', params: {}, m: 'logsigmoid(a)', h_w: 'a', h_l: 'a', Lambda: '0' }));
    expect(whereDefinitions(dpo)).toEqual({});
  });
});
