// Untrusted text → expression tree. mathjs does the parsing; nothing here ever evaluates, compiles or
// imports. The mathjs tree is walked against an allow-list of node types, operators, functions (the
// rule table) and symbols, and anything else is refused with a located error. Before mathjs sees the
// text, a character allow-list rejects quotes, brackets, braces, semicolons and assignment, so strings,
// matrices, objects, blocks and property access never reach the parser at all.

import type { MathNode } from 'mathjs';
import { mathParse } from './mathjs.js';
import { type Expr, num, sym, add, mul, pow, call, cond, neg, type CmpOp } from '../expr/expr.js';
import { PRIMITIVES } from '../expr/primitives.js';
import { type MarginError, type Result, ok, fail, didYouMean } from '../errors.js';
import { CONSTANTS, LOGP_W, LOGP_L } from './symbols.js';

export interface ParseContext {
  /** Which expression this is (m, h_w, h_l, Lambda, a claim, …), for error locations. */
  readonly slot: string;
  /** Every symbol the expression may name. */
  readonly symbols: ReadonlySet<string>;
  /** Extra hints for symbols that are deliberately not allowed here. */
  readonly symbolHints?: Readonly<Record<string, string>>;
}

const MAX_LENGTH = 4000;

/**
 * How deeply an expression may nest: parentheses, calls, signs, powers and conditionals together (a chain
 * `a + b - c + …` or `a*b/c*…` is one level, however long). mathjs's parser and every walk of the tree
 * recurse once per level, so the limit keeps them far from the end of the stack: 1,500 nested parentheses
 * are refused with this limit, not with "Maximum call stack size exceeded". The catalogue nests 6 deep.
 */
export const MAX_NESTING = 64;
/** Signs in a row (`- - - a`): each is a level of the parser's recursion. */
const MAX_SIGNS = 8;
const ALLOWED_CHARS = /^[A-Za-z0-9_.\s+\-*/^()?:<>=,]$/;

/** mathjs built-ins a hostile expression might try to reach; named in the error so nobody wonders. */
const DANGEROUS = new Set(['import', 'createUnit', 'evaluate', 'parse', 'compile', 'simplify', 'derivative',
  'chain', 'config', 'reviver', 'replacer', 'typed', 'help', 'Function', 'eval', 'require', 'process', 'constructor']);

const BINARY: Readonly<Record<string, (a: Expr, b: Expr) => Expr>> = {
  pow: (a, b) => pow(a, b),
};

const COMPARISON: Readonly<Record<string, CmpOp>> = { larger: '>', smaller: '<', largerEq: '>=', smallerEq: '<=' };

/** 1-based column of the first whole-word occurrence of `word` in `text`. */
export function columnOf(text: string, word: string): number | undefined {
  const re = new RegExp(`(^|[^A-Za-z0-9_])(${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})(?![A-Za-z0-9_])`);
  const m = re.exec(text);
  return m ? m.index + m[1].length + 1 : undefined;
}

export function parseExpression(text: string, ctx: ParseContext): Result<Expr> {
  const at = (column?: number, symbol?: string) => ({ slot: ctx.slot, line: 1, column, symbol });
  if (typeof text !== 'string') {
    return fail({ code: 'E_SPEC', message: `expected an expression as text, got ${typeof text}`, at: at() });
  }
  if (text.trim() === '') return fail({ code: 'E_SYNTAX', message: 'the expression is empty', at: at(1) });
  if (text.length > MAX_LENGTH) {
    return fail({ code: 'E_SYNTAX', message: `the expression is ${text.length} characters long; the limit is ${MAX_LENGTH}`, at: at(1) });
  }
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (!ALLOWED_CHARS.test(ch)) {
      return fail({ code: 'E_SYNTAX', message: `character '${ch}' is not part of the loss language`, at: at(i + 1),
        hint: 'use numbers, names, + - * / ^, parentheses, function calls and `cond ? x : y`' });
    }
  }
  const nesting = textNesting(text, at);
  if (nesting) return fail(nesting);
  // mathjs reads 0x10, 0b101 and 0o17 as numbers; the loss language, like every value marginlab reads, is decimal.
  const radix = /(^|[^A-Za-z0-9_.])0[xXbBoO][0-9A-Za-z]/.exec(text);
  if (radix) {
    return fail({ code: 'E_SYNTAX', message: 'only decimal numbers are part of the loss language', at: at(radix.index + radix[1].length + 1),
      hint: 'write numbers in decimal or scientific notation: 16, 0.5, 2e-3' });
  }
  // A lone '=' would be an assignment; comparisons use <, <=, >, >=.
  const eq = /(^|[^<>=])=(?!=)/.exec(text);
  if (eq) return fail({ code: 'E_FORBIDDEN', message: 'assignment is not allowed in a loss expression', at: at(eq.index + eq[1].length + 1) });

  let node: MathNode;
  try {
    node = mathParse(text);
  } catch (e) {
    if (e instanceof RangeError) {
      // The pre-scan bounds parentheses and signs; a stack overflow left here is some other nesting.
      return fail({ code: 'E_TOO_COMPLEX', message: `the expression nests too deeply for the parser (the limit is ${MAX_NESTING} levels)`, at: at(1) });
    }
    const err = e as { message?: string; char?: number };
    const column = typeof err.char === 'number' ? Math.max(1, err.char) : undefined;
    const message = String(err.message ?? e).replace(/\s*\(char \d+\)\s*$/, '');
    return fail({ code: 'E_SYNTAX', message, at: at(column) });
  }
  const depth = nestingDepth(node);
  if (depth > MAX_NESTING) {
    return fail({ code: 'E_TOO_COMPLEX', message: `the expression nests ${depth} levels deep; the limit is ${MAX_NESTING}`, at: at(1),
      hint: 'write it with fewer nested calls, powers or conditionals' });
  }
  const errors: MarginError[] = [];
  const expr = convert(node, text, ctx, errors);
  return errors.length > 0 ? { ok: false, errors } : ok(expr);
}

/** Parentheses nested past MAX_NESTING, or more than MAX_SIGNS signs in a row, before mathjs recurses on them. */
function textNesting(text: string, at: (column?: number) => { slot: string; line: number; column?: number }): MarginError | undefined {
  let depth = 0;
  let signs = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' && ++depth > MAX_NESTING) {
      return { code: 'E_TOO_COMPLEX', message: `parentheses nest more than ${MAX_NESTING} deep`, at: at(i + 1), hint: 'write the expression with fewer nested parentheses and calls' };
    }
    if (ch === ')') depth--;
    if (ch === '+' || ch === '-') {
      if (++signs > MAX_SIGNS) return { code: 'E_TOO_COMPLEX', message: `more than ${MAX_SIGNS} signs in a row`, at: at(i + 1), hint: 'each sign is a level of nesting; combine them' };
    } else if (!/\s/.test(ch)) signs = 0;
  }
  return undefined;
}

/** The families whose left-deep chains mathjs builds and marginlab flattens (a - b + c is one sum). */
const FAMILY: Readonly<Record<string, 'sum' | 'product'>> = { add: 'sum', subtract: 'sum', multiply: 'product', divide: 'product' };
const familyOf = (n: MathNode): 'sum' | 'product' | undefined => {
  const x = n as MathNode & { fn?: unknown; args?: unknown[] };
  return n.type === 'OperatorNode' && typeof x.fn === 'string' && x.args?.length === 2 && Object.hasOwn(FAMILY, x.fn) ? FAMILY[x.fn] : undefined;
};

/** Nesting depth of a mathjs tree without recursion, a chain of one family counting once. */
function nestingDepth(root: MathNode): number {
  let deepest = 0;
  const stack: Array<[MathNode, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [n, d] = stack.pop()!;
    deepest = Math.max(deepest, d);
    if (deepest > MAX_NESTING) return deepest;
    const fam = familyOf(n);
    n.forEach((child: MathNode, path: string) => {
      stack.push([child, fam && path === 'args[0]' && familyOf(child) === fam ? d : d + 1]);
    });
  }
  return deepest;
}

/** The operands of a left-deep chain of one family, left to right, with the operator that joins each. */
function chainOf(node: MathNode): Array<{ node: MathNode; fn: string }> {
  const fam = familyOf(node);
  const out: Array<{ node: MathNode; fn: string }> = [];
  let n = node as MathNode & { fn: string; args: MathNode[] };
  while (familyOf(n) === fam) {
    out.push({ node: n.args[1], fn: n.fn });
    n = n.args[0] as typeof n;
  }
  out.push({ node: n, fn: fam === 'sum' ? 'add' : 'multiply' });
  return out.reverse();
}

function convert(node: MathNode, text: string, ctx: ParseContext, errors: MarginError[]): Expr {
  const at = (column?: number, symbol?: string) => ({ slot: ctx.slot, line: 1, column, symbol });
  const n = node as MathNode & Record<string, any>;
  switch (n.type) {
    case 'ConstantNode': {
      if (typeof n.value !== 'number' || !Number.isFinite(n.value)) {
        errors.push({ code: 'E_FORBIDDEN', message: `only finite numbers are allowed as constants, got ${JSON.stringify(String(n.value))}`, at: at() });
        return num(0);
      }
      return num(n.value);
    }
    case 'SymbolNode': {
      const name: string = n.name;
      if (ctx.symbols.has(name)) return sym(name);
      if (Object.prototype.hasOwnProperty.call(CONSTANTS, name)) return num(CONSTANTS[name]);
      const column = columnOf(text, name);
      if (PRIMITIVES.has(name)) {
        errors.push({ code: 'E_SYNTAX', message: `'${name}' is a function; call it as ${name}(…)`, at: at(column, name) });
        return num(0);
      }
      const hint = (ctx.symbolHints && Object.hasOwn(ctx.symbolHints, name) ? ctx.symbolHints[name] : undefined) ?? ((): string | undefined => {
        const guess = didYouMean(name, ctx.symbols);
        return guess ? `did you mean '${guess}'?` : `known symbols: ${[...ctx.symbols].sort().join(', ')}`;
      })();
      errors.push({ code: 'E_UNKNOWN_SYMBOL', message: `'${name}' is not a known symbol`, at: at(column, name), hint });
      return sym(name);
    }
    case 'ParenthesisNode':
      return convert(n.content, text, ctx, errors);
    case 'OperatorNode': {
      const f: string = n.fn;
      const args: MathNode[] = n.args;
      if (f === 'unaryMinus' && args.length === 1) return neg(convert(args[0], text, ctx, errors));
      if (f === 'unaryPlus' && args.length === 1) return convert(args[0], text, ctx, errors);
      if (familyOf(n)) {
        // A left-deep chain becomes one sum or product, walked in a loop: 1,666 factors are one level.
        const parts = chainOf(n).map(({ node: x, fn }) => {
          const c = convert(x, text, ctx, errors);
          return fn === 'subtract' ? neg(c) : fn === 'divide' ? pow(c, num(-1)) : c;
        });
        return familyOf(n) === 'sum' ? add(...parts) : mul(...parts);
      }
      if (BINARY[f] && args.length === 2) {
        return BINARY[f](convert(args[0], text, ctx, errors), convert(args[1], text, ctx, errors));
      }
      const opCol = text.indexOf(n.op);
      if (COMPARISON[f]) {
        errors.push({ code: 'E_UNSUPPORTED', message: `comparison '${n.op}' is only allowed as the test of \`test ? x : y\``, at: at(opCol >= 0 ? opCol + 1 : undefined) });
        return num(0);
      }
      errors.push({ code: 'E_UNSUPPORTED', message: `operator '${n.op}' (${f}) is not part of the loss language`, at: at(opCol >= 0 ? opCol + 1 : undefined),
        hint: f === 'equal' || f === 'unequal' ? 'an equality test holds on a set of measure zero; use <, <=, > or >=' : undefined });
      return num(0);
    }
    case 'ConditionalNode': {
      const c = n.condition as MathNode & Record<string, any>;
      const inner = c.type === 'ParenthesisNode' ? c.content : c;
      const op = inner.type === 'OperatorNode' ? COMPARISON[inner.fn as string] : undefined;
      if (!op) {
        errors.push({ code: 'E_UNSUPPORTED', message: 'the test of `test ? x : y` must be one comparison: <, <=, > or >=', at: at(text.indexOf('?') + 1) });
        return num(0);
      }
      const test = { op, left: convert(inner.args[0], text, ctx, errors), right: convert(inner.args[1], text, ctx, errors) };
      return cond(test, convert(n.trueExpr, text, ctx, errors), convert(n.falseExpr, text, ctx, errors));
    }
    case 'FunctionNode': {
      const fnNode = n.fn as MathNode & Record<string, any>;
      if (fnNode.type !== 'SymbolNode') {
        errors.push({ code: 'E_FORBIDDEN', message: 'only the functions of the loss language can be called', at: at() });
        return num(0);
      }
      const name: string = fnNode.name;
      const column = columnOf(text, name);
      const prim = PRIMITIVES.get(name);
      if (!prim) {
        if (DANGEROUS.has(name)) {
          errors.push({ code: 'E_FORBIDDEN', message: `'${name}' is not reachable from a loss expression`, at: at(column, name),
            hint: `functions: ${[...PRIMITIVES.keys()].join(', ')}` });
        } else {
          const guess = didYouMean(name, PRIMITIVES.keys());
          errors.push({ code: 'E_UNKNOWN_FUNCTION', message: `'${name}' is not a function of the loss language`, at: at(column, name),
            hint: guess ? `did you mean '${guess}'?` : `functions: ${[...PRIMITIVES.keys()].join(', ')}` });
        }
        return num(0);
      }
      const args: MathNode[] = n.args;
      if (args.length !== prim.params.length) {
        errors.push({ code: 'E_ARITY', message: `'${name}' takes ${prim.params.length} argument${prim.params.length === 1 ? '' : 's'}, got ${args.length}`, at: at(column, name) });
        return num(0);
      }
      return call(name, ...args.map((a) => convert(a, text, ctx, errors)));
    }
    default: {
      const what: Record<string, string> = {
        AccessorNode: 'property access', IndexNode: 'indexing', AssignmentNode: 'assignment',
        FunctionAssignmentNode: 'function definition', ObjectNode: 'an object', ArrayNode: 'a matrix',
        RangeNode: 'a range', BlockNode: 'several statements', RelationalNode: 'a chained comparison',
      };
      errors.push({ code: 'E_FORBIDDEN', message: `${what[n.type] ?? n.type} is not allowed in a loss expression`, at: at() });
      return num(0);
    }
  }
}

/** Hints for the result variables, which a slot must not name (slots are functions of `a`). */
export const RESULT_VARIABLE_HINTS: Readonly<Record<string, string>> = {
  [LOGP_W]: "slots are functions of the argument 'a'; marginlab substitutes logp_w itself",
  [LOGP_L]: "slots are functions of the argument 'a'; marginlab substitutes logp_l itself",
};
