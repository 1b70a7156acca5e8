"""The trainer's modes for tests (one process each): --eval evaluates generated losses at points, --selftest
computes every batched or closed-form gradient quantity of ml_measure next to the plain autograd loop it
replaces (and CHES next to its definition), for test/trainer/vmap.test.ts to compare."""
import json
import sys

import torch

import ml_loss
import ml_measure
import ml_model
import ml_tasks
from ml_protocol import floats
from ml_run import loss_params


def eval_mode():
    """stdin: {"losses": [{"python", "params", "points": [{logp_w, …}]}]} → stdout: {"results": [[{L, dW, dL}]]}."""
    doc = json.load(sys.stdin)
    out = []
    for item in doc["losses"]:
        fn = ml_loss.load_loss(item["python"], item.get("entry", "loss_fn"))
        params = loss_params(item, torch.float64, "cpu")
        ctx = {k: torch.tensor([float(p[k]) for p in item["points"]], dtype=torch.float64) for k in ml_loss.ARGS}
        L, dw, dl = ml_loss.weights(fn, params, ctx)
        out.append([{"L": a, "dW": b, "dL": c} for a, b, c in zip(floats(L), floats(dw), floats(dl))])
    json.dump({"results": out}, sys.stdout, allow_nan=True)


def gram_rows(G, n):
    """[[⟨a_i,b_i⟩, ‖a_i‖², ‖b_i‖²] for each pair i] as floats."""
    return [list(r) for r in zip(*(floats(x) for x in ml_measure.pair_gram(G, n)))]


def ches_loop(model, ids_w, mask_w, ids_l, mask_l, n):
    """CHES by its definition, position by position: S = Σ_k h(x, y_<k) over the response tokens; then the
    length-normalised form. [ches_0 … ches_n-1, ches_ln_0 … ches_ln_n-1]."""
    plain, normed = [], []
    with torch.no_grad():
        for i in range(n):
            hw, hl = model.hidden(ids_w[i:i + 1])[0], model.hidden(ids_l[i:i + 1])[0]
            kw = [t for t in range(ids_w.shape[1] - 1) if mask_w[i, t + 1]]
            kl = [t for t in range(ids_l.shape[1] - 1) if mask_l[i, t + 1]]
            sw, sl = sum(hw[t] for t in kw), sum(hl[t] for t in kl)
            plain.append(float(sw @ sl - sw @ sw))
            normed.append(float(sw @ sl / (len(kw) * len(kl)) - sw @ sw / len(kw) ** 2))
    return plain + normed


def selftest_mode(task="long", n=6, seed=0):
    """Per-example and token-level gradients by vmap and by plain autograd loops, for the test to compare."""
    torch.manual_seed(seed)
    pairs = ml_tasks.sentiment_pairs(task, 64, seed)
    vocab = ml_tasks.Vocab(pairs)
    ids_w, mask_w, ids_l, mask_l = ml_tasks.encode_pairs(pairs, vocab)
    model = ml_model.TinyLM(len(vocab.itos), max_len=ids_w.shape[1]).double()
    fun = ml_measure.Functional(model)
    theta = fun.params(model)
    ids, mask = torch.cat([ids_w[:n], ids_l[:n]]), torch.cat([mask_w[:n], mask_l[:n]])
    Gv, Gl = fun.per_example_grads(theta, ids, mask), fun.per_example_grads_loop(theta, ids, mask)
    _, inner_v = fun.token_cosine(theta, ids_w[0], mask_w[0], ids_l[0], mask_l[0])
    tw, tl = fun.token_grads_loop(theta, ids_w[0], mask_w[0]), fun.token_grads_loop(theta, ids_l[0], mask_l[0])
    c, c_ln = ml_measure.ches(model, ids_w[:n], mask_w[:n], ids_l[:n], mask_l[:n])
    _, head_closed = ml_measure.head_token_inner(*ml_measure.head_inputs(model, ids_w[0], mask_w[0]),
                                                 *ml_measure.head_inputs(model, ids_l[0], mask_l[0]))
    hw, hl = ml_measure.head_token_grads_loop(model, ids_w[0], mask_w[0]), ml_measure.head_token_grads_loop(model, ids_l[0], mask_l[0])
    json.dump({"gram_vmap": gram_rows(Gv, n), "gram_loop": gram_rows(Gl, n), "token_inner_vmap": [floats(r) for r in inner_v],
               "token_inner_loop": [floats(r) for r in tw @ tl.T], "head_inner_closed": [floats(r) for r in head_closed],
               "head_inner_loop": [floats(r) for r in hw @ hl.T], "ches": floats(c) + floats(c_ln),
               "ches_loop": ches_loop(model, ids_w, mask_w, ids_l, mask_l, n), "head_confident": head_confident()}, sys.stdout)


def head_confident():
    """The closed form in float32 on a model sure of its next tokens (p_y = 1 − 1e-7 and the like) against
    explicit per-token gradients r hᵀ in float64: [max |cos − reference|, max |cos|]."""
    g = torch.Generator().manual_seed(3)
    T, V, d = 6, 50, 8
    h = torch.randn(T, d, generator=g, dtype=torch.float64)
    y = torch.randint(0, V, (T,), generator=g)
    logits = torch.randn(T, V, generator=g, dtype=torch.float64)
    logits[torch.arange(T), y] += torch.tensor([16.0, 14.0, 12.0, 8.0, 3.0, 0.0], dtype=torch.float64)
    logp = torch.log_softmax(logits, -1)
    G = torch.stack([torch.outer(torch.nn.functional.one_hot(y[t], V).double() - logp[t].exp(), h[t]).reshape(-1) for t in range(T)])
    ref = ml_measure.row_cosines(G, G)
    cos, _ = ml_measure.head_token_inner(h.float(), logp.float(), y, h.float(), logp.float(), y)
    return [float((cos.double() - ref).abs().max()), float(cos.abs().max())]
