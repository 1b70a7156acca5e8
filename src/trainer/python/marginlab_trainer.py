#!/usr/bin/env python3
"""marginlab's reference trainer. It speaks the JSON-lines protocol of docs/trainer-protocol.md: one request
line on stdin, events on stdout (hello, sft, check, step, token_cosine, heartbeat, done, error). It trains the
built-in tiny causal LM on a sentiment task (or a JSONL file): supervised fine-tuning on the chosen responses,
then preference optimisation with the loss marginlab generated, against the frozen SFT model as reference.

Other modes (one process each, for tests and benchmarks): --eval (evaluate generated losses at points),
--selftest (vmap vs plain autograd loops), --bench (timings)."""
import json
import os
import signal
import sys
import threading
import time

PROTOCOL = 1
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

_lock = threading.Lock()
_stop = {"signal": None}


def emit(event, **fields):
    line = json.dumps({"v": PROTOCOL, "event": event, **fields}, allow_nan=True)
    with _lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def fail(code, message, exit_code=1, hint=None):
    fields = {"code": code, "message": message}
    if hint:
        fields["hint"] = hint
    emit("error", **fields)
    sys.stdout.flush()
    os._exit(exit_code)  # heartbeat thread must not keep us alive


try:
    import torch
    import functorch  # noqa: F401
except Exception as e:  # noqa: BLE001 — any import failure means the same thing to the user
    fail("E_NO_TORCH", f"cannot import torch/functorch with {sys.executable}: {e}", 3,
         "on Debian: apt-get install -y --no-install-recommends python3-torch libopenblas0-pthread, "
         "then use --python /usr/bin/python3")

import ml_loss  # noqa: E402
import ml_measure  # noqa: E402
import ml_model  # noqa: E402
import ml_tasks  # noqa: E402


def optional(name):
    try:
        __import__(name)
        return True
    except Exception:  # noqa: BLE001
        return False


def hello():
    emit("hello", protocol=PROTOCOL, trainer="marginlab-reference", torch=torch.__version__,
         cuda=torch.cuda.is_available(), transformers=optional("transformers"), peft=optional("peft"), pid=os.getpid())


def on_signal(signum, _frame):
    _stop["signal"] = signum


def heartbeat(every, done):
    while not done.wait(every):
        emit("heartbeat", t=time.time())


def check_request(req):
    if not isinstance(req, dict) or req.get("type") != "request":
        fail("E_PROTOCOL", "the first line must be a request object", 2)
    if req.get("v") != PROTOCOL:
        fail("E_PROTOCOL_VERSION", f"request speaks protocol {req.get('v')!r}; this trainer speaks {PROTOCOL}", 2)
    for k in ("task", "loss", "seed", "steps", "lr"):
        if k not in req:
            fail("E_PROTOCOL", f"request lacks '{k}'", 2)


def pick_device(name):
    if name == "cuda" and not torch.cuda.is_available():
        fail("E_DEVICE", "--device cuda was asked for but torch sees no CUDA device", 2)
    return torch.device(name)


def build_task(task, seed):
    if task["kind"] == "file":
        return ml_tasks.file_pairs(task["path"])
    return ml_tasks.sentiment_pairs(task["kind"], task.get("pairs", 512), seed)


def loss_params(spec, dtype, device):
    return {k: torch.tensor(float(v), dtype=dtype, device=device) for k, v in spec["params"].items()}


def seq_logps(model, ids, mask):
    lp = ml_model.token_logps(model(ids), ids) * mask[:, 1:]
    return lp.sum(1)


def sft(model, data, req, device, gen):
    ids_w, mask_w = data[0], data[1]
    steps, lr, bs = req.get("sft_steps", 100), req.get("sft_lr", 3e-3), req.get("sft_batch", 32)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for s in range(steps):
        if _stop["signal"]:
            interrupted()
        idx = torch.randint(0, ids_w.shape[0], (bs,), generator=gen).to(device)
        m = mask_w[idx]
        loss = -(seq_logps(model, ids_w[idx], m) / m[:, 1:].sum(1)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if s % max(1, steps // 10) == 0 or s == steps - 1:
            emit("sft", step=s, loss=loss.item())


def interrupted():
    sig = _stop["signal"]
    fail("E_INTERRUPTED", f"stopped by signal {sig}", 128 + int(sig))


def floats(t):
    return [float(x) for x in t.detach().cpu().tolist()]


def train(req):
    device = pick_device(req.get("device", "cpu"))
    dtype = torch.float64 if req.get("dtype", "float64") == "float64" else torch.float32
    torch.manual_seed(req["seed"])
    gen = torch.Generator().manual_seed(req["seed"])
    try:
        pairs = build_task(req["task"], req["seed"])
        vocab = ml_tasks.Vocab(pairs)
        data = [x.to(device) for x in ml_tasks.encode_pairs(pairs, vocab)]
    except (OSError, ValueError, KeyError) as e:
        fail("E_TASK", str(e), 2)
    ids_w, mask_w, ids_l, mask_l = data
    m = req.get("model", {})
    model = ml_model.TinyLM(len(vocab.itos), d=m.get("d_model", 32), layers=m.get("layers", 2), heads=m.get("heads", 2),
                            max_len=ids_w.shape[1]).to(device=device, dtype=dtype)
    emit("task", pairs=len(pairs), vocab=len(vocab.itos), seq_len=int(ids_w.shape[1]),
         params=sum(p.numel() for p in model.parameters()),
         example={"prompt": pairs[0]["prompt"], "chosen": pairs[0]["chosen"], "rejected": pairs[0]["rejected"]})

    sft(model, data, req, device, gen)
    with torch.no_grad():
        c_ref_w = seq_logps(model, ids_w, mask_w)
        c_ref_l = seq_logps(model, ids_l, mask_l)
    len_w = mask_w.sum(1).to(dtype)
    len_l = mask_l.sum(1).to(dtype)

    spec = req["loss"]
    try:
        loss_fn = ml_loss.load_loss(spec["python"], spec.get("entry", "loss_fn"))
    except Exception as e:  # noqa: BLE001
        fail("E_LOSS_CODE", f"the generated loss does not load: {e}", 2)
    params = loss_params(spec, dtype, device)
    run_checks(req, loss_fn, params, dtype, device)

    fun = ml_measure.Functional(model)
    measure = req.get("measure", {})
    if measure.get("token_cosine", True):
        token_cosine(fun, model, data, vocab, 0)

    opt = torch.optim.SGD(model.parameters(), lr=req["lr"])
    bs, log_every, mode = req.get("batch_size", 8), req.get("log_every", 1), req.get("predict", "conditions")
    for step in range(req["steps"]):
        if _stop["signal"]:
            interrupted()
        idx = torch.randint(0, ids_w.shape[0], (bs,), generator=gen).to(device)
        b = {"ids_w": ids_w[idx], "mask_w": mask_w[idx], "ids_l": ids_l[idx], "mask_l": mask_l[idx]}
        lw = seq_logps(model, b["ids_w"], b["mask_w"])
        ll = seq_logps(model, b["ids_l"], b["mask_l"])
        ctx = {"logp_w": lw, "logp_l": ll, "c_ref_w": c_ref_w[idx], "c_ref_l": c_ref_l[idx], "len_w": len_w[idx],
               "len_l": len_l[idx], "z_ref": torch.zeros_like(lw)}
        per = loss_fn(lw, ll, params=params, **{k: ctx[k] for k in ml_loss.ARGS[2:]}) + torch.zeros_like(lw)
        loss = per.mean()
        if not torch.isfinite(loss):
            fail("E_NON_FINITE", f"the loss is {loss.item()} at step {step}", 4,
                 "the loss left its domain (see `marginlab derive` for where it is defined)")
        logged = step % log_every == 0 or step == req["steps"] - 1
        record = measure_step(fun, model, b, ctx, loss_fn, params, req["lr"], mode) if logged else None
        opt.zero_grad()
        loss.backward()
        opt.step()
        if logged:
            with torch.no_grad():
                record["obs_batch_dlogp_w"] = float((seq_logps(model, b["ids_w"], b["mask_w"]) - lw).mean())
                record["obs_batch_dlogp_l"] = float((seq_logps(model, b["ids_l"], b["mask_l"]) - ll).mean())
            emit("step", step=step, loss=loss.item(), **record)
    if measure.get("token_cosine", True):
        token_cosine(fun, model, data, vocab, req["steps"])


def measure_step(fun, model, b, ctx, loss_fn, params, lr, mode):
    theta = tuple(p.detach() for p in model.parameters())
    B = b["ids_w"].shape[0]
    G = fun.per_example_grads(theta, torch.cat([b["ids_w"], b["ids_l"]]), torch.cat([b["mask_w"], b["mask_l"]]))
    a, g = G[:B], G[B:]
    inner, nw, nl = (a * g).sum(1), (a * a).sum(1), (g * g).sum(1)
    cos = inner / (nw.sqrt() * nl.sqrt())
    _, dw, dl = ml_loss.weights(loss_fn, params, ctx)
    # The probe: one SGD step of size lr on each pair alone (section 3's single-sample setting), applied to a
    # copy of θ per pair at once: θ_i' = θ − lr∇L_i = θ + lr(d_w a_i − d_l b_i).
    flat = torch.cat([p.reshape(-1) for p in theta])
    stepped = ml_measure.unflatten(flat.unsqueeze(0) + lr * (dw[:, None] * a - dl[:, None] * g), theta)
    new_w = fun.logp_at(stepped, b["ids_w"], b["mask_w"])
    new_l = fun.logp_at(stepped, b["ids_l"], b["mask_l"])
    with torch.no_grad():
        old_w, old_l = ctx["logp_w"].detach(), ctx["logp_l"].detach()
    pairs = []
    for i in range(B):
        pw, pl = ml_measure.predict(float(dw[i]), float(dl[i]), float(inner[i]), float(nw[i]), float(nl[i]), mode)
        pairs.append({
            "logp_w": float(old_w[i]), "logp_l": float(old_l[i]), "c_ref_w": float(ctx["c_ref_w"][i]),
            "c_ref_l": float(ctx["c_ref_l"][i]), "len_w": float(ctx["len_w"][i]), "len_l": float(ctx["len_l"][i]),
            "z_ref": float(ctx["z_ref"][i]), "dW": float(dw[i]), "dL": float(dl[i]), "inner_wl": float(inner[i]),
            "norm_w2": float(nw[i]), "norm_l2": float(nl[i]), "cos_wl": float(cos[i]),
            "pred_dlogp_w_sign": pw, "pred_dlogp_l_sign": pl,
            "fo_dlogp_w": float(lr * (dw[i] * nw[i] - dl[i] * inner[i])),
            "fo_dlogp_l": float(lr * (dw[i] * inner[i] - dl[i] * nl[i])),
            "obs_dlogp_w": float(new_w[i] - old_w[i]), "obs_dlogp_l": float(new_l[i] - old_l[i]),
        })
    return {"pairs": pairs}


def token_cosine(fun, model, data, vocab, step):
    ids_w, mask_w, ids_l, mask_l = (x[0] for x in data)
    theta = tuple(p.detach() for p in model.parameters())
    cos, _ = fun.token_cosine(theta, ids_w, mask_w, ids_l, mask_l)
    words = lambda ids, m: [vocab.itos[int(t)] for t, k in zip(ids.tolist(), m.tolist()) if k]  # noqa: E731
    emit("token_cosine", step=step, tokens_w=words(ids_w, mask_w), tokens_l=words(ids_l, mask_l),
         cos=[floats(r) for r in cos])


def run_checks(req, loss_fn, params, dtype, device):
    points = req.get("checks", [])
    if not points:
        return
    ctx = {k: torch.tensor([float(p["point"][k]) for p in points], dtype=dtype, device=device) for k in ml_loss.ARGS}
    L, dw, dl = ml_loss.weights(loss_fn, params, ctx)
    emit("check", results=[{"L": a, "dW": b, "dL": c} for a, b, c in zip(floats(L), floats(dw), floats(dl))])


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


def selftest_mode(task="long", n=6, seed=0):
    """Per-example and token-level gradients by vmap and by plain autograd loops, for the test to compare."""
    torch.manual_seed(seed)
    pairs = ml_tasks.sentiment_pairs(task, 64, seed)
    vocab = ml_tasks.Vocab(pairs)
    ids_w, mask_w, ids_l, mask_l = ml_tasks.encode_pairs(pairs, vocab)
    model = ml_model.TinyLM(len(vocab.itos), max_len=ids_w.shape[1]).double()
    fun = ml_measure.Functional(model)
    theta = tuple(p.detach() for p in model.parameters())
    ids, mask = torch.cat([ids_w[:n], ids_l[:n]]), torch.cat([mask_w[:n], mask_l[:n]])
    Gv, Gl = fun.per_example_grads(theta, ids, mask), fun.per_example_grads_loop(theta, ids, mask)
    gram = lambda G: [[float((G[i] * G[n + i]).sum()), float((G[i] * G[i]).sum()), float((G[n + i] * G[n + i]).sum())]  # noqa: E731
                      for i in range(n)]
    _, inner_v = fun.token_cosine(theta, ids_w[0], mask_w[0], ids_l[0], mask_l[0])
    tw, tl = fun.token_grads_loop(theta, ids_w[0], mask_w[0]), fun.token_grads_loop(theta, ids_l[0], mask_l[0])
    json.dump({"gram_vmap": gram(Gv), "gram_loop": gram(Gl), "token_inner_vmap": [floats(r) for r in inner_v],
               "token_inner_loop": [floats(r) for r in tw @ tl.T]}, sys.stdout)


def main(argv):
    if "--eval" in argv:
        return eval_mode()
    if "--selftest" in argv:
        return selftest_mode()
    if "--bench" in argv:
        import ml_bench
        return ml_bench.run(argv)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    hello()
    line = sys.stdin.readline()
    if not line.strip():
        fail("E_PROTOCOL", "no request line on stdin", 2)
    try:
        req = json.loads(line)
    except json.JSONDecodeError as e:
        fail("E_PROTOCOL", f"the request is not JSON: {e}", 2)
    check_request(req)
    done = threading.Event()
    threading.Thread(target=heartbeat, args=(req.get("heartbeat_s", 2.0), done), daemon=True).start()
    t0 = time.time()
    try:
        train(req)
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001 — reported as an event, never a bare traceback on stdout
        import traceback
        traceback.print_exc(file=sys.stderr)
        code = "E_OOM" if "out of memory" in str(e).lower() else "E_TRAINER"
        fail(code, f"{type(e).__name__}: {e}", 1)
    done.set()
    emit("done", seconds=time.time() - t0)


if __name__ == "__main__":
    main(sys.argv[1:])
