// Claims files: a loss designer's own claims about their loss, checked the way the paper's are.
//
//   loss: simpo                      # catalogue id, or a spec file (relative to this file)
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
import { type MarginError, type Result, fail, ok, shownName } from '../spec/errors.js';
import { readTextFile } from '../spec/files.js';
import { resolveLoss, unknownLoss } from '../spec/resolve.js';
import { findEntry } from '../spec/catalogue/index.js';
import { lineOfKey, parseYamlText, schemaIssue } from '../spec/source.js';
import { CONTEXT_NAMES, LOGP_L, LOGP_W } from '../spec/symbols.js';
import { parseExpression } from '../spec/parse.js';
import { derive } from '../symbolic/derive.js';
import { compile, evaluateOrNaN } from '../symbolic/evaluate.js';
import { classify } from '../symbolic/conditions.js';
import { compileDerivation } from '../symbolic/point.js';
import { makeRng } from '../util/prng.js';
import type { Claim } from './types.js';
import { compilePredicate, parsePredicate } from './predicate.js';
import { combine, proveClaim } from '../symbolic/interval/claim.js';
import { auditBox } from '../symbolic/interval/domain.js';
import { r4, randomPair, relErr, roundEnv, sampleWeights, verdict } from './tools.js';

const DIRECTIONS = ['chosen-up', 'chosen-down', 'rejected-down', 'rejected-up'] as const;

export interface ClaimsFile { readonly loss: string; readonly samples?: number; readonly claims: readonly Claim[] }

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

export async function loadClaimsFile(path: string, opts: ClaimsOptions = {}): Promise<Result<ClaimsFile>> {
  const read = readTextFile(path, { what: 'claims file' });
  if (!read.ok) return read;
  const text = read.value;
  const yamlData = await parseYamlText(text, path);
  if (!yamlData.ok) return yamlData;
  const { z } = await import('zod');
  const schema = z.object({
    loss: z.string(),
    samples: z.number().int().positive().optional(),
    claims: z.array(z.object({
      id: z.string(),
      says: z.string().optional(),
      ratio: z.string().optional(),
      holds: z.string().optional(),
      assuming: z.string().optional(),
      direction: z.enum(DIRECTIONS).optional(),
      whenever: z.string().optional(),
    }).strict()).min(1),
  }).strict();
  const parsed = schema.safeParse(yamlData.value);
  if (!parsed.success) {
    return fail(...parsed.error.issues.map((i): MarginError => {
      const field = String(i.path[0] ?? '');
      return { code: 'E_SPEC', message: schemaIssue(i as Parameters<typeof schemaIssue>[0]), at: { file: path, slot: field ? shownName(field) : undefined, line: field ? lineOfKey(text, field) : undefined } };
    }));
  }
  const data = parsed.data;
  const lossRef = claimsLossPath(path, data.loss, opts);
  if (!lossRef.ok) return fail(...lossRef.errors.map((e) => ({ ...e, at: { ...e.at, line: lineOfKey(text, 'loss') } })));
  const spec = await resolveLoss(lossRef.value);
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
    const kinds = [raw.ratio !== undefined, raw.holds !== undefined, raw.direction !== undefined].filter(Boolean).length;
    if (kinds !== 1) { errors.push({ code: 'E_SPEC', message: 'a claim needs exactly one of ratio, holds, direction', at: { file: path, slot } }); continue; }
    const assuming = raw.assuming ? parsePredicate(raw.assuming, base, `${slot}.assuming`) : ok([]);
    if (!assuming.ok) { errors.push(...assuming.errors); continue; }
    const assume = compilePredicate(assuming.value);
    const where = `${path}, ${raw.id}`;
    const weightsEnv = (w: { env: Record<string, number>; dW: number; dL: number }) => ({ ...w.env, dW: w.dW, dL: w.dL, ratio: w.dW / w.dL });
    if (raw.ratio !== undefined) {
      const e = parseExpression(raw.ratio, { slot: `${slot}.ratio`, symbols: base });
      if (!e.ok) { errors.push(...e.errors); continue; }
      const f = compile(e.value);
      claims.push({ id: raw.id, where, statement: raw.says ?? `d_w/d_l = ${raw.ratio}`, method: 'symbolic+numeric',
        how: 'd_w/d_l from the derivation against the claimed expression at sampled points.',
        check: ({ seed, samples }) => {
          const ws = sampleWeights(c, makeRng(seed), samples).filter((w) => w.dL !== 0 && assume(weightsEnv(w)));
          let worst = 0, at: Record<string, unknown> | undefined;
          for (const w of ws) {
            const err = relErr(w.dW / w.dL, evaluateOrNaN(f, weightsEnv(w)));
            if (!(err <= worst)) { worst = Number.isNaN(err) ? Infinity : err; at = { point: roundEnv(w.env), derived: r4(w.dW / w.dL), claimed: r4(evaluateOrNaN(f, weightsEnv(w))) }; }
          }
          const ok = worst < 1e-9;
          return verdict(raw.id, ok ? (raw.assuming ? 'needs-assumption' : 'verified') : 'refuted',
            ok ? `d_w/d_l = ${raw.ratio} at all ${ws.length} samples.` : `d_w/d_l differs from ${raw.ratio} (relative ${r4(worst)}).`,
            { samples: ws.length, seed, maxRelError: worst, worst: ok ? undefined : at }, { assumption: raw.assuming });
        } });
    } else {
      const predText = raw.holds ?? raw.whenever!;
      const pred = parsePredicate(predText, raw.holds ? base : withGram, `${slot}.${raw.holds ? 'holds' : 'whenever'}`);
      if (!pred.ok) { errors.push(...pred.errors); continue; }
      const p = compilePredicate(pred.value);
      const direction = raw.direction;
      claims.push({ id: raw.id, where, statement: raw.says ?? (direction ? `${direction} whenever ${predText}` : predText), method: 'numeric',
        how: direction ? 'Random points and gradient pairs where the condition holds; the first-order step must go the claimed way.' : 'Sampled points of the domain.',
        check: ({ seed, samples }) => {
          if (!direction) {
            // First try to decide it on the whole domain; sampling is the fallback when undecided.
            const box = auditBox(spec.value);
            const per = pred.value.map((cmp) => proveClaim(cmp, box, { assuming: assuming.value, derivation: c.derivation, budget: 20_000 }));
            const status = per.some((rs) => combine(rs) === 'refuted') ? 'refuted' : per.every((rs) => combine(rs) === 'proved') ? 'proved' : 'undecided';
            if (status === 'proved') return verdict(raw.id, 'proved', `${predText} proved on the whole domain${raw.assuming ? ` where ${raw.assuming}` : ''} (interval branch and bound).`, { samples: per.flat().reduce((s, r) => s + r.result.boxes + r.result.probes, 0), seed }, { backend: 'symbolic', assumption: raw.assuming });
            if (status === 'refuted') {
              const w = per.flat().find((r) => r.result.status === 'refuted')!;
              return verdict(raw.id, 'refuted', `${predText} fails at a point of regime ${w.regime} (a witness the interval enclosure confirms).`, { samples: w.result.boxes + w.result.probes, seed, worst: { point: roundEnv(w.result.witness!), value: w.result.witnessValue } }, { backend: 'symbolic', assumption: raw.assuming });
            }
          }
          const rng = makeRng(seed);
          let n = 0;
          for (const w of sampleWeights(c, rng, samples)) {
            const env = weightsEnv(w);
            if (!assume(env)) continue;
            if (!direction) {
              n++;
              if (!p(env)) return verdict(raw.id, 'refuted', `${predText} fails at a sampled point.`, { samples: n, seed, worst: { point: roundEnv(w.env), dW: r4(w.dW), dL: r4(w.dL) } }, { assumption: raw.assuming });
              continue;
            }
            const { gram } = randomPair(rng);
            if (!p({ ...env, inner: gram.innerWL, normW2: gram.normW2, normL2: gram.normL2 })) continue;
            n++;
            const k = classify(w, gram);
            const okDir = direction === 'chosen-up' ? k.dLogpW >= 0 : direction === 'chosen-down' ? k.dLogpW <= 0 : direction === 'rejected-down' ? k.dLogpL <= 0 : k.dLogpL >= 0;
            if (!okDir) return verdict(raw.id, 'refuted', `The step goes the other way at a sampled point where ${predText}.`, { samples: n, seed, worst: { point: roundEnv(w.env), gram, dLogpW: k.dLogpW, dLogpL: k.dLogpL } }, { assumption: raw.assuming });
          }
          if (n === 0) return verdict(raw.id, 'undecided', `No sampled point met the claim's premises (${raw.assuming ?? ''} ${raw.whenever ?? ''}); nothing was checked.`, { samples: 0, seed });
          return verdict(raw.id, raw.assuming ? 'needs-assumption' : direction ? 'verified-first-order' : 'verified', `Held at all ${n} sampled cases.`, { samples: n, seed }, { assumption: raw.assuming });
        } });
    }
  }
  return errors.length ? { ok: false, errors } : ok({ loss: data.loss, samples: data.samples, claims });
}
