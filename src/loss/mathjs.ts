// mathjs's parser, loaded from its single-file bundle: the ESM entry point imports about a thousand
// modules and costs ~0.9 s of start-up; the bundle costs ~0.15 s. Only `parse` is taken from it —
// never `evaluate`, `compile`, `import` or `createUnit`.

import type { MathNode } from 'mathjs';
import bundle from 'mathjs/lib/browser/math.js';

export const mathParse: (text: string) => MathNode = (bundle as { parse: (text: string) => MathNode }).parse;
