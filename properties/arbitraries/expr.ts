// Random expressions and random NEW losses: compositions of the rule table's primitives (read from
// PRIMITIVES, so a new primitive is fuzzed the moment it is added) with +, −, ·, /, integer and
// half powers and `test ? x : y`. Depth-biased towards small trees, and every node shrinks to its
// children, so a counterexample shrinks to a few nodes.
import fc from 'fast-check';
import { type Expr, add, call, cond, dependsOn, div, mul, neg, num, pow, sub, sym } from '../../src/expr/expr.js';
import { PRIMITIVES } from '../../src/expr/primitives.js';
import { ARG, LOGP_L, LOGP_W } from '../../src/loss/symbols.js';
import { checkLoss } from '../../src/loss/check.js';
import { specLoss } from '../../src/symbolic/loss-form.js';
import type { LossSpec, ParamDecl } from '../../src/loss/types.js';
import { toText } from '../../src/symbolic/print.js';

export interface ExprArbOptions {
  /** Symbols the leaves may name (the first is the most frequent). */
  readonly symbols: readonly string[];
  readonly maxDepth?: number;
  /** Include `test ? x : y` nodes (hinges of their own). */
  readonly conditionals?: boolean;
  /** Restrict primitives (e.g. only smooth ones, for the rule-table derivative law). */
  readonly primitives?: readonly string[];
}

const CONSTANTS = [1, 2, 0.5, -1, 3, 0.1, 0];

export function exprArb(opts: ExprArbOptions): fc.Arbitrary<Expr> {
  const prims = [...PRIMITIVES.values()].filter((p) => !opts.primitives || opts.primitives.includes(p.name));
  const [first, ...rest] = opts.symbols;
  const leaf: fc.Arbitrary<Expr> = fc.oneof(
    { arbitrary: fc.constant(sym(first)), weight: 4 },
    ...rest.map((s) => ({ arbitrary: fc.constant(sym(s)), weight: 1 })),
    { arbitrary: fc.constantFrom(...CONSTANTS).map(num), weight: 2 },
  );
  const { tree } = fc.letrec<{ tree: Expr }>((tie) => {
    const t = () => tie('tree');
    const nodes: fc.WeightedArbitrary<Expr>[] = [
      { arbitrary: fc.tuple(t(), t()).map(([x, y]) => add(x, y)), weight: 3 },
      { arbitrary: fc.tuple(t(), t()).map(([x, y]) => sub(x, y)), weight: 2 },
      { arbitrary: fc.tuple(t(), t()).map(([x, y]) => mul(x, y)), weight: 3 },
      { arbitrary: fc.tuple(t(), t()).map(([x, y]) => div(x, y)), weight: 1 },
      { arbitrary: t().map(neg), weight: 1 },
      { arbitrary: fc.tuple(t(), fc.constantFrom(2, 3, -1, 0.5)).map(([x, k]) => pow(x, num(k))), weight: 1 },
      ...prims.map((p) => ({ arbitrary: fc.tuple(...p.params.map(() => t())).map((args) => call(p.name, ...args)), weight: 2 })),
    ];
    if (opts.conditionals) {
      nodes.push({ arbitrary: fc.tuple(t(), t(), t(), t(), fc.constantFrom('<', '>') as fc.Arbitrary<'<' | '>'>).map(([l, r, x, y, op]) => cond({ op, left: l, right: r }, x, y)), weight: 1 });
    }
    return {
      tree: fc.oneof({ depthSize: 'small', maxDepth: opts.maxDepth ?? 4, depthIdentifier: 'expr', withCrossShrink: true },
        { arbitrary: leaf, weight: 3 }, ...nodes.map((n) => ({ ...n, weight: n.weight }))) as fc.Arbitrary<Expr>,
    };
  });
  return tree;
}

/** The one param random losses may use. */
export const RANDOM_PARAMS: Readonly<Record<string, ParamDecl>> = { beta: { default: 1, description: 'β', range: [0.1, 5] } };

export interface RandomLoss { readonly spec: LossSpec; readonly text: string }

/**
 * A random loss: m, h_w, h_l, Λ_w, Λ_l from the expression arbitrary over `a` and β. Half the time h_l = h_w,
 * half the time Λ_w = 0 and half the time Λ_l = 0 (the shapes of the catalogue); the loss always depends on logp_w.
 */
export function randomLossArb(maxDepth = 3): fc.Arbitrary<RandomLoss> {
  const slot = exprArb({ symbols: [ARG, 'beta'], maxDepth, conditionals: true });
  return fc.record({ m: slot, h_w: slot, h_l: fc.option(slot, { nil: undefined }), Lambda: fc.option(slot, { nil: undefined }),
    Lambda_l: fc.option(slot, { nil: undefined }) })
    .map((r) => {
      const h_l = r.h_l ?? r.h_w;
      const Lambda = r.Lambda ?? num(0);
      const Lambda_l = r.Lambda_l ?? num(0);
      const usesW = (dependsOn(r.m, ARG) && dependsOn(r.h_w, ARG)) || dependsOn(Lambda, ARG);
      const m = usesW ? r.m : add(r.m, sym(ARG));
      const h_w = usesW || dependsOn(r.h_w, ARG) ? r.h_w : add(r.h_w, sym(ARG));
      const text = `m(a) = ${toText(m)}; h_w(a) = ${toText(h_w)}; h_l(a) = ${toText(h_l)}; Lambda(a) = ${toText(Lambda)}; Lambda_l(a) = ${toText(Lambda_l)}`;
      const spec: LossSpec = {
        source: { id: 'random', name: 'random loss', params: RANDOM_PARAMS, m: toText(m), h_w: toText(h_w), h_l: toText(h_l), Lambda: toText(Lambda),
          Lambda_l: toText(Lambda_l), origin: 'properties' },
        m, h_w, h_l, Lambda, Lambda_l,
      };
      return { spec, text, [fc.toStringMethod]: () => text };
    });
}

/** A random loss with a rejected-side regulariser Λ_l always present (and depending on a), the other slots as randomLossArb. */
export function randomLambdaLLossArb(maxDepth = 3): fc.Arbitrary<RandomLoss> {
  return fc.tuple(randomLossArb(maxDepth), exprArb({ symbols: [ARG, 'beta'], maxDepth, conditionals: true })).map(([loss, extra]) => {
    const Lambda_l = dependsOn(extra, ARG) ? extra : add(extra, sym(ARG));
    const text = `${loss.text.replace(/; Lambda_l\(a\) = .*$/, '')}; Lambda_l(a) = ${toText(Lambda_l)}`;
    const spec: LossSpec = { ...loss.spec, Lambda_l, source: { ...loss.spec.source, Lambda_l: toText(Lambda_l) } };
    return { spec, text, [fc.toStringMethod]: () => text };
  });
}

/** The symbols a general two-response L may name here (logp_w the most frequent leaf). */
const GENERAL_SYMBOLS = [LOGP_W, LOGP_L, 'beta', 'c_ref_w', 'c_ref_l', 'len_w'];

function generalSpec(L: Expr, how: string): RandomLoss {
  const text = `L = ${toText(L)}`;
  const r = checkLoss({ id: 'random', name: `random ${how}`, params: RANDOM_PARAMS, m: '0', h_w: '0', h_l: '0', Lambda: '0', L: toText(L), origin: 'properties' });
  if (!r.ok) throw new Error(`a random ${how} was refused: ${text}: ${r.errors.map((e) => e.message).join('; ')}`);
  return { spec: r.value, text, [fc.toStringMethod]: () => text } as RandomLoss;
}

/**
 * A random general L: one expression of the primitive table in logp_w, logp_l, β and the context, hinges
 * included; a term −logsigmoid(logp_w − logp_l) is added where the draw leaves either log-probability out.
 */
export function randomGeneralLossArb(maxDepth = 4): fc.Arbitrary<RandomLoss> {
  return exprArb({ symbols: GENERAL_SYMBOLS, maxDepth, conditionals: true }).map((e) => {
    const L = dependsOn(e, LOGP_W) && dependsOn(e, LOGP_L) ? e : sub(e, call('logsigmoid', sub(sym(LOGP_W), sym(LOGP_L))));
    return generalSpec(L, 'general L');
  });
}

/** eq. (8) of a random slot loss written out whole as L (so that margin-form.ts has something to recover). */
export function randomMarginBasedLArb(maxDepth = 3): fc.Arbitrary<RandomLoss & { readonly slots: LossSpec }> {
  return randomLossArb(maxDepth).map((loss) => ({ ...generalSpec(specLoss(loss.spec), 'margin-based L'), slots: loss.spec }));
}

/** The symbols of a K-response L: logp_1 … logp_K first (the most frequent leaves), then β and the context. */
const rankedLeafSymbols = (K: number): string[] => [
  ...Array.from({ length: K }, (_, i) => `logp_${i + 1}`), 'beta',
  ...Array.from({ length: K }, (_, i) => `c_ref_${i + 1}`), ...Array.from({ length: K }, (_, i) => `len_${i + 1}`)];

/**
 * A random L over K ranked responses from the primitive table (hinges included). Leaves name logp_1 … logp_K
 * most often; a draw that couples fewer than two responses gets −logsigmoid(logp_1 − logp_K), so the weights
 * interact.
 */
export function randomRankedLossArb(K: number, maxDepth = 4): fc.Arbitrary<RandomLoss> {
  const symbols = rankedLeafSymbols(K);
  const [first, ...rest] = symbols;
  // exprArb weights its first symbol 4 and the rest 1: rotate the logp's into first place over draws.
  return fc.integer({ min: 0, max: K - 1 }).chain((lead) => exprArb({ symbols: [symbols[lead], ...[first, ...rest].filter((_, i) => i !== lead)], maxDepth, conditionals: true }))
    .map((e) => {
      const used = Array.from({ length: K }, (_, i) => dependsOn(e, `logp_${i + 1}`)).filter(Boolean).length;
      const L = used >= 2 ? e : sub(e, call('logsigmoid', sub(sym('logp_1'), sym(`logp_${K}`))));
      const text = `responses: ${K}; L = ${toText(L)}`;
      const r = checkLoss({ id: 'random', name: `random ${K}-response loss`, params: RANDOM_PARAMS, responses: K, m: '0', h_w: '0', h_l: '0', Lambda: '0',
        L: toText(L), origin: 'properties' });
      if (!r.ok) throw new Error(`a random ranked loss was refused: ${text}: ${r.errors.map((x) => x.message).join('; ')}`);
      return { spec: r.value, text, [fc.toStringMethod]: () => text } as RandomLoss;
    });
}
