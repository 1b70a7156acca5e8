// The browser build's stand-in for mathjs's single-file bundle (src/spec/mathjs.ts): the same mathjs
// parser, created from mathjs's ES modules with only the parser's own dependencies. The bundle builds
// every mathjs function at load, about 2 s of start-up in a browser; this builds the parser alone.
// src/spec/parse.ts still walks the tree against its allow-list; nothing here evaluates anything.

import { create, parseDependencies } from 'mathjs';

const math = create({ parseDependencies }, {});

export default { parse: math.parse };
