"""Measurements of one step (section 3): per-example gradients a = ∇logp_w, b = ∇logp_l over all trained
parameters with functorch vmap (one batched call, not a loop over examples), their Gram entries, the
prediction of conditions (9)/(10), the observed change after a step on the pair, and the token-level
gradient cosine matrix (Figure 4b) with batched VJPs."""
import torch
from functorch import grad, make_functional, vjp, vmap

from ml_model import token_logps


class Functional:
    def __init__(self, model):
        self.fmodel, _ = make_functional(model)

    def seq_logp(self, params, ids, mask):
        """log π(y|x) of one sequence: the sum of its response tokens' log-probabilities."""
        lp = token_logps(self.fmodel(params, ids.unsqueeze(0))[0], ids)
        return (lp * mask[1:]).sum()

    def tok_logp(self, params, ids, mask):
        lp = token_logps(self.fmodel(params, ids.unsqueeze(0))[0], ids)
        return lp[mask[1:].bool()]

    def per_example_grads(self, params, ids, mask):
        """[N, P]: row i is ∇θ log π(y_i|x_i), flattened over every parameter."""
        g = vmap(grad(self.seq_logp), in_dims=(None, 0, 0))(params, ids, mask)
        return torch.cat([x.reshape(x.shape[0], -1) for x in g], dim=1)

    def per_example_grads_loop(self, params, ids, mask):
        """The plain autograd loop the vmap path replaces; kept to test it (1e-5 relative)."""
        rows = []
        for i in range(ids.shape[0]):
            ps = tuple(p.detach().clone().requires_grad_(True) for p in params)
            g = torch.autograd.grad(self.seq_logp(ps, ids[i], mask[i]), ps)
            rows.append(torch.cat([x.reshape(-1) for x in g]))
        return torch.stack(rows)

    def logp_at(self, stacked_params, ids, mask):
        """log π(y_i|x_i) under per-example parameters θ_i (stacked along dim 0)."""
        return vmap(self.seq_logp, in_dims=(0, 0, 0))(stacked_params, ids, mask)

    def token_cosine(self, params, ids_w, mask_w, ids_l, mask_l):
        """Figure 4b: cos(∇log π(y_w^i|·), ∇log π(y_l^j|·)) for every response-token pair, each side's per-token
        gradients from one vjp and a vmap over the one-hot cotangents (no per-token backward loop)."""
        gw = self._tok_grads(params, ids_w, mask_w)
        gl = self._tok_grads(params, ids_l, mask_l)
        nw = gw.norm(dim=1, keepdim=True)
        nl = gl.norm(dim=1, keepdim=True)
        return (gw @ gl.T) / (nw @ nl.T), gw @ gl.T

    def _tok_grads(self, params, ids, mask):
        out, fn = vjp(lambda p: self.tok_logp(p, ids, mask), params)
        eye = torch.eye(out.shape[0], dtype=out.dtype, device=out.device)
        g = vmap(fn)(eye)[0]
        return torch.cat([x.reshape(x.shape[0], -1) for x in g], dim=1)

    def token_grads_loop(self, params, ids, mask):
        ps = tuple(p.detach().clone().requires_grad_(True) for p in params)
        lp = self.tok_logp(ps, ids, mask)
        rows = []
        for t in range(lp.shape[0]):
            g = torch.autograd.grad(lp[t], ps, retain_graph=True)
            rows.append(torch.cat([x.reshape(-1) for x in g]))
        return torch.stack(rows)


def unflatten(flat, like):
    """[N, P] → tuple of [N, *shape] matching the parameter tuple `like`."""
    out, i = [], 0
    for p in like:
        n = p.numel()
        out.append(flat[:, i:i + n].reshape(flat.shape[0], *p.shape))
        i += n
    return tuple(out)


def sign(x):
    return 1 if x > 0 else -1 if x < 0 else 0


def predict(dw, dl, inner, nw, nl, mode="conditions"):
    """Signs of Δlogp_w, Δlogp_l predicted by conditions (9)/(10) with the sign of each weight handled
    (src/symbolic/conditions.ts): (9) is d_w‖a‖² − d_l⟨a,b⟩ ≥ 0 solved for ⟨a,b⟩, which divides by d_l, so the
    inequality keeps its direction when d_l > 0, flips when d_l < 0, and reduces to d_w ≥ 0 when d_l = 0;
    (10) likewise divides by d_w. `mode` breaks the prediction on purpose for the test that must see it fail:
    'no-sign-handling' always takes the d > 0 branch (the paper's statement); 'flipped' reverses both."""
    if mode == "flipped":
        w, l = predict(dw, dl, inner, nw, nl)
        return -w, -l
    handle = mode != "no-sign-handling"
    # eq. (9): chosen up ⟺ ⟨a,b⟩ ≤ (d_w/d_l)‖a‖²  (d_l > 0)
    if dl > 0 or (dl < 0 and not handle):
        up = inner <= dw / dl * nw
    elif dl < 0:
        up = inner >= dw / dl * nw
    else:
        up = dw >= 0
    # eq. (10): rejected down ⟺ ⟨a,b⟩ ≤ (d_l/d_w)‖b‖²  (d_w > 0)
    if dw > 0 or (dw < 0 and not handle):
        down = inner <= dl / dw * nl
    elif dw < 0:
        down = inner >= dl / dw * nl
    else:
        down = dl >= 0
    return (1 if up else -1), (-1 if down else 1)
