"""Measurements of one step (section 3): per-example gradients a = ∇logp_w, b = ∇logp_l over all trained
parameters with vmap (one batched call, not a loop over examples), their Gram entries, the prediction of
conditions (9)/(10), the observed change after a step on the pair, the token-level gradient cosine matrix
(Figure 4b) with batched VJPs — and, for the output layer alone, in closed form without any per-token
gradient — and the CHES score of Razin et al. (2024) from the last hidden states. measure_step assembles a
step event's record from what a meter (ml_meters) measured; token_cosine emits Figure 4b's event."""
import torch

import ml_ghost
from ml_func import functional, grad, trained, vjp, vmap
from ml_model import token_logps
from ml_protocol import emit, floats


def pair_gram(G, n):
    """Theorem 1's Gram entries per pair from per-example gradients G [2n, P], chosen rows first:
    (⟨a_i, b_i⟩, ‖a_i‖², ‖b_i‖²), each [n]."""
    a, b = G[:n], G[n:]
    return (a * b).sum(1), (a * a).sum(1), (b * b).sum(1)


def cosine(inner, nw2, nl2):
    """The cosine matrix from inner products [T, S] and squared norms [T], [S]."""
    return inner / (nw2.sqrt()[:, None] * nl2.sqrt()[None, :])


def row_cosines(gw, gl):
    """cos(gw_t, gl_s) for every row t of gw [T, P] and s of gl [S, P]."""
    return cosine(gw @ gl.T, gw.pow(2).sum(1), gl.pow(2).sum(1))


class Functional:
    def __init__(self, model):
        self.fmodel = functional(model)
        self.names = trained(model)[0]

    def params(self, model):
        return tuple(p.detach() for p in trained(model)[1])

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
        gradients from one vjp and a vmap over the one-hot cotangents (no per-token backward loop). The inner
        products are summed parameter by parameter, so the [T, P] gradient rows are never concatenated
        (copying them cost as much as the batched backward itself)."""
        gw = self._tok_grads(params, ids_w, mask_w)
        gl = self._tok_grads(params, ids_l, mask_l)
        inner = sum(x.reshape(x.shape[0], -1) @ y.reshape(y.shape[0], -1).T for x, y in zip(gw, gl))
        nw = sum(x.reshape(x.shape[0], -1).pow(2).sum(1) for x in gw)
        nl = sum(y.reshape(y.shape[0], -1).pow(2).sum(1) for y in gl)
        return cosine(inner, nw, nl), inner

    def _tok_grads(self, params, ids, mask):
        """Per-token gradients as a tuple of [T, *shape], one per trained parameter."""
        out, fn = vjp(lambda p: self.tok_logp(p, ids, mask), params)
        eye = torch.eye(out.shape[0], dtype=out.dtype, device=out.device)
        return vmap(fn)(eye)[0]

    def token_grads_loop(self, params, ids, mask):
        ps = tuple(p.detach().clone().requires_grad_(True) for p in params)
        return per_token_grads(self.tok_logp(ps, ids, mask), ps)


def head_token_inner(h_w, logp_w, y_w, h_l, logp_l, y_l):
    """The output layer's part of Figure 4b in closed form. With logits z_t = W h_t, the gradient of
    log π(y_t|·) with respect to W is r_t h_tᵀ with r_t = e_{y_t} − p_t, a rank-one V×d matrix, so for chosen
    token i and rejected token j
        ⟨g_i, g_j⟩ = (h_i·h_j)(r_i·r_j),    ‖g_i‖² = ‖h_i‖² ‖r_i‖²:
    O(T²(d + V)) from the hidden states h [T, d], the next-token log-probabilities [T, V] and targets y [T],
    with no per-token gradient (each V×d) ever formed. r is built entry by entry, its y-th entry 1 − p_y as
    −expm1(log p_y): expanding (e − p)·(e − q) = [y_i = y_j] − q_j[y_i] − p_i[y_j] + p·q instead cancels
    catastrophically when the model is confident (in float32 it gave cosines above 1). Returns (cosine, inner)."""
    r_w, r_l = residual(logp_w, y_w), residual(logp_l, y_l)
    inner = (h_w @ h_l.T) * (r_w @ r_l.T)
    nw = h_w.pow(2).sum(1) * r_w.pow(2).sum(1)
    nl = h_l.pow(2).sum(1) * r_l.pow(2).sum(1)
    return cosine(inner, nw, nl), inner


def residual(logp, y):
    """e_y − p per row, without cancellation at the target entry."""
    r = -logp.exp()
    rows = torch.arange(y.shape[0], device=y.device)
    r[rows, y] = -torch.expm1(logp[rows, y])
    return r


def head_token_grads_loop(model, ids, mask):
    """What head_token_inner replaces: one backward per response token, each giving the full V×d gradient of
    the output layer (kept to test the closed form and to time it against)."""
    return per_token_grads(token_logps(model(ids.unsqueeze(0))[0], ids)[mask[1:].bool()], (model.head_weight(),))


def per_token_grads(lp, ps):
    """[T, P]: one backward pass per entry of lp (the plain loop the batched and closed forms replace), each
    gradient flattened over the parameters ps."""
    rows = []
    for t in range(lp.shape[0]):
        g = torch.autograd.grad(lp[t], ps, retain_graph=True)
        rows.append(torch.cat([x.reshape(-1) for x in g]))
    return torch.stack(rows)


def head_inputs(model, ids, mask):
    """(h, log p, y) of head_token_inner for one sequence's response tokens: the hidden state at each position
    that predicts a response token, the next-token log-probabilities there and the token it predicts."""
    keep = mask[1:].bool()
    with torch.no_grad():
        h = model.hidden(ids.unsqueeze(0))[0, :-1][keep]
        logp = torch.log_softmax(model.head_logits(h), dim=-1)
    return h, logp, ids[1:][keep]


def ches(model, ids_w, mask_w, ids_l, mask_l):
    """The CHES score of Razin et al. (2024, 'Unintentional unalignment'), per pair, from the last hidden states
    at the positions that predict the response tokens: with S_w = Σ_k h(x, y_w,<k) and S_l likewise,
    CHES = ⟨S_w, S_l⟩ − ‖S_w‖² and its length-normalised form ⟨S_w, S_l⟩/(|y_w||y_l|) − ‖S_w‖²/|y_w|². A large
    CHES is their predictor of likelihood displacement (the chosen log-probability falling) under DPO; it needs
    one forward pass and no gradient. Returns (ches, ches_ln), each [B]."""
    with torch.no_grad():
        return ches_from_hidden(model.hidden(ids_w), mask_w, model.hidden(ids_l), mask_l)


def ches_from_hidden(hw, mask_w, hl, mask_l):
    """ches() from hidden states [B, T, d] a forward pass already computed."""
    with torch.no_grad():
        hw, hl = hw[:, :-1], hl[:, :-1]
        mw, ml = mask_w[:, 1:].to(hw.dtype), mask_l[:, 1:].to(hl.dtype)
        sw, sl = (hw * mw[..., None]).sum(1), (hl * ml[..., None]).sum(1)
        nw, nl = mw.sum(1).clamp_min(1), ml.sum(1).clamp_min(1)
        inner, norm = (sw * sl).sum(1), (sw * sw).sum(1)
        return inner - norm, inner / (nw * nl) - norm / (nw * nw)


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


def measure_step(run, meter, bw, bl, ctx, dw, dl, u, info):
    """The step's record from a meter (ml_meters.VmapStep or GhostStep): per pair the Gram entries of a_i, b_i, the prediction of
    (9)/(10), the single-pair probe, CHES (from the step's own hidden states), and the first-order change under
    the batch step u. Returns (record, (full_w, full_l)): the whole responses' log π before the step."""
    lr = run.lr
    q = meter.per_pair(dw, dl, u, info)
    inner, nw, nl = q["inner"], q["nw"], q["nl"]
    cos = inner / (nw.sqrt() * nl.sqrt())
    old_w, old_l = ctx["logp_w"].detach(), ctx["logp_l"].detach()
    # Case 1 of the step actually taken (the batch step u, after any variant), judged on the whole responses'
    # log π — what a user wants to rise — whichever tokens the loss counts: Δlog π_i ≈ lr⟨∇log π_i, u⟩.
    step_fo_w, step_fo_l = lr * q["u_w"], lr * q["u_l"]
    ches, ches_ln = ches_from_hidden(meter.hidden[0], bw.full, meter.hidden[1], bl.full)
    fo_w, fo_l = lr * (dw * nw - dl * inner), lr * (dw * inner - dl * nl)
    # One transfer per quantity (not one per pair and quantity): on a GPU each float() is a synchronisation.
    col = {k: floats(v) for k, v in {
        "logp_w": old_w, "logp_l": old_l, "c_ref_w": ctx["c_ref_w"], "c_ref_l": ctx["c_ref_l"], "len_w": ctx["len_w"],
        "len_l": ctx["len_l"], "z_ref": ctx["z_ref"], "dW": dw, "dL": dl, "inner_wl": inner, "norm_w2": nw, "norm_l2": nl,
        "cos_wl": cos, "fo_dlogp_w": fo_w, "fo_dlogp_l": fo_l, "obs_dlogp_w": q["new_w"] - old_w,
        "obs_dlogp_l": q["new_l"] - old_l, "full_logp_w": q["full_w"], "full_logp_l": q["full_l"],
        "step_fo_dlogp_w": step_fo_w, "step_fo_dlogp_l": step_fo_l, "ches": ches, "ches_ln": ches_ln}.items()}
    pairs = []
    for i in range(bw.ids.shape[0]):
        pw, pl = predict(col["dW"][i], col["dL"][i], col["inner_wl"][i], col["norm_w2"][i], col["norm_l2"][i], run.predict)
        row = {k: v[i] for k, v in col.items()}
        row["pred_dlogp_w_sign"], row["pred_dlogp_l_sign"] = pw, pl
        pairs.append(row)
    # Case 1 of the step as a whole: the batch's chosen log π (weighted by d_w, the aggregate whose gradient is
    # G_w) rises and its rejected one falls, to first order lr⟨G, u⟩ = lr·mean_i d_i⟨∇log π_i, u⟩ — on the whole
    # responses, so a masked variant is judged on what it leaves out too.
    record = {"pairs": pairs, "gram": run.gram, "step_fo_dlogp_w": lr * float((dw * q["u_w"]).mean()),
              "step_fo_dlogp_l": lr * float((dl * q["u_l"]).mean())}
    return record, (q["full_w"], q["full_l"])


def token_cosine(run, step):
    """Figure 4b's event for the first training pair: the cosine matrix over all trained parameters (ghost
    products of per-token backprop signals, or vjp + vmap), and over the output layer alone in closed form
    (head_token_inner); no [T, P] per-token gradient rows under ghost, none at all for the head."""
    fun, model = run.fun, run.model
    ids_w, mask_w, ids_l, mask_l = run.w.ids[0], run.w.full[0], run.l.ids[0], run.l.full[0]
    if run.gram == "ghost":
        cos, _ = ghost_token_cosine(run.plan, model, ids_w, mask_w, ids_l, mask_l)
    else:
        cos, _ = fun.token_cosine(fun.params(model), ids_w, mask_w, ids_l, mask_l)
    head, _ = head_token_inner(*head_inputs(model, ids_w, mask_w), *head_inputs(model, ids_l, mask_l))
    words = lambda ids, m: [run.vocab.word(t) for t, k in zip(ids.tolist(), m.tolist()) if k]  # noqa: E731
    emit("token_cosine", step=step, tokens_w=words(ids_w, mask_w), tokens_l=words(ids_l, mask_l),
         cos=[floats(r) for r in cos], cos_head=[floats(r) for r in head])


def token_records(plan, model, ids, mask):
    """ml_ghost Records with one row per response token of one sequence: one forward, then one backward of
    the token log-probabilities with the identity's rows as cotangents (batched)."""
    with ml_ghost.Tape(plan, 1) as tape:
        lp = token_logps(model(ids.unsqueeze(0)), ids.unsqueeze(0))[0][mask[1:].bool()]
    return tape.backprop(lp, cotangents=torch.eye(lp.shape[0], dtype=lp.dtype, device=lp.device))


def ghost_token_cosine(plan, model, ids_w, mask_w, ids_l, mask_l):
    """Figure 4b by ghost products: (cosine, inner) [T_w, T_l] from per-token backprop signals."""
    rw, rl = token_records(plan, model, ids_w, mask_w), token_records(plan, model, ids_l, mask_l)
    with torch.no_grad():
        inner = ml_ghost.gram(rw, rl)
        return cosine(inner, ml_ghost.norms(rw), ml_ghost.norms(rl)), inner
