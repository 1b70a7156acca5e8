// Claims files: a loss designer's own claims about their loss, checked the way the paper's are.
//
//   loss: simpo                      # catalogue id, a spec file (relative to this file), or the spec itself
//   samples: 2000                    # optional
//   claims:
//     - id: ratio
//       ratio: len_l/len_w           # d_w/d_l equals this expression
//     - id: dw-positive
//       holds: dW > 0                # a predicate over dW, dL, ratio and the loss's symbols
//       assuming: logp_w < c_ref_w   # optional: only where this holds
//     - id: chosen-rises
//       direction: chosen-up         # chosen-up | chosen-down | rejected-down | rejected-up
//       whenever: inner <= normW2    # a predicate that may also use inner, normW2, normL2

import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve as resolvePath, sep } from 'node:path';
import { type MarginError, type Result, fail, ok, shownName } from '../errors.js';
import { readTextFile } from '../loss/files.js';
import { locate, resolveLoss, unknownLoss } from '../loss/file.js';
import { checkLoss } from '../loss/check.js';
import { specFromYaml } from '../loss/source.js';
import { loadTrlConfig } from '../loss/trl-config.js';
import type { LossSpec } from '../loss/types.js';
import { findEntry } from '../loss/catalogue/index.js';
import { schemaErrors, type SchemaIssue, type SchemaWords } from '../loss/issues.js';
import { type YamlData, parseYamlDoc, within } from '../loss/yaml.js';
import { CONTEXT_NAMES, LOGP_L, LOGP_W } from '../loss/symbols.js';
import { parseExpression } from '../loss/parse.js';
import { derive } from '../symbolic/derive.js';
import { type Expr, sub, substitute, symbolsOf } from '../expr/expr.js';
import { simplify } from '../symbolic/simplify.js';
import { samplePoint } from '../symbolic/audit.js';
import { certified, encloseAt } from '../symbolic/interval/enclose.js';
import { changeEnclosures } from '../symbolic/step.js';
import { type CompiledDerivation, compileDerivation, pointShown } from '../symbolic/point.js';
import type { Rng } from '../util/prng.js';
import { makeRng } from '../util/prng.js';
import { load as loadZod } from '../util/packages/zod.js';
import type { Claim } from './types.js';
import { type Comparison, parsePredicate } from './predicate.js';
import { certainRegime, certainlyDifferent, encloseDifference, ratioEnclosure, truthOf, weightBindings, weightEnclosures } from './certain.js';
import { combine, proveClaim } from '../symbolic/interval/claim.js';
import { auditBox } from '../symbolic/interval/domain.js';
import { randomPair, relErr, verdict } from './tools.js';

const DIRECTIONS = ['chosen-up', 'chosen-down', 'rejected-down', 'rejected-up'] as const;

/** How a claims file's fields are described when one is wrong or missing (docs/guide.md, "Claims files"). */
const CLAIMS_WORDS: SchemaWords = {
  expected: {
    loss: 'a catalogue id or a spec file', 'trl-config': 'a TRL config file beside the claims file', samples: 'a whole number >= 1', 'allow-undecided': 'true or false', claims: 'a list of claims',
    'claims.*': 'a claim {id, and one of ratio, holds, direction}', 'claims.*.id': 'a name', 'claims.*.says': 'a sentence',
    'claims.*.ratio': 'an expression (text or a number)', 'claims.*.holds': 'a predicate such as dW > 0', 'claims.*.assuming': 'a predicate such as logp_w < c_ref_w',
    'claims.*.whenever': 'a predicate such as inner <= normW2', 'claims.*.direction': `one of ${DIRECTIONS.join(', ')}`, 'claims.*.allow-undecided': 'true or false',
  },
  required: { loss: 'a claims file names the loss its claims are about', claims: 'a claims file lists at least one claim', 'claims.*.id': 'every claim needs an id' },
};

/** The symbols a claim names itself (a witness shows them beside what the loss reads). */
const mentioned = (exprs: readonly Expr[], cmps: readonly Comparison[]): Set<string> => {
  const out = new Set<string>();
  for (const e of [...exprs, ...cmps.flatMap((x) => [x.left, x.right])]) symbolsOf(e, out);
  return out;
};

const isZero = (e: Expr) => e.kind === 'num' && e.value === 0;

/** Random points of the loss's audit domain (the sampler the direction audit uses). */
function* samplePoints(c: CompiledDerivation, rng: Rng, n: number): Generator<Record<string, number>> {
  for (let i = 0; i < n; i++) yield samplePoint(c.derivation.spec, rng);
}

export interface ClaimsFile {
  readonly loss: string;
  readonly samples?: number;
  readonly claims: readonly Claim[];
  /** Claims whose UNDECIDED verdict the file accepts as a pass (`allow-undecided: true`, per claim or for the file). */
  readonly allowUndecided: ReadonlySet<string>;
}

export interface ClaimsOptions {
  /** Let `loss:` name a spec file outside the claims file's folder (the command line's --allow-outside-claims-dir). */
  readonly allowOutside?: boolean;
}

/**
 * `loss:` as a catalogue id, or a spec file resolved against the claims file's folder (never the current
 * directory), which it may not leave — by `..`, an absolute path or a symlink — unless the user said so on
 * the command line: a claims file from a pull request, audited in CI, must not open /etc/shadow or
 * /proc/self/environ and print them into the log.
 */
export function claimsLossPath(claimsPath: string, loss: string, o: ClaimsOptions = {}): Result<string> {
  if (findEntry(loss)) return ok(loss);
  const at = { file: claimsPath, slot: 'loss', line: undefined as number | undefined };
  const folder = dirname(resolvePath(claimsPath));
  const target = resolvePath(folder, loss);
  // A bare name that is no file beside the claims file is a mistyped catalogue id (never looked up in the cwd).
  if (!existsSync(target) && !/[\\/]|\.(ya?ml|json)$/i.test(loss)) return fail({ ...unknownLoss(loss, shownName(loss)), at: { ...at, symbol: shownName(loss) } });
  if (o.allowOutside) return ok(target);
  const real = (p: string): string | undefined => { try { return realpathSync(p); } catch { return undefined; } };
  const inside = (p: string, root: string): boolean => { const r = relative(root, p); return r !== '' && !r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r); };
  const root = real(folder) ?? folder;
  const resolved = real(target);
  if (!inside(target, folder) || (resolved !== undefined && !inside(resolved, root))) {
    return fail({ code: 'E_FILE', message: 'the claims file names a loss file outside its own folder', at,
      hint: 'keep the spec file beside the claims file, or pass --allow-outside-claims-dir if you trust this claims file' });
  }
  return ok(target);
}

/** The claims' loss: a catalogue id or a spec file beside the claims file (claimsLossPath), or written out
 * under `loss:` as a spec file's fields, located in the claims file. */
async function claimsLoss(path: string, loss: string | Record<string, unknown>, data: YamlData, opts: ClaimsOptions): Promise<Result<LossSpec>> {
  if (typeof loss !== 'string') {
    const inner = within(data, ['loss']);
    const underLoss = (es: readonly MarginError[]) => es.map((e) => ({ ...e, at: { ...e.at, slot: e.at?.slot ? `loss.${e.at.slot}` : 'loss' } }));
    const src = await specFromYaml(inner, path, { name: 'inline loss' });
    if (!src.ok) return fail(...underLoss(src.errors));
    const spec = checkLoss(src.value);
    return spec.ok ? spec : fail(...underLoss(locate(spec.errors, path, inner, src.value.locations)));
  }
  const lossRef = claimsLossPath(path, loss, opts);
  const lossAt = data.at(['loss']);
  if (!lossRef.ok) return fail(...lossRef.errors.map((e) => ({ ...e, at: { ...e.at, line: lossAt?.line, column: lossAt?.column } })));
  return resolveLoss(lossRef.value);
}

/** `trl-config:` — a TRL config beside the claims file (the same rule as a spec file's), mapped as --trl-config maps it. */
async function claimsTrlConfig(path: string, file: string, data: YamlData, opts: ClaimsOptions): Promise<Result<LossSpec>> {
  const at = data.at(['trl-config']);
  const located = (es: readonly MarginError[]) => fail(...es.map((e) => ({ ...e, at: { ...e.at, line: e.at?.file === path ? at?.line : e.at?.line } })));
  // A bare name is a file here, never a catalogue id: looked up as a spec file would be, beside the claims file.
  const ref = claimsLossPath(path, /[\\/]|\.(ya?ml|json)$/i.test(file) ? file : `./${file}`, opts);
  if (!ref.ok) return located(ref.errors.map((e) => ({ ...e, at: { ...e.at, slot: 'trl-config' } })));
  const spec = await loadTrlConfig(ref.value);
  return spec.ok ? spec : located(spec.errors);
}

export async function loadClaimsFile(path: string, opts: ClaimsOptions = {}): Promise<Result<ClaimsFile>> {
  const read = readTextFile(path, { what: 'claims file' });
  if (!read.ok) return read;
  const text = read.value;
  const yamlDoc = await parseYamlDoc(text, path);
  if (!yamlDoc.ok) return yamlDoc;
  const yamlData = yamlDoc.value;
  const { z } = await loadZod();
  const schema = z.object({
    // A catalogue id, a spec file, or the spec itself (the fields of a spec file; name optional).
    loss: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    // Or the loss a TRL config trains (--trl-config's mapping), the file beside the claims file as a spec file is.
    'trl-config': z.string().optional(),
    samples: z.number().int().positive().optional(),
    'allow-undecided': z.boolean().optional(),
    claims: z.array(z.object({
      id: z.string(),
      says: z.string().optional(),
      // An expression: `ratio: 1` is the number 1, read as the expression '1'.
      ratio: z.union([z.string(), z.number()]).optional(),
      holds: z.string().optional(),
      assuming: z.string().optional(),
      direction: z.enum(DIRECTIONS).optional(),
      whenever: z.string().optional(),
      'allow-undecided': z.boolean().optional(),
    }).strict()).min(1),
  }).strict();
  const parsed = schema.safeParse(yamlData.value);
  if (!parsed.success) return fail(...schemaErrors(parsed.error.issues as readonly SchemaIssue[], yamlData, path, CLAIMS_WORDS));
  const data = parsed.data;
  if ((data.loss === undefined) === (data['trl-config'] === undefined)) {
    return fail({ code: 'E_SPEC', message: data.loss === undefined ? 'a claims file names the loss its claims are about: loss: (an id, a spec file or the spec) or trl-config: (a TRL config file)' : 'a claims file names its loss once: loss: or trl-config:, not both',
      at: { file: path, slot: data.loss === undefined ? 'loss' : 'trl-config', ...yamlData.at([]) } });
  }
  const spec = data['trl-config'] !== undefined ? await claimsTrlConfig(path, data['trl-config'], yamlData, opts) : await claimsLoss(path, data.loss!, yamlData, opts);
  if (!spec.ok) return spec;
  const derived = derive(spec.value);
  if (!derived.ok) return derived;
  const c = compileDerivation(derived.value);
  const base = new Set([LOGP_W, LOGP_L, ...CONTEXT_NAMES, ...Object.keys(spec.value.source.params), 'dW', 'dL', 'ratio']);
  const withGram = new Set([...base, 'inner', 'normW2', 'normL2']);
  const claims: Claim[] = [];
  const errors: MarginError[] = [];
  for (const [i, raw] of data.claims.entries()) {
    const slot = `claims[${i}] (${raw.id})`;
    // An expression's error at its field's line (its column is inside the expression's own text).
    const inFile = (es: readonly MarginError[], field: string) => es.map((e) => ({ ...e, at: { ...e.at, file: path, line: yamlData.at(['claims', i, field])?.line } }));
    const kinds = [raw.ratio !== undefined, raw.holds !== undefined, raw.direction !== undefined].filter(Boolean).length;
    if (kinds !== 1) { errors.push({ code: 'E_SPEC', message: 'a claim needs exactly one of ratio, holds, direction', at: { file: path, slot, ...yamlData.at(['claims', i]) } }); continue; }
    const assuming = raw.assuming ? parsePredicate(raw.assuming, base, `${slot}.assuming`) : ok([]);
    if (!assuming.ok) { errors.push(...inFile(assuming.errors, 'assuming')); continue; }
    const where = `${path}, ${raw.id}`;
    if (raw.ratio !== undefined) {
      const e = parseExpression(String(raw.ratio), { slot: `${slot}.ratio`, symbols: base });
      if (!e.ok) { errors.push(...inFile(e.errors, 'ratio')); continue; }
      const claimed = e.value;
      const shown = (env: Readonly<Record<string, number>>) => pointShown(c.derivation, env, mentioned([claimed], assuming.value));
      claims.push({ id: raw.id, where, statement: raw.says ?? `d_w/d_l = ${raw.ratio}`, method: 'symbolic+numeric',
        how: 'd_w/d_l from the derivation against the claimed expression: symbolically first (their difference simplifies to 0 in every regime), else at sampled points by enclosures.',
        check: ({ seed, samples }) => {
          // Decided symbolically where the simplified difference settles it.
          const regimes = c.derivation.regimes.filter((r) => r.ratio !== null);
          if (regimes.length > 0 && regimes.every((r) => isZero(simplify(substitute(sub(r.ratio!, claimed), weightBindings(c, r.index)))))) {
            return verdict(raw.id, 'proved', `d_w/d_l − (${raw.ratio}) simplifies to 0 in ${regimes.length === 1 ? 'the only regime' : `all ${regimes.length} regimes where d_l ≢ 0`}.`,
              { samples: 0, seed, notes: ['decided symbolically'] }, { backend: 'symbolic', assumption: raw.assuming });
          }
          let checked = 0, skipped = 0;
          for (const env of samplePoints(c, makeRng(seed), samples)) {
            const ri = certainRegime(c, env);
            if (ri === undefined || c.derivation.regimes[ri].ratio === null) { skipped++; continue; }
            const bind = weightBindings(c, ri);
            if (assuming.value.length && !assuming.value.every((a) => truthOf(a.op, encloseDifference(a.left, a.right, bind, env)) === 'true')) {
              if (assuming.value.some((a) => truthOf(a.op, encloseDifference(a.left, a.right, bind, env)) === 'unknown')) skipped++;
              continue;
            }
            const derived = ratioEnclosure(weightEnclosures(c, ri, env));
            const claimedIv = encloseAt(substitute(claimed, bind), env);
            const dc = certified(derived), cc = certified(claimedIv);
            if (!dc || !cc || dc.digits < 1 || cc.digits < 1) { skipped++; continue; }
            checked++;
            if (certainlyDifferent(derived, claimedIv)) {
              return verdict(raw.id, 'refuted', `d_w/d_l differs from ${raw.ratio} at a sampled point (certified: the enclosures of the two are disjoint).`,
                { samples: checked, seed, maxRelError: relErr(dc.value, cc.value), worst: { point: shown(env), derived: [dc.lo, dc.hi], claimed: [cc.lo, cc.hi] },
                  notes: skipped ? [`${skipped} samples skipped: their values had no significant digit in float64`] : undefined },
                { assumption: raw.assuming });
            }
          }
          const notes = [`certified sampling: ${checked} samples agreed within their enclosures${skipped ? `, ${skipped} skipped (no significant digit in float64, or on a boundary)` : ''}`];
          if (checked === 0) return verdict(raw.id, 'undecided', `No sample could be checked (${skipped} skipped); nothing was decided.`, { samples: 0, seed, notes });
          return verdict(raw.id, raw.assuming ? 'needs-assumption' : 'verified', `d_w/d_l = ${raw.ratio} at all ${checked} checked samples.`,
            { samples: checked, seed, notes }, { assumption: raw.assuming });
        } });
    } else {
      const predText = raw.holds ?? raw.whenever!;
      const pred = parsePredicate(predText, raw.holds ? base : withGram, `${slot}.${raw.holds ? 'holds' : 'whenever'}`);
      if (!pred.ok) { errors.push(...inFile(pred.errors, raw.holds ? 'holds' : 'whenever')); continue; }
      const direction = raw.direction;
      const shown = (env: Readonly<Record<string, number>>) => pointShown(c.derivation, env, mentioned([], [...pred.value, ...assuming.value]));
      claims.push({ id: raw.id, where, statement: raw.says ?? (direction ? `${direction} whenever ${predText}` : predText), method: direction ? 'numeric' : 'symbolic+numeric',
        how: direction ? 'Random points and gradient pairs where the condition certainly holds; the first-order step must go the claimed way (signs certified by enclosures).'
          : 'Interval branch and bound on the whole domain; where undecided, sampled points decided by enclosures.',
        check: ({ seed, samples, time }) => {
          // --no-prove: straight to the sampled check, which is the fallback of an undecided proof anyway.
          if (!direction && time?.prove !== false) {
            // First try to decide it on the whole domain; sampling is the fallback when undecided.
            const box = auditBox(spec.value);
            const per = pred.value.map((cmp) => proveClaim(cmp, box, { assuming: assuming.value, derivation: c.derivation, budget: 20_000, timeLimitMs: time?.ms }));
            const status = per.some((rs) => combine(rs) === 'refuted') ? 'refuted' : per.every((rs) => combine(rs) === 'proved') ? 'proved' : 'undecided';
            if (status === 'proved') return verdict(raw.id, 'proved', `${predText} proved on the whole domain${raw.assuming ? ` where ${raw.assuming}` : ''} (interval branch and bound).`, { samples: per.flat().reduce((s, r) => s + r.result.boxes + r.result.probes, 0), seed }, { backend: 'symbolic', assumption: raw.assuming });
            if (status === 'refuted') {
              const w = per.flat().find((r) => r.result.status === 'refuted')!;
              return verdict(raw.id, 'refuted', `${predText} fails at a point of regime ${w.regime} (a witness the interval enclosure confirms).`, { samples: w.result.boxes + w.result.probes, seed, worst: { point: shown(w.result.witness!), value: w.result.witnessValue } }, { backend: 'symbolic', assumption: raw.assuming });
            }
          }
          const rng = makeRng(seed);
          let n = 0, skipped = 0;
          for (const env of samplePoints(c, rng, samples)) {
            const ri = certainRegime(c, env);
            if (ri === undefined) { skipped++; continue; }
            const bind = weightBindings(c, ri);
            const truths = (cs: readonly Comparison[], extra: Record<string, number> = {}) =>
              cs.map((a) => truthOf(a.op, encloseDifference(a.left, a.right, bind, { ...env, ...extra })));
            const premise = truths(assuming.value);
            if (premise.includes('false')) continue;
            if (premise.includes('unknown')) { skipped++; continue; }
            if (!direction) {
              const t = truths(pred.value);
              if (t.includes('false')) {
                return verdict(raw.id, 'refuted', `${predText} fails at a sampled point (certified: an enclosure lies on the wrong side).`,
                  { samples: n + 1, seed, worst: { point: shown(env) } }, { assumption: raw.assuming });
              }
              if (t.includes('unknown')) { skipped++; continue; }
              n++;
              continue;
            }
            const { gram } = randomPair(rng);
            const grams = { inner: gram.innerWL, normW2: gram.normW2, normL2: gram.normL2 };
            const t = truths(pred.value, grams);
            if (t.includes('false')) continue;
            if (t.includes('unknown')) { skipped++; continue; }
            const ch = changeEnclosures(weightEnclosures(c, ri, env), gram);
            const moved = direction.startsWith('chosen') ? ch.dLogpW : ch.dLogpL;
            const wanted = direction === 'chosen-up' || direction === 'rejected-up' ? '>=' : '<=';
            const okDir = truthOf(wanted, moved);
            if (okDir === 'unknown') { skipped++; continue; }
            n++;
            if (okDir === 'false') {
              return verdict(raw.id, 'refuted', `The step goes the other way at a sampled point where ${predText} (certified: the enclosure of the change has the wrong sign).`,
                { samples: n, seed, worst: { point: shown(env), gram, change: [moved.lo, moved.hi] } }, { assumption: raw.assuming });
            }
          }
          const notes = skipped ? [`${skipped} samples skipped: float64 could not certify their values or premises`] : undefined;
          if (n === 0) return verdict(raw.id, 'undecided', `No sampled point met the claim's premises (${raw.assuming ?? ''} ${raw.whenever ?? ''}) with certainty; nothing was checked.`, { samples: 0, seed, notes });
          return verdict(raw.id, raw.assuming ? 'needs-assumption' : direction ? 'verified-first-order' : 'verified', `Held at all ${n} sampled cases (certified sampling, not a proof).`, { samples: n, seed, notes }, { assumption: raw.assuming });
        } });
    }
  }
  const allowUndecided = new Set(data.claims.filter((c) => c['allow-undecided'] ?? data['allow-undecided'] ?? false).map((c) => c.id));
  const named = data['trl-config'] !== undefined ? `${spec.value.source.id} from trl-config ${data['trl-config']}` : typeof data.loss === 'string' ? data.loss : spec.value.source.name;
  return errors.length ? { ok: false, errors } : ok({ loss: named, samples: data.samples, claims, allowUndecided });
}
