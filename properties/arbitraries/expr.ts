// Random expressions and random NEW losses: compositions of the rule table's primitives (read from
// PRIMITIVES, so a new primitive is fuzzed the moment it is added) with +, −, ·, /, integer and
// half powers and `test ? x : y`. Depth-biased towards small trees, and every node shrinks to its
// children, so a counterexample shrinks to a few nodes.
import fc from 'fast-check';
import { type Expr, add, call, cond, dependsOn, div, mul, neg, num, pow, sub, sym } from '../../src/expr/expr.js';
import { PRIMITIVES } from '../../src/expr/primitives.js';
import { ARG } from '../../src/loss/symbols.js';
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
 * A random loss: m, h_w, h_l, Λ from the expression arbitrary over `a` and β. Half the time h_l = h_w,
 * half the time Λ = 0 (the shapes of the catalogue); the loss always depends on logp_w.
 */
export function randomLossArb(maxDepth = 3): fc.Arbitrary<RandomLoss> {
  const slot = exprArb({ symbols: [ARG, 'beta'], maxDepth, conditionals: true });
  return fc.record({ m: slot, h_w: slot, h_l: fc.option(slot, { nil: undefined }), Lambda: fc.option(slot, { nil: undefined }) })
    .map((r) => {
      const h_l = r.h_l ?? r.h_w;
      const Lambda = r.Lambda ?? num(0);
      const usesW = (dependsOn(r.m, ARG) && dependsOn(r.h_w, ARG)) || dependsOn(Lambda, ARG);
      const m = usesW ? r.m : add(r.m, sym(ARG));
      const h_w = usesW || dependsOn(r.h_w, ARG) ? r.h_w : add(r.h_w, sym(ARG));
      const text = `m(a) = ${toText(m)}; h_w(a) = ${toText(h_w)}; h_l(a) = ${toText(h_l)}; Lambda(a) = ${toText(Lambda)}`;
      const spec: LossSpec = {
        source: { id: 'random', name: 'random loss', params: RANDOM_PARAMS, m: toText(m), h_w: toText(h_w), h_l: toText(h_l), Lambda: toText(Lambda), origin: 'properties' },
        m, h_w, h_l, Lambda,
      };
      return { spec, text, [fc.toStringMethod]: () => text };
    });
}
