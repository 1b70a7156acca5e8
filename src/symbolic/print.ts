// Two printers over the same tree: mathjs-syntax text (parses back to the same value) and LaTeX in the
// paper's notation. Both pull sums apart into + and − terms and products into numerator/denominator,
// so that β·σ(x)·|y_w|^(−1) prints as β σ(x)/|y_w|, not as a power of −1.

import type { Expr, Test } from '../expr/expr.js';
import { primitive } from '../expr/primitives.js';
import { symbolTex } from '../loss/symbols.js';

/** p/q with small q when v is exactly that double, else undefined. */
export function asRational(v: number): [number, number] | undefined {
  if (Number.isInteger(v)) return [v, 1];
  for (let q = 2; q <= 1024; q++) {
    const p = Math.round(v * q);
    if (p / q === v && Math.abs(p) < 1e9) return [p, q];
  }
  return undefined;
}

interface Split {
  /** Sign and numeric magnitude of the coefficient. */
  readonly negative: boolean;
  readonly coef: number;
  readonly num: readonly Expr[];
  readonly den: readonly Expr[];
}

/** Split a term into sign, |numeric coefficient|, numerator factors and denominator factors. */
function split(e: Expr): Split {
  // Nested products (as parsed, before simplification) print as one.
  const flat = (x: Expr): Expr[] => (x.kind === 'mul' ? x.factors.flatMap(flat) : [x]);
  const factors = flat(e);
  let coef = 1;
  const num: Expr[] = [];
  const den: Expr[] = [];
  for (const f of factors) {
    if (f.kind === 'num') coef *= f.value;
    else if (f.kind === 'pow' && f.exp.kind === 'num' && f.exp.value < 0) {
      den.push(f.exp.value === -1 ? f.base : { kind: 'pow', base: f.base, exp: { kind: 'num', value: -f.exp.value } });
    } else num.push(f);
  }
  const sumsLast = (a: Expr, b: Expr): number => Number(a.kind === 'add') - Number(b.kind === 'add');
  return { negative: coef < 0, coef: Math.abs(coef), num: num.sort(sumsLast), den: den.sort(sumsLast) };
}

const isNegativeTerm = (e: Expr): boolean => split(e).negative;

/** Positive terms first, keeping the canonical order otherwise, so a sum reads `b - a`, not `-a + b`. */
function orderTerms(terms: readonly Expr[]): Expr[] {
  return [...terms.filter((t) => !isNegativeTerm(t)), ...terms.filter(isNegativeTerm)];
}

// ---------- text (mathjs syntax) ----------

const P_ADD = 1, P_MUL = 2, P_NEG = 3, P_POW = 4, P_ATOM = 5;

function textNumber(v: number): { s: string; prec: number } {
  if (!Number.isFinite(v)) return { s: v > 0 ? '1e999' : v < 0 ? '-1e999' : '0', prec: P_ATOM };
  const r = asRational(Math.abs(v));
  let s: string;
  let prec = P_ATOM;
  if (r && r[1] !== 1) { s = `${r[0]}/${r[1]}`; prec = P_MUL; } else s = String(Math.abs(v));
  if (v < 0) { s = `-${s}`; prec = P_NEG; }
  return { s, prec };
}

function textTerm(e: Expr): { s: string; prec: number } {
  switch (e.kind) {
    case 'num': return textNumber(e.value);
    case 'sym': return { s: e.name, prec: P_ATOM };
    case 'call': return { s: `${e.fn}(${e.args.map(toText).join(', ')})`, prec: P_ATOM };
    case 'cond': return { s: `(${textTest(e.test)} ? ${toText(e.then)} : ${toText(e.else)})`, prec: P_ATOM };
    case 'pow': {
      if (e.exp.kind === 'num' && e.exp.value < 0) return textProduct(split(e));
      const b = textTerm(e.base);
      const x = textTerm(e.exp);
      return { s: `${b.prec > P_POW ? b.s : `(${b.s})`}^${x.prec >= P_ATOM ? x.s : `(${x.s})`}`, prec: P_POW };
    }
    case 'add': {
      const terms = orderTerms(e.terms);
      let s = '';
      terms.forEach((t, i) => {
        const neg = isNegativeTerm(t);
        const body = textProduct({ ...split(t), negative: false });
        if (i === 0) s = neg ? `-${wrap(body, P_MUL)}` : body.s;
        else s += neg ? ` - ${wrap(body, P_MUL)}` : ` + ${body.s}`;
      });
      return { s, prec: P_ADD };
    }
    case 'mul': return textProduct(split(e));
  }
}

const wrap = (t: { s: string; prec: number }, need: number): string => (t.prec >= need ? t.s : `(${t.s})`);

function textProduct(sp: Split): { s: string; prec: number } {
  const r = asRational(sp.coef);
  const numParts = sp.num.map((f) => wrap(textTerm(f), P_MUL + 1));
  const denParts = sp.den.map((f) => wrap(textTerm(f), P_MUL + 1));
  if (r && r[1] !== 1) denParts.unshift(String(r[1]));
  const c = r ? r[0] : sp.coef;
  if (c !== 1 || numParts.length === 0) numParts.unshift(r ? String(c) : String(sp.coef));
  let s = numParts.join('*');
  if (denParts.length === 1) s += `/${denParts[0]}`;
  else if (denParts.length > 1) s += `/(${denParts.join('*')})`;
  const single = numParts.length === 1 && denParts.length === 0;
  const prec = single ? (sp.num.length === 1 ? textTerm(sp.num[0]).prec : P_ATOM) : P_MUL;
  if (sp.negative) return { s: `-${single && prec >= P_NEG ? s : prec >= P_MUL ? s : `(${s})`}`, prec: P_NEG };
  return { s, prec };
}

function textTest(t: Test): string {
  return `${toText(t.left)} ${t.op} ${toText(t.right)}`;
}

/** mathjs-syntax text; parses back (through marginlab's own parser) to an equal value. */
export function toText(e: Expr): string {
  return textTerm(e).s;
}

// ---------- LaTeX ----------

export type TexNames = Readonly<Record<string, string>>;

function texNumber(v: number): string {
  const r = asRational(Math.abs(v));
  const s = r && r[1] !== 1 ? `\\tfrac{${r[0]}}{${r[1]}}` : formatFloat(Math.abs(v));
  return v < 0 ? `-${s}` : s;
}

function formatFloat(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const s = v.toPrecision(6).replace(/\.?0+$/, '');
  const m = /^(-?[\d.]+)e([+-]\d+)$/.exec(s);
  return m ? `${m[1]}\\times 10^{${Number(m[2])}}` : s;
}

function texTerm(e: Expr, names: TexNames): { s: string; prec: number } {
  switch (e.kind) {
    case 'num': return { s: texNumber(e.value), prec: e.value < 0 ? P_NEG : P_ATOM };
    case 'sym': return { s: symbolTex(e.name, Object.hasOwn(names, e.name) ? names[e.name] : undefined), prec: P_ATOM };
    case 'call': {
      const p = primitive(e.fn);
      return { s: p.tex(e.args.map((a) => toTex(a, names))), prec: P_ATOM };
    }
    case 'cond': {
      const t = `${toTex(e.test.left, names)} ${{ '<': '<', '<=': '\\le', '>': '>', '>=': '\\ge' }[e.test.op]} ${toTex(e.test.right, names)}`;
      return { s: `\\begin{cases} ${toTex(e.then, names)} & ${t} \\\\ ${toTex(e.else, names)} & \\text{otherwise} \\end{cases}`, prec: P_ATOM };
    }
    case 'pow': {
      if (e.exp.kind === 'num' && e.exp.value < 0) return texProduct(split(e), names);
      if (e.exp.kind === 'num' && e.exp.value === 0.5) return { s: `\\sqrt{${toTex(e.base, names)}}`, prec: P_ATOM };
      const b = texTerm(e.base, names);
      // An atom that carries its own superscript (c^{l}_{ref}) is braced, or x^{l}^{2} is a double superscript.
      const base = b.prec >= P_ATOM && e.base.kind !== 'call' ? (b.s.includes('^') ? `{${b.s}}` : b.s) : `\\left(${b.s}\\right)`;
      return { s: `${base}^{${toTex(e.exp, names)}}`, prec: P_POW };
    }
    case 'add': {
      const terms = orderTerms(e.terms);
      let s = '';
      terms.forEach((t, i) => {
        const neg = isNegativeTerm(t);
        const body = texProduct({ ...split(t), negative: false }, names);
        if (i === 0) s = neg ? `-${body.prec >= P_MUL ? body.s : `\\left(${body.s}\\right)`}` : body.s;
        else s += neg ? ` - ${body.prec >= P_MUL ? body.s : `\\left(${body.s}\\right)`}` : ` + ${body.s}`;
      });
      return { s, prec: P_ADD };
    }
    case 'mul': return texProduct(split(e), names);
  }
}

function texFactors(fs: readonly Expr[], names: TexNames): string {
  return fs.map((f) => {
    const t = texTerm(f, names);
    return t.prec > P_MUL ? t.s : `\\left(${t.s}\\right)`;
  }).join(' ');
}

function texProduct(sp: Split, names: TexNames): { s: string; prec: number } {
  const r = asRational(sp.coef);
  const cNum = r ? r[0] : sp.coef;
  const cDen = r ? r[1] : 1;
  const numParts: string[] = [];
  if (cNum !== 1 || sp.num.length === 0) numParts.push(r ? String(cNum) : formatFloat(sp.coef));
  if (sp.num.length > 0) numParts.push(texFactors(sp.num, names));
  let s = numParts.join(' ');
  const hasDen = sp.den.length > 0 || cDen !== 1;
  if (hasDen) {
    const den = [cDen !== 1 ? String(cDen) : '', sp.den.length ? texFactors(sp.den, names) : ''].filter(Boolean).join(' ');
    s = `\\frac{${s}}{${den}}`;
  }
  const prec = hasDen || (numParts.length === 1 && sp.num.length <= 1) ? P_ATOM : P_MUL;
  const single = sp.num.length === 1 && !hasDen && cNum === 1 ? texTerm(sp.num[0], names).prec : prec;
  if (sp.negative) return { s: `-${single >= P_MUL ? s : `\\left(${s}\\right)`}`, prec: P_NEG };
  return { s, prec: single };
}

/** LaTeX in the paper's notation; `names` overrides symbol LaTeX (declared params' `tex`). */
export function toTex(e: Expr, names: TexNames = {}): string {
  return texTerm(e, names).s;
}
