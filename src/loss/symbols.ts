// The symbols a loss expression may use besides its declared params, with the defaults marginlab takes
// when a point does not give them, and the domain the direction audit explores.

export const ARG = 'a';
export const LOGP_W = 'logp_w';
export const LOGP_L = 'logp_l';

export interface ContextSymbol {
  readonly name: string;
  readonly description: string;
  readonly tex: string;
  /** How the default is taken when a point omits it. */
  readonly defaultText: string;
  /** Domain explored by the audit (open interval unless noted). */
  readonly domainText: string;
}

export const CONTEXT_SYMBOLS: readonly ContextSymbol[] = [
  { name: 'c_ref_w', description: 'log π_ref(y_w|x), the chosen log-probability under the reference policy',
    tex: 'c^{w}_{\\mathrm{ref}}', defaultText: 'logp_w (the policy at its reference, as at the start of training)', domainText: '< 0' },
  { name: 'c_ref_l', description: 'log π_ref(y_l|x), the rejected log-probability under the reference policy',
    tex: 'c^{l}_{\\mathrm{ref}}', defaultText: 'logp_l (the policy at its reference)', domainText: '< 0' },
  { name: 'c_ref', description: 'c_ref_w − c_ref_l; expanded before differentiation',
    tex: 'c_{\\mathrm{ref}}', defaultText: 'c_ref_w − c_ref_l', domainText: 'any' },
  { name: 'len_w', description: '|y_w|, the chosen response length in tokens', tex: '|y_w|', defaultText: '1', domainText: '>= 1' },
  { name: 'len_l', description: '|y_l|, the rejected response length in tokens', tex: '|y_l|', defaultText: '1', domainText: '>= 1' },
  { name: 'z_ref', description: 'KTO reference point (a detached KL estimate)', tex: 'z_{\\mathrm{ref}}', defaultText: '0', domainText: '>= 0' },
];

export const CONTEXT_NAMES: ReadonlySet<string> = new Set(CONTEXT_SYMBOLS.map((s) => s.name));

/** The symbols a loss's results (u, L, d_w, d_l, their ratio) are written in: the two log-probabilities, the context and the loss's params. */
export const resultSymbols = (params: Iterable<string>): Set<string> => new Set([LOGP_W, LOGP_L, ...CONTEXT_NAMES, ...params]);

/** Named constants folded to numbers at parse time (a declared param of the same name wins). */
export const CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, e: Math.E };

/** LaTeX for symbols: Greek params as the paper typesets them, the rest upright-subscripted. */
const GREEK = new Set(['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'eta', 'lambda', 'mu', 'tau', 'rho', 'kappa', 'omega', 'theta', 'nu', 'xi', 'zeta']);

const GREEK_TEX = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'varepsilon', 'zeta', 'eta', 'theta', 'vartheta', 'iota', 'kappa',
  'lambda', 'mu', 'nu', 'xi', 'pi', 'varpi', 'rho', 'varrho', 'sigma', 'varsigma', 'tau', 'upsilon', 'phi', 'varphi', 'chi', 'psi', 'omega',
  'Gamma', 'Delta', 'Theta', 'Lambda', 'Xi', 'Pi', 'Sigma', 'Upsilon', 'Phi', 'Psi', 'Omega'];
const LETTER_TEX = `(?:[A-Za-z]|\\\\(?:${GREEK_TEX.join('|')}))`;
const SYMBOL_TEX = new RegExp(`^${LETTER_TEX}(?:_(?:[A-Za-z0-9]|\\{(?:[A-Za-z0-9]{1,8}|${LETTER_TEX}|\\\\mathrm\\{[A-Za-z]{1,8}\\})\\}))?$`);

/**
 * A parameter's own LaTeX must be a symbol: a letter or a Greek letter, with an optional subscript
 * (`\beta`, `\lambda_w`, `c_{\mathrm{ref}}`). Anything else could typeset differently from what is
 * computed (`-\beta`) or draw over the page (`\rule{10000em}{10000em}`). checkLoss refuses it (E_PARAM), in
 * spec files and the playground's share links alike, since a link goes the path of a file.
 */
export const isSymbolTex = (tex: string): boolean => tex.length <= 40 && SYMBOL_TEX.test(tex);

export function symbolTex(name: string, paramTex?: string): string {
  if (paramTex) return paramTex;
  if (name === ARG) return 'a';
  if (name === LOGP_W) return '\\log\\pi_w';
  if (name === LOGP_L) return '\\log\\pi_l';
  const ctx = CONTEXT_SYMBOLS.find((s) => s.name === name);
  if (ctx) return ctx.tex;
  if (name === 'epsilon') return '\\varepsilon';
  if (GREEK.has(name)) return `\\${name}`;
  const m = /^([A-Za-z]+)_([A-Za-z0-9]+)$/.exec(name);
  if (m) return `${GREEK.has(m[1]) ? `\\${m[1]}` : m[1]}_{${m[2]}}`;
  return name.length === 1 ? name : `\\mathit{${name.replace(/_/g, '\\_')}}`;
}
