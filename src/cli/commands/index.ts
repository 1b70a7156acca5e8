// Every command, one file each; add an entry here to add a command. Only the names, arguments and
// descriptions live here: `marginlab --help` lists them without importing any command, and a command's
// module (with all it imports) is loaded only when that command runs (src/cli/lazy.ts).
import type { Command } from 'commander';

export interface CommandEntry {
  /** As commander's `program.command(...)` takes it: the name and the arguments. */
  readonly usage: string;
  readonly description: string;
  readonly load: () => Promise<{ register(program: Command): void }>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { usage: 'derive [loss]', description: 'd_w, d_l, their ratio, regimes, conditions (9)/(10) and the direction audit', load: () => import('./derive.js') },
  { usage: 'eval [loss]', description: 'numbers for d_w, d_l, ratio, L and the regime at a point', load: () => import('./eval.js') },
  { usage: 'classify [loss]', description: 'which case of Table 1 one gradient step lands in, from <a,b>, ||a||^2, ||b||^2', load: () => import('./classify.js') },
  { usage: 'catalogue', description: 'the losses marginlab knows, with citations and defaults', load: () => import('./catalogue.js') },
  // The checks' names are written out (not taken from numeric/theorems, which would load them all);
  // test/cli/lazy.test.ts checks they are CHECK_IDS.
  { usage: 'verify <check>', description: "check the paper's theorems numerically by taking real gradient steps: theorem1 | corollary2 | theorem3 | taylor | cases | all", load: () => import('./verify.js') },
  { usage: 'table', description: 'Table 2 (rows) or Table 1 (cases) of the chosen losses, derived, as LaTeX, HTML, Markdown or JSON', load: () => import('./table.js') },
  { usage: 'audit', description: 'check every claim of the paper (or of a claims file) and give each a verdict', load: () => import('./audit.js') },
  { usage: 'prove <claim>', description: "prove '<expr> > 0' (or >=, <, <=) on a whole box by interval branch and bound: proved (exit 0), refuted with a certified witness (exit 1), or undecided (exit 4)", load: () => import('./prove.js') },
  { usage: 'remedy [loss]', description: 'the admissible interval of d_w/d_l for chosen ↑ and rejected ↓, and the smallest change of a knob that reaches it', load: () => import('./remedy.js') },
  { usage: 'fuzz [loss]', description: 'property-test the derivation of a loss: finite differences, regimes, conditions (9)/(10), simplification, printing, eq. (6); exit 1 on a counterexample', load: () => import('./fuzz.js') },
  { usage: 'train', description: 'train a model with a loss and check conditions (9)/(10) against what happens: metrics.jsonl + summary.json', load: () => import('./train.js') },
  { usage: 'report <dirs...>', description: "draw a training run's figures as SVG and PNG: log-probabilities, cos_wl (several runs overlay), token heatmap, sign agreement", load: () => import('./report.js') },
  { usage: 'ingest <events>', description: 'turn the events a trainer printed elsewhere (e.g. on a GPU machine without Node) into the run folder `train` writes', load: () => import('./ingest.js') },
  { usage: 'sweep [loss]', description: "d_w, d_l, d_w/d_l (and, given a gradient pair's Gram statistics, Δlogp_w, Δlogp_l and Table 1's case) over one or two variables: a line plot or a heatmap", load: () => import('./sweep.js') },
];
