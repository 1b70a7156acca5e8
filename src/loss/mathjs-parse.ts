// The stand-in for mathjs's single-file bundle (src/loss/mathjs.ts) in the playground's build and the CLI's
// bundle (scripts/bundle-cli.ts): the same mathjs parser — mathjs's own parse factory and node classes —
// wired by hand with only what parsing uses. Both builds alias mathjs/lib/browser/math.js to this file
// and tree-shake mathjs down to these factories; unbundled Node (tests, dist/) keeps the bundle, since
// mathjs's ESM entry point loads all of mathjs's modules.
//
// Why by hand: the bundle builds every mathjs function at load (about 2 s of start-up in a browser, and
// ~0.4 s plus ~0.4 s of CommonJS export scanning in Node), and even `create({ parseDependencies })` builds
// ~50 typed functions (Unit, pow, det, inv, matrices…) that the node classes need only to evaluate or
// compile, plus typed-function's dispatcher and conversions. src/loss/parse.ts only reads a tree's plain
// fields (type, fn, op, args, name, value, content, condition, trueExpr, falseExpr) against its
// allow-list; nothing here evaluates anything. test/playground/pure.test.ts checks that the trees and the
// syntax errors equal the bundle's.

import {
  createAccessorNode, createArrayNode, createAssignmentNode, createBlockNode, createConditionalNode, createConstantNode,
  createFunctionAssignmentNode, createFunctionNode, createIndexNode, createIsBounded, createNode, createNumber, createNumeric,
  createObjectNode, createOperatorNode, createParenthesisNode, createParse, createRangeNode, createRelationalNode, createSymbolNode,
} from 'mathjs';

type Fn = (...args: never[]) => unknown;
interface SelfRef { readonly referToSelf: (self: Fn) => Fn }

/** The JS types a parser-only build can meet; mathjs's own classes (BigNumber, Unit, Matrix…) never occur in it. */
const IS: Readonly<Record<string, (x: unknown) => boolean>> = {
  number: (x) => typeof x === 'number', string: (x) => typeof x === 'string', boolean: (x) => typeof x === 'boolean',
  bigint: (x) => typeof x === 'bigint', null: (x) => x === null, undefined: (x) => x === undefined, Array: Array.isArray,
  Object: (x) => typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype,
};

/**
 * typed-function, reduced to what these factories ask of it: a function that picks the signature whose
 * parameter types (`'string'`, `'string, Object'`, `'Array | Matrix'`…) match its arguments. mathjs's
 * conversions only matter when evaluating, so addConversion records nothing.
 */
function typed(name: string, signatures: Readonly<Record<string, Fn | SelfRef>>): Fn {
  const table: { params: string[][]; fn: Fn }[] = [];
  const self = ((...args: unknown[]) => {
    for (const s of table) {
      if (s.params.length === args.length && s.params.every((alts, i) => alts.some((t) => IS[t]?.(args[i])))) return (s.fn as (...a: unknown[]) => unknown)(...args);
    }
    throw new TypeError(`Unexpected type of argument in function ${name} (the parser-only build takes plain values)`);
  }) as Fn;
  for (const [key, f] of Object.entries(signatures)) {
    const params = key.trim() === '' ? [] : key.split(',').map((p) => p.split('|').map((t) => t.trim()));
    table.push({ params, fn: typeof f === 'function' ? f : f.referToSelf(self) });
  }
  return self;
}
typed.referToSelf = (referToSelf: (self: Fn) => Fn): SelfRef => ({ referToSelf });
typed.addConversion = (): void => undefined;

/** Used by the node classes only when a tree is evaluated or compiled, which the library never does. */
const evaluationOnly = (name: string) => () => {
  throw new Error(`mathjs '${name}' is not part of the parser-only build (it only parses)`);
};

// mathjs's defaults for what parse reads (config.number, and its fallback for 'bigint').
const config = { number: 'number', numberFallback: 'number' };
const math = {};
const number = createNumber({ typed });
const numeric = createNumeric({ number });
const Node = createNode({ mathWithTransform: math });
const SymbolNode = createSymbolNode({ math, Node });
const subset = evaluationOnly('subset');
const nodes = {
  AccessorNode: createAccessorNode({ subset, Node }),
  ArrayNode: createArrayNode({ Node }),
  AssignmentNode: createAssignmentNode({ subset, Node }),
  BlockNode: createBlockNode({ ResultSet: evaluationOnly('ResultSet'), Node }),
  ConditionalNode: createConditionalNode({ Node }),
  ConstantNode: createConstantNode({ Node, isBounded: createIsBounded({ typed }) }),
  FunctionAssignmentNode: createFunctionAssignmentNode({ typed, Node }),
  FunctionNode: createFunctionNode({ math, Node, SymbolNode }),
  IndexNode: createIndexNode({ Node, size: evaluationOnly('size') }),
  ObjectNode: createObjectNode({ Node }),
  OperatorNode: createOperatorNode({ Node }),
  ParenthesisNode: createParenthesisNode({ Node }),
  RangeNode: createRangeNode({ Node }),
  RelationalNode: createRelationalNode({ Node }),
  SymbolNode,
};
const parse = createParse({ typed, numeric, config, ...nodes }) as (text: string) => unknown;

export default { parse };
