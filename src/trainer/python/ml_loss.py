"""Loading the loss marginlab generated. The code is data: marginlab printed it from an expression tree that
had already passed the loss language's allow-list (only declared params, the context symbols and the
primitives of src/expr/primitives.ts can appear), so it contains nothing but arithmetic on tensors. We still
run it in a namespace holding only torch, F and math, with no builtins, so that a request written by hand
cannot reach open(), __import__ or the file system through this path."""
import math

import torch
import torch.nn.functional as F

ARGS = ("logp_w", "logp_l", "c_ref_w", "c_ref_l", "len_w", "len_l", "z_ref")


def load_loss(code, entry="loss_fn"):
    namespace = {"torch": torch, "F": F, "math": math, "__builtins__": {}}
    exec(compile(code, "<marginlab loss>", "exec"), namespace)  # noqa: S102 — see the module docstring
    fn = namespace.get(entry)
    if not callable(fn):
        raise ValueError(f"generated code defines no function '{entry}'")
    return fn


def weights(fn, params, ctx):
    """Per-example L, d_w, d_l at the given log-probabilities, by autograd on the generated code.
    With ∇L = −(d_w ∇logp_w − d_l ∇logp_l): d_w = −∂L/∂logp_w, d_l = ∂L/∂logp_l."""
    lw = ctx["logp_w"].detach().clone().requires_grad_(True)
    ll = ctx["logp_l"].detach().clone().requires_grad_(True)
    rest = {k: ctx[k].detach() for k in ARGS[2:]}
    L = fn(lw, ll, params=params, **rest)
    L = L + torch.zeros_like(lw)  # a loss that ignores one input still gets a per-example shape
    gw, gl = torch.autograd.grad(L.sum(), (lw, ll), allow_unused=True)
    gw = torch.zeros_like(lw) if gw is None else gw
    gl = torch.zeros_like(ll) if gl is None else gl
    return L.detach(), -gw, gl


def ranked_weights(fn, params, logp, c_ref, length):
    """Per-prompt L and d_k = −∂L/∂logp_k ([N], [N, K]) of a loss over K ranked responses, by autograd on the
    generated code (inputs [N, K], response 1 in column 0); with ∇L = −Σ_k d_k ∇logp_k a positive d_k pushes
    response k up."""
    lp = logp.detach().clone().requires_grad_(True)
    L = fn(lp, c_ref.detach(), length.detach(), params=params)
    (g,) = torch.autograd.grad(L.sum(), (lp,))
    return L.detach(), -g
