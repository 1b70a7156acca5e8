// Differentiation over the expression tree, driven by the rule table. Each primitive's partial
// derivatives are read from its table entry (tiny expressions in u, v), parsed once, and substituted;
// the chain rule does the rest. Hinges have no derivative: regimes.ts resolves them first, so reaching
// one here is an internal error, never a silent subgradient.

import { type Expr, add, dependsOn, mul, num, pow, call, substitute } from '../expr/expr.js';
import { PRIMITIVES } from '../expr/primitives.js';
import { ruleTemplate } from './rule-template.js';
import { simplify } from './simplify.js';
import { toText } from './print.js';
import { guard } from './budget.js';

/** One use of a rule, for `derive --explain`. */
export interface RuleUse {
  readonly rule: string;
  readonly formula: string;
}

/** The parsed partial derivatives of a primitive, in its placeholder params. */
export function derivativeTemplates(fn: string): readonly Expr[] {
  const p = PRIMITIVES.get(fn);
  if (!p?.derivative) throw new Error(`internal: '${fn}' has no derivative rule (a hinge must be split into regimes first)`);
  return p.derivative.map((d) => ruleTemplate(fn, d));
}

export function differentiate(e: Expr, x: string, trace?: RuleUse[]): Expr {
  // The raw derivative shares subtrees (the general power rule repeats f^g), so it is measured as a tree
  // before the simplifier walks it: a^a^…^a is refused here, not after minutes of simplification.
  return simplify(guard(d(e, x, trace), 'the derivative'));
}

function d(e: Expr, x: string, trace?: RuleUse[]): Expr {
  if (!dependsOn(e, x)) return num(0);
  switch (e.kind) {
    case 'num': return num(0);
    case 'sym': return num(e.name === x ? 1 : 0);
    case 'add': return add(...e.terms.map((t) => d(t, x, trace)));
    case 'mul': {
      // Product rule, skipping factors that do not depend on x.
      const terms: Expr[] = [];
      e.factors.forEach((f, i) => {
        if (!dependsOn(f, x)) return;
        terms.push(mul(...e.factors.map((g, j) => (i === j ? d(f, x, trace) : g))));
      });
      return add(...terms);
    }
    case 'pow': {
      const { base, exp } = e;
      if (!dependsOn(exp, x)) {
        trace?.push({ rule: 'power', formula: 'd/dx f^k = k f^(k-1) f\'' });
        return mul(exp, pow(base, add(exp, num(-1))), d(base, x, trace));
      }
      trace?.push({ rule: 'general power', formula: 'd/dx f^g = f^g (g\' log f + g f\'/f)' });
      if (!dependsOn(base, x)) return mul(e, call('log', base), d(exp, x, trace));
      return mul(e, add(mul(d(exp, x, trace), call('log', base)), mul(exp, d(base, x, trace), pow(base, num(-1)))));
    }
    case 'call': {
      const p = PRIMITIVES.get(e.fn);
      if (!p || !p.derivative) {
        throw new Error(`internal: ${toText(e)} reached the differentiator; hinges must be resolved into regimes first`);
      }
      const templates = derivativeTemplates(e.fn);
      const bind: Record<string, Expr> = {};
      p.params.forEach((name, i) => { bind[name] = e.args[i]; });
      trace?.push({ rule: e.fn, formula: p.params.map((u, i) => `∂${e.fn}/∂${u} = ${p.derivative![i]}`).join('; ') });
      return add(...e.args.map((arg, i) => mul(substitute(templates[i], bind), d(arg, x, trace))));
    }
    case 'cond':
      throw new Error(`internal: a conditional reached the differentiator; it must be resolved into regimes first`);
  }
}
