"""Timings for test/bench/trainer.bench.ts (`marginlab_trainer.py --bench`, a request on stdin; the result is the
last stdout line). Same model, machine and process for each pair of methods; each time is the best of a few
repetitions so that a neighbour's burst on the shared cores does not decide a ratio:
- per-example gradient Gram for a batch of 32 pairs: functorch vmap vs the batch-1 loop (two backward passes
  per pair, as in the paper's code);
- the token-level cosine matrix of a pair with 32-token responses: one vjp + vmap over one-hot cotangents vs
  one backward pass per token (full model), and the output layer's matrix in closed form vs one backward per
  token for that layer's weight;
- a training step when measuring every 10 steps vs a step that measures nothing."""
import json
import sys
import time

import torch

import marginlab_trainer as T
import ml_measure
import ml_model


def sync():
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def best(fn, reps):
    fn()  # warm-up: allocations and functorch's first-call tracing are not what we compare
    ts = []
    for _ in range(reps):
        sync()
        t0 = time.perf_counter()
        fn()
        sync()
        ts.append(time.perf_counter() - t0)
    return min(ts)


def gram(G, n):
    a, b = G[:n], G[n:]
    return (a * b).sum(1), (a * a).sum(1), (b * b).sum(1)


def per_example(S, n, reps):
    fun = S["fun"]
    theta = fun.params(S["model"])
    ids = torch.cat([S["ids_w"][:n], S["ids_l"][:n]])
    mask = torch.cat([S["full_w"][:n], S["full_l"][:n]])
    fast = lambda: gram(fun.per_example_grads(theta, ids, mask), n)  # noqa: E731
    slow = lambda: gram(fun.per_example_grads_loop(theta, ids, mask), n)  # noqa: E731
    err = max(float(((x - y).abs() / y.abs().clamp_min(1e-12)).max()) for x, y in zip(fast(), slow()))
    return {"pairs": n, "vmap_s": best(fast, reps), "loop_s": best(slow, reps), "max_rel_err": err}


def token_pair(vocab, tokens, device):
    """A pair whose responses are `tokens` long, sharing all but one token (the paper's Figure 4b setting)."""
    g = torch.Generator().manual_seed(0)
    prompt = torch.randint(3, vocab, (6,), generator=g)
    resp = torch.randint(3, vocab, (tokens,), generator=g)
    resp_l = resp.clone()
    resp_l[0] = (resp[0] + 1 - 3) % (vocab - 3) + 3
    ids_w, ids_l = torch.cat([prompt, resp]), torch.cat([prompt, resp_l])
    mask = torch.cat([torch.zeros(6, dtype=torch.long), torch.ones(tokens, dtype=torch.long)])
    return ids_w.to(device), ids_l.to(device), mask.to(device)


def token_level(model, tokens, reps, dtype, device):
    vocab = model.head_weight().shape[0]
    ids_w, ids_l, mask = token_pair(vocab, tokens, device)
    big = ml_model.TinyLM(vocab, max_len=ids_w.shape[0]).to(device=device, dtype=dtype)
    fun = ml_measure.Functional(big)
    theta = fun.params(big)

    def fast():
        return fun.token_cosine(theta, ids_w, mask, ids_l, mask)[0]

    def slow():
        gw, gl = fun.token_grads_loop(theta, ids_w, mask), fun.token_grads_loop(theta, ids_l, mask)
        return (gw @ gl.T) / (gw.norm(dim=1, keepdim=True) @ gl.norm(dim=1, keepdim=True).T)

    err = float((fast() - slow()).abs().max())
    return {"tokens": tokens, "vmap_s": best(fast, reps), "loop_s": best(slow, reps), "max_abs_err": err}


def head_level(model, tokens, reps, device):
    """The output layer's token cosine matrix: closed form (no per-token gradient) vs one backward per token for
    the output weight alone, on `model` (the run's own model, or any with hidden/head_logits/head_weight)."""
    vocab = model.head_weight().shape[0]
    ids_w, ids_l, mask = token_pair(vocab, tokens, device)

    def fast():
        return ml_measure.head_token_inner(*ml_measure.head_inputs(model, ids_w, mask), *ml_measure.head_inputs(model, ids_l, mask))[0]

    def slow():
        gw = ml_measure.head_token_grads_loop(model, ids_w, mask)
        gl = ml_measure.head_token_grads_loop(model, ids_l, mask)
        return (gw @ gl.T) / (gw.norm(dim=1, keepdim=True) @ gl.norm(dim=1, keepdim=True).T)

    err = float((fast() - slow()).abs().max())
    # The same two methods given the forward pass (both need one per sequence): the closed form's arithmetic
    # against the per-token backward passes through the output layer.
    inputs = ml_measure.head_inputs(model, ids_w, mask) + ml_measure.head_inputs(model, ids_l, mask)
    W = (model.head_weight(),)
    lps = [ml_model.token_logps(model(ids.unsqueeze(0))[0], ids)[mask[1:].bool()] for ids in (ids_w, ids_l)]

    def fast_core():
        return ml_measure.head_token_inner(*inputs)[0]

    def slow_core():
        gw, gl = (ml_measure.per_token_grads(lp, W) for lp in lps)
        return (gw @ gl.T) / (gw.norm(dim=1, keepdim=True) @ gl.norm(dim=1, keepdim=True).T)

    return {"tokens": tokens, "vocab": vocab, "d": model.head_weight().shape[1], "closed_s": best(fast, reps),
            "loop_s": best(slow, reps), "max_abs_err": err,
            "closed_given_forward_s": best(fast_core, reps), "loop_given_forward_s": best(slow_core, reps)}


class HeadModel(torch.nn.Module):
    """A GPT-2-sized output layer (V = 50257, d = 768) over random hidden states, for head_level at the size
    where forming per-token gradients (V×d each) hurts most; only the output layer matters there."""

    def __init__(self, vocab=50257, d=768):
        super().__init__()
        self.emb = torch.nn.Embedding(vocab, d)
        self.head = torch.nn.Linear(d, vocab, bias=False)

    def hidden(self, ids):
        return torch.tanh(self.emb(ids))

    def head_logits(self, h):
        return self.head(h)

    def head_weight(self):
        return self.head.weight

    def forward(self, ids):
        return self.head_logits(self.hidden(ids))


def overhead(S, steps, every):
    def run(log_every):
        sync()
        t0 = time.perf_counter()
        for s in range(steps):
            record = T.po_step(S, s, log_every > 0 and s % log_every == 0)
            if record is not None:
                T.emit("step", step=s, **record)  # serialising the event is part of what logging costs
        sync()
        return (time.perf_counter() - t0) / steps
    run(0)  # warm-up
    # Interleaved, best of three each, so that a neighbour's burst on the shared cores hits both alike.
    plain, logged = [], []
    for _ in range(3):
        plain.append(run(0))
        logged.append(run(every))
    plain, logged = min(plain), min(logged)
    return {"steps": steps, "log_every": every, "plain_step_s": plain, "logged_step_s": logged}


def run(argv):
    req = json.loads(sys.stdin.readline())
    reps = int(req.get("bench_reps", 3))
    saved = sys.stdout
    sys.stdout = sys.stderr  # setup's events are not the result
    try:
        torch.set_num_threads(int(req.get("threads", torch.get_num_threads())))
        S = T.setup(req)
        dtype = next(S["model"].parameters()).dtype
        out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "dtype": str(dtype),
               "params": sum(p.numel() for p in S["model"].parameters()),
               "per_example": per_example(S, 32, reps),
               "token_cosine": token_level(S["model"], 32, reps, dtype, S["device"]),
               "head_cosine": head_level(ml_model.TinyLM(S["model"].head_weight().shape[0], max_len=38).to(device=S["device"], dtype=dtype),
                                         32, reps, S["device"]),
               "logging": overhead(S, int(req.get("bench_steps", 40)), 10)}
        if req.get("bench_gpt2_head"):
            big = HeadModel().to(device=S["device"], dtype=torch.float32)
            out["head_cosine_gpt2"] = head_level(big, int(req.get("bench_gpt2_tokens", 8)), 1, S["device"])
    finally:
        sys.stdout = saved
    print(json.dumps(out))
