// An expression's interval over a box: the same tree walk as the float64 evaluator, with each node's
// interval extension taken from the rule table.

import type { Expr } from '../../expr/expr.js';
import { primitive } from '../../expr/primitives.js';
import { type Interval, ENTIRE, EMPTY_UNDEFINED, hull, iadd, imul, ipowInt, irecip, interval, joinDef, point } from '../../expr/interval.js';
import { decideByEnclosure } from '../../expr/compare.js';

export type Box = Readonly<Record<string, Interval>>;
export type CompiledInterval = (box: Box) => Interval;

const iexp = (a: Interval) => primitive('exp').interval(a);
const ilog = (a: Interval) => primitive('log').interval(a);

export function compileInterval(e: Expr): CompiledInterval {
  switch (e.kind) {
    case 'num': { const p = point(e.value); return () => p; }
    case 'sym': {
      const name = e.name;
      return (box) => (Object.hasOwn(box, name) ? box[name] : ENTIRE);
    }
    case 'add': {
      const ts = e.terms.map(compileInterval);
      return (box) => ts.reduce((acc, t) => iadd(acc, t(box)), point(0));
    }
    case 'mul': {
      const fs = e.factors.map(compileInterval);
      return (box) => fs.reduce((acc, f) => imul(acc, f(box)), point(1));
    }
    case 'pow': {
      const b = compileInterval(e.base);
      if (e.exp.kind === 'num' && Number.isInteger(e.exp.value)) {
        const n = e.exp.value;
        return n === -1 ? (box) => irecip(b(box)) : (box) => ipowInt(b(box), n);
      }
      // f^g = exp(g·log f), defined where f > 0 (f = 0 with g > 0 is left to 'maybe').
      const x = compileInterval(e.exp);
      return (box) => iexp(imul(x(box), ilog(b(box))));
    }
    case 'call': {
      const p = primitive(e.fn);
      const args = e.args.map(compileInterval);
      return (box) => p.interval(...args.map((a) => a(box)));
    }
    case 'cond': {
      const l = compileInterval(e.test.left), r = compileInterval(e.test.right);
      const t = compileInterval(e.then), f = compileInterval(e.else);
      const op = e.test.op;
      return (box) => {
        const d = iadd(l(box), imul(point(-1), r(box)));
        if (d.def === 'no') return { ...EMPTY_UNDEFINED };
        const { certainlyTrue, certainlyFalse } = decideByEnclosure(op, d);
        const res = certainlyTrue ? t(box) : certainlyFalse ? f(box) : hull(t(box), f(box));
        return d.def === 'yes' ? res : interval(res.lo, res.hi, res.loOpen, res.hiOpen, joinDef(res.def, 'maybe'));
      };
    }
  }
}
