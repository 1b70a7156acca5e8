"""Timings for test/bench/trainer.bench.ts (`marginlab_trainer.py --bench`, a request on stdin; the result is the
last stdout line). Same model, machine and process for each pair of methods; each time is the best of a few
repetitions so that a neighbour's burst on the shared cores does not decide a ratio:
- per-example gradient Gram for a batch of 32 pairs: functorch vmap vs the batch-1 loop (two backward passes
  per pair, as in the paper's code);
- the token-level cosine matrix of a pair with 32-token responses: one vjp + vmap over one-hot cotangents, and
  ghost products of the per-token signals (ml_ghost), vs one backward pass per token (full model); the output
  layer's matrix in closed form vs one backward per token for that layer's weight;
- a training step when measuring every 10 steps vs a step that measures nothing (with the run's --gram).
The Gram at GPT-2 scale (ghost, vmap, loop; time and memory) is ml_bench_gram's."""
import json
import sys
import time

import torch

import ml_ghost
import ml_measure
import ml_model
import ml_request
import ml_run
from ml_measure import pair_gram, row_cosines
from ml_protocol import emit


def sync():
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def best(fn, reps, warm=True):
    if warm:
        fn()  # warm-up: allocations and functorch's first-call tracing are not what we compare
    ts = []
    for _ in range(reps):
        sync()
        t0 = time.perf_counter()
        fn()
        sync()
        ts.append(time.perf_counter() - t0)
    return min(ts)


def per_example(run, n, reps):
    fun = run.fun
    theta = fun.params(run.model)
    ids = torch.cat([run.w.ids[:n], run.l.ids[:n]])
    mask = torch.cat([run.w.full[:n], run.l.full[:n]])
    fast = lambda: pair_gram(fun.per_example_grads(theta, ids, mask), n)  # noqa: E731
    slow = lambda: pair_gram(fun.per_example_grads_loop(theta, ids, mask), n)  # noqa: E731
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
        return row_cosines(fun.token_grads_loop(theta, ids_w, mask), fun.token_grads_loop(theta, ids_l, mask))

    plan = ml_ghost.Plan(big)

    def ghost():  # per-token backprop signals and ghost products, no [T, P] rows
        return ml_measure.ghost_token_cosine(plan, big, ids_w, mask, ids_l, mask)[0]

    err = float((fast() - slow()).abs().max())
    return {"tokens": tokens, "vmap_s": best(fast, reps), "loop_s": best(slow, reps), "max_abs_err": err,
            "ghost_s": best(ghost, reps), "ghost_max_abs_err": float((ghost() - slow()).abs().max())}


def head_level(model, tokens, reps, device):
    """The output layer's token cosine matrix: closed form (no per-token gradient) vs one backward per token for
    the output weight alone, on `model` (the run's own model, or any with hidden/head_logits/head_weight)."""
    vocab = model.head_weight().shape[0]
    ids_w, ids_l, mask = token_pair(vocab, tokens, device)

    def fast():
        return ml_measure.head_token_inner(*ml_measure.head_inputs(model, ids_w, mask), *ml_measure.head_inputs(model, ids_l, mask))[0]

    def slow():
        return row_cosines(ml_measure.head_token_grads_loop(model, ids_w, mask), ml_measure.head_token_grads_loop(model, ids_l, mask))

    err = float((fast() - slow()).abs().max())
    # The same two methods given the forward pass (both need one per sequence): the closed form's arithmetic
    # against the per-token backward passes through the output layer.
    inputs = ml_measure.head_inputs(model, ids_w, mask) + ml_measure.head_inputs(model, ids_l, mask)
    W = (model.head_weight(),)
    lps = [ml_model.token_logps(model(ids.unsqueeze(0))[0], ids)[mask[1:].bool()] for ids in (ids_w, ids_l)]

    def fast_core():
        return ml_measure.head_token_inner(*inputs)[0]

    def slow_core():
        return row_cosines(*(ml_measure.per_token_grads(lp, W) for lp in lps))

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


def overhead(run, steps, every):
    def loop(log_every):
        sync()
        t0 = time.perf_counter()
        for s in range(steps):
            record = ml_run.po_step(run, s, log_every > 0 and s % log_every == 0)
            if record is not None:
                emit("step", step=s, **record)  # serialising the event is part of what logging costs
        sync()
        return (time.perf_counter() - t0) / steps
    loop(0)  # warm-up
    # Interleaved, best of three each, so that a neighbour's burst on the shared cores hits both alike.
    plain, logged = [], []
    for _ in range(3):
        plain.append(loop(0))
        logged.append(loop(every))
    plain, logged = min(plain), min(logged)
    return {"steps": steps, "log_every": every, "plain_step_s": plain, "logged_step_s": logged}


def run(argv):
    raw = json.loads(sys.stdin.readline())
    reps = int(raw.get("bench_reps", 3))
    saved = sys.stdout
    sys.stdout = sys.stderr  # setup's events are not the result
    try:
        torch.set_num_threads(int(raw.get("threads", torch.get_num_threads())))
        r = ml_run.setup(ml_request.parse(raw))
        dtype = next(r.model.parameters()).dtype
        out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "dtype": str(dtype),
               "params": sum(p.numel() for p in r.model.parameters()),
               "per_example": per_example(r, 32, reps),
               "token_cosine": token_level(r.model, 32, reps, dtype, r.device),
               "head_cosine": head_level(ml_model.TinyLM(r.model.head_weight().shape[0], max_len=38).to(device=r.device, dtype=dtype),
                                         32, reps, r.device),
               "gram": r.gram, "logging": overhead(r, int(raw.get("bench_steps", 40)), 10)}
        if r.gram != "vmap":  # the same overhead with vmap's per-example gradients, the method before ghost
            r.gram = "vmap"
            out["logging_vmap"] = overhead(r, int(raw.get("bench_steps", 40)), 10)
        if raw.get("bench_gpt2_head"):
            big = HeadModel().to(device=r.device, dtype=torch.float32)
            out["head_cosine_gpt2"] = head_level(big, int(raw.get("bench_gpt2_tokens", 8)), 1, r.device)
    finally:
        sys.stdout = saved
    print(json.dumps(out))
