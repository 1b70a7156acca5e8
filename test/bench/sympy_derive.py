"""Peer for the derive benchmark: the same losses, differentiated and simplified by SymPy.

Reads JSON lines {id, m, h_w, h_l, Lambda, params, point} on stdin (expressions in mathjs syntax,
as marginlab's catalogue writes them) and prints one JSON line per loss with the seconds SymPy spent
in diff + simplify and the value of its d_w/d_l at the given point.
"""
import json
import keyword
import re
import sys
import time

import sympy as sp

a, lw, ll = sp.symbols('a logp_w logp_l')
FUNCS = {
    'sigmoid': lambda x: 1 / (1 + sp.exp(-x)),
    'logsigmoid': lambda x: -sp.log(1 + sp.exp(-x)),
    'softplus': lambda x: sp.log(1 + sp.exp(x)),
    'log1mexp': lambda x: sp.log(1 - sp.exp(x)),
    'log1p': lambda x: sp.log(1 + x),
    'expm1': lambda x: sp.exp(x) - 1,
    'relu': lambda x: sp.Max(x, 0),
    'min': sp.Min,
    'max': sp.Max,
    'abs': sp.Abs,
    'exp': sp.exp,
    'log': sp.log,
    'sqrt': sp.sqrt,
    'tanh': sp.tanh,
}


def safe(name):
    # 'lambda' is a Python keyword; SymPy's parser needs another spelling.
    return name + '_' if keyword.iskeyword(name) else name


def parse(text, names):
    text = re.sub(r'[A-Za-z_][A-Za-z0-9_]*', lambda m: safe(m.group(0)), text.replace('^', '**'))
    return sp.sympify(text, locals={**FUNCS, **names})


for line in sys.stdin:
    spec = json.loads(line)
    names = {safe(n): sp.Symbol(safe(n)) for n in ['a', 'logp_w', 'logp_l', 'c_ref_w', 'c_ref_l', 'c_ref', 'len_w', 'len_l', 'z_ref', *spec['params']]}
    m, hw, hl, lam = (parse(spec[k], names) for k in ('m', 'h_w', 'h_l', 'Lambda'))
    u = hw.subs(a, lw) - hl.subs(a, ll)
    L = -(m.subs(a, u) + lam.subs(a, lw))
    t0 = time.perf_counter()
    dW = sp.simplify(-sp.diff(L, lw))
    dL = sp.simplify(sp.diff(L, ll))
    ratio = sp.simplify(dW / dL)
    seconds = time.perf_counter() - t0
    subs = {names[safe(k)]: v for k, v in spec['point'].items() if safe(k) in names}
    try:
        value = float(ratio.subs(subs).evalf())
    except (TypeError, ValueError):
        value = None
    print(json.dumps({'id': spec['id'], 'seconds': seconds, 'ratio': value, 'ratioText': str(ratio)[:200]}), flush=True)
