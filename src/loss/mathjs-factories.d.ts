// mathjs exports a factory for every function and node class (its factoriesAny), but its type
// declarations list only the ready-made `*Dependencies` objects; mathjs-parse.ts calls the factories.
// A factory takes its dependencies by name and returns the function or class it makes.

/* eslint-disable @typescript-eslint/no-explicit-any */
export {}; // a module, so the block below augments mathjs's declarations rather than replacing them

type Factory = (dependencies: Record<string, any>) => any;

declare module 'mathjs' {
  export const createNumber: Factory, createNumeric: Factory, createIsBounded: Factory, createParse: Factory;
  export const createNode: Factory, createAccessorNode: Factory, createArrayNode: Factory, createAssignmentNode: Factory,
    createBlockNode: Factory, createConditionalNode: Factory, createConstantNode: Factory, createFunctionAssignmentNode: Factory,
    createFunctionNode: Factory, createIndexNode: Factory, createObjectNode: Factory, createOperatorNode: Factory,
    createParenthesisNode: Factory, createRangeNode: Factory, createRelationalNode: Factory, createSymbolNode: Factory;
}
