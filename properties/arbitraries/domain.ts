// Points of a loss's domain and gradient pairs: the library's arbitraries (src/fuzz/arbitraries.ts),
// shared with `marginlab fuzz`, so the CLI and the suite sample the same space.
export { type DomainPoint, type GradientPair, type GramKind, GRAM_KINDS, buildPair, gramArb, logpArb, pointArb, type GradientRows,
  gradientRowsArb, rankedPointArb } from '../../src/fuzz/arbitraries.js';
