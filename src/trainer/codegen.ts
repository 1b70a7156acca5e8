// PyTorch code from the symbolic loss: a printer over the expression tree that turns L (eq. 8, hinges in
// place) into a Python function of per-example tensors. marginlab never evaluates this code itself; it is
// data for the trainer, which runs it in a namespace holding only torch, F and math (ml_loss.py). That is
// acceptable because the tree was built by the loss language's parser, whose allow-list admits only
// numbers, declared params, the context symbols and the primitives of src/expr/primitives.ts — so the
// printed text can hold nothing but arithmetic on tensors; param names are prefixed (p_lambda) so that a
// param can never be a Python keyword or shadow a torch name.

import { type Expr, type Test, symbolsOf } from '../expr/expr.js';
import { PRIMITIVES } from '../expr/primitives.js';
import type { Derivation } from '../symbolic/derive.js';
import { LOGP_L, LOGP_W } from '../loss/symbols.js';
import { rankedSymbols } from '../loss/ranked.js';
import type { RankedDerivation } from '../symbolic/ranked.js';
import type { TrainerError } from './errors.js';
import type { Result } from '../errors.js';

export const ENTRY = 'loss_fn';
export const ARGS = ['logp_w', 'logp_l', 'c_ref_w', 'c_ref_l', 'len_w', 'len_l', 'z_ref'] as const;
const INPUTS: ReadonlySet<string> = new Set([...ARGS, 'c_ref']);

/** How each primitive prints; one entry per primitive of the rule table (a test checks none is missing). */
export const TORCH: Readonly<Record<string, (args: readonly string[]) => string>> = {
  exp: ([u]) => `torch.exp(${u})`,
  log: ([u]) => `torch.log(${u})`,
  log1p: ([u]) => `torch.log1p(${u})`,
  expm1: ([u]) => `torch.expm1(${u})`,
  sqrt: ([u]) => `torch.sqrt(${u})`,
  sigmoid: ([u]) => `torch.sigmoid(${u})`,
  logsigmoid: ([u]) => `F.logsigmoid(${u})`,
  softplus: ([u]) => `F.softplus(${u})`,
  log1mexp: ([u]) => `_log1mexp(${u})`,
  tanh: ([u]) => `torch.tanh(${u})`,
  min: ([u, v]) => `torch.minimum(${u}, ${v})`,
  max: ([u, v]) => `torch.maximum(${u}, ${v})`,
  relu: ([u]) => `torch.relu(${u})`,
  abs: ([u]) => `torch.abs(${u})`,
};

// log(1 − e^x) in Mächler's two branches, as primitives.ts evaluates it. Each branch gets an input that
// is safe for it, so the branch torch.where discards cannot send inf·0 = NaN into the gradient.
// The trainer provides torch, F and math in the namespace (no imports: the namespace has no builtins).
const PRELUDE = `def _log1mexp(x):
    near = x > -math.log(2.0)
    a = torch.where(near, x, torch.full_like(x, -1.0))
    b = torch.where(near, torch.full_like(x, -1.0), x)
    return torch.where(near, torch.log(-torch.expm1(a)), torch.log1p(-torch.exp(b)))
`;

const pyName = (name: string, params: ReadonlySet<string>): string => (params.has(name) ? `p_${name}` : name);

function pyNumber(v: number): string {
  if (Number.isNaN(v)) return 'math.nan';
  if (!Number.isFinite(v)) return v > 0 ? 'math.inf' : '(-math.inf)';
  const s = String(v);
  return /[.eE]/.test(s) ? (v < 0 ? `(${s})` : s) : `${v < 0 ? `(${s}.0)` : `${s}.0`}`;
}

class Printer {
  /** `name` prints a symbol that is no param (the trainer's inputs); `like` is a per-example tensor to lift constants beside. */
  constructor(private readonly params: ReadonlySet<string>, private readonly name: (s: string) => string = (s) => s, private readonly like = 'logp_w') {}

  /** A subtree with no symbol is a Python float; where torch needs a tensor, it is lifted next to `like`. */
  private tensor(e: Expr): string {
    const s = this.print(e);
    return symbolsOf(e).size === 0 ? `torch.full_like(${this.like}, ${s})` : s;
  }

  print(e: Expr): string {
    switch (e.kind) {
      case 'num': return pyNumber(e.value);
      case 'sym': return this.params.has(e.name) ? pyName(e.name, this.params) : this.name(e.name);
      case 'add': return `(${e.terms.map((t) => this.print(t)).join(' + ')})`;
      case 'mul': return `(${e.factors.map((f) => this.print(f)).join(' * ')})`;
      case 'pow': {
        if (e.exp.kind === 'num' && e.exp.value === -1) return `(1.0 / ${this.print(e.base)})`;
        return `(${this.print(e.base)} ** ${this.print(e.exp)})`;
      }
      case 'call': {
        const f = TORCH[e.fn];
        if (!f) throw new CodegenFault(`no PyTorch form for the primitive '${e.fn}'`);
        return f(e.args.map((a) => this.tensor(a)));
      }
      case 'cond': return `torch.where(${this.test(e.test)}, ${this.tensor(e.then)}, ${this.tensor(e.else)})`;
    }
  }

  private test(t: Test): string {
    return `(${this.tensor(t.left)} ${t.op} ${this.print(t.right)})`;
  }
}

class CodegenFault extends Error {}

export interface GeneratedLoss {
  readonly python: string;
  readonly entry: string;
}

/** `def loss_fn(logp_w, …, z_ref, params)` returning the per-example L of eq. (8) (hinges in place). */
export function generateTorch(d: Derivation): Result<GeneratedLoss, TrainerError> {
  const params = new Set(Object.keys(d.spec.source.params));
  for (const s of symbolsOf(d.L)) {
    if (!params.has(s) && !INPUTS.has(s)) return { ok: false, errors: [{ code: 'E_CODEGEN', message: `the loss uses '${s}', which is neither a param nor a trainer input` }] };
  }
  const body = printed(new Printer(params), d.L);
  if (!body.ok) return body;
  const lines = [
    PRELUDE,
    '',
    `def ${ENTRY}(${ARGS.join(', ')}, params):`,
    `    # ${d.spec.source.id}: the per-example loss L of eq. (8), generated by marginlab from its expression tree.`,
    ...[...params].sort().map((p) => `    p_${p} = params[${JSON.stringify(p)}]`),
    '    c_ref = c_ref_w - c_ref_l',
    `    return ${body.value} + 0.0 * ${LOGP_W} + 0.0 * ${LOGP_L}`,
    '',
  ];
  return { ok: true, value: { python: lines.join('\n'), entry: ENTRY } };
}

function printed(p: Printer, L: Expr): Result<string, TrainerError> {
  try {
    return { ok: true, value: p.print(L) };
  } catch (e) {
    if (e instanceof CodegenFault) return { ok: false, errors: [{ code: 'E_CODEGEN', message: e.message }] };
    throw e;
  }
}

/** The per-response inputs of a K-response loss: [N, K] tensors, column k − 1 holding response k (rank order). */
export const RANKED_ARGS = ['logp', 'c_ref', 'length'] as const;
const RANKED_COLUMNS: Readonly<Record<string, (typeof RANKED_ARGS)[number]>> = { logp: 'logp', c_ref: 'c_ref', len: 'length' };

/**
 * `def loss_fn(logp, c_ref, length, params)` returning the per-prompt L of a loss over K ranked responses
 * (loss/ranked.ts), each input [N, K] with response 1 (the most preferred) in column 0; logp_k prints as
 * logp[:, k-1]. A K-response L names nothing but logp_k, c_ref_k, len_k and its params (checked when parsed).
 */
export function generateRankedTorch(d: RankedDerivation): Result<GeneratedLoss, TrainerError> {
  const params = new Set(Object.keys(d.spec.source.params));
  const allowed = rankedSymbols(d.K, {});
  for (const s of symbolsOf(d.L)) {
    if (!params.has(s) && !allowed.has(s)) return { ok: false, errors: [{ code: 'E_CODEGEN', message: `the loss uses '${s}', which is neither a param nor one of its ${d.K} responses' inputs` }] };
  }
  const column = (s: string): string => {
    const m = /^(logp|c_ref|len)_(\d+)$/.exec(s)!;
    return `${RANKED_COLUMNS[m[1]]}[:, ${Number(m[2]) - 1}]`;
  };
  const body = printed(new Printer(params, column, 'logp[:, 0]'), d.L);
  if (!body.ok) return body;
  const lines = [
    PRELUDE,
    '',
    `def ${ENTRY}(${RANKED_ARGS.join(', ')}, params):`,
    `    # ${d.spec.source.id}: the per-prompt loss L over ${d.K} ranked responses (column k-1 is response k), generated by marginlab.`,
    ...[...params].sort().map((p) => `    p_${p} = params[${JSON.stringify(p)}]`),
    // Every column takes part, so autograd gives each response a weight (0 where L ignores it).
    `    return ${body.value} + 0.0 * logp.sum(1)`,
    '',
  ];
  return { ok: true, value: { python: lines.join('\n'), entry: ENTRY } };
}

/** Every primitive of the rule table has a printer entry (so adding a primitive fails loudly here). */
export const missingPrimitives = (): string[] => [...PRIMITIVES.keys()].filter((k) => !TORCH[k]);
