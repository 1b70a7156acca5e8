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
_rank = {"rank": 0}


def emit(event, **fields):
    if _rank["rank"] != 0:  # under torchrun only rank 0 speaks the protocol (ml_dist)
        if event == "error":
            sys.stderr.write(f"rank {_rank['rank']}: {fields.get('code')}: {fields.get('message')}\n")
        return
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
    import ml_func  # noqa: F401 — torch.func (torch ≥ 2) or functorch (torch 1.13)
except Exception as e:  # noqa: BLE001 — any import failure means the same thing to the user
    fail("E_NO_TORCH", f"cannot import torch and its function transforms with {sys.executable}: {e}", 3,
         "on Debian: apt-get install -y --no-install-recommends python3-torch libopenblas0-pthread, "
         "then use --python /usr/bin/python3")

import ml_dist  # noqa: E402
import ml_hf  # noqa: E402
import ml_loss  # noqa: E402
import ml_measure  # noqa: E402
import ml_model  # noqa: E402
import ml_tasks  # noqa: E402
import ml_variants  # noqa: E402


def optional(name):
    try:
        __import__(name)
        return True
    except Exception:  # noqa: BLE001
        return False


def hello():
    emit("hello", protocol=PROTOCOL, trainer="marginlab-reference", torch=torch.__version__,
         cuda=torch.cuda.is_available(), transformers=optional("transformers"), peft=optional("peft"), pid=os.getpid(),
         world=ml_dist.STATE["world"])


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
    return ml_dist.local_device(name)


def build_task(task, seed):
    if task["kind"] == "file":
        return ml_tasks.file_pairs(task["path"])
    return ml_tasks.sentiment_pairs(task["kind"], task.get("pairs", 512), seed)


def hf(fn, *args):
    """ml_hf.codec or ml_hf.build, their failures as protocol errors: a missing library, or a model that is not there."""
    try:
        return fn(*args)
    except ImportError as e:
        fail("E_NO_TRANSFORMERS", f"a Hugging Face model needs transformers (and peft for LoRA) importable by {sys.executable}: {e}",
             3, "make a venv with torch >= 2, transformers and peft (scripts/test-all.sh shows how) and pass --python "
             "its/bin/python; or train the built-in tiny model (--model tiny)")
    except (OSError, ValueError) as e:
        fail("E_MODEL", str(e), 2)


def loss_params(spec, dtype, device):
    return {k: torch.tensor(float(v), dtype=dtype, device=device) for k, v in spec["params"].items()}


def seq_logps(model, ids, mask):
    return masked_logps(model(ids), ids, mask)


def masked_logps(logits, ids, mask):
    """log π(y|x) per sequence: the sum over the positions `mask` marks of the token log-probabilities."""
    return (ml_model.token_logps(logits, ids) * mask[:, 1:]).sum(1)


def sft(model, data, req, device, gen):
    ids_w, mask_w = data[0], data[1]
    steps, lr, bs = req.get("sft_steps", 100), req.get("sft_lr", 3e-3), req.get("sft_batch", 32)
    opt = torch.optim.Adam(ml_func.trained(model)[1], lr=lr)
    for s in range(steps):
        if _stop["signal"]:
            interrupted()
        idx = ml_dist.shard(torch.randint(0, ids_w.shape[0], (bs,), generator=gen).to(device))
        m = mask_w[idx]
        loss = -(seq_logps(model, ids_w[idx], m) / m[:, 1:].sum(1)).mean()
        opt.zero_grad()
        loss.backward()
        ml_dist.average_grads(ml_func.trained(model)[1])
        opt.step()
        if s % max(1, steps // 10) == 0 or s == steps - 1:
            emit("sft", step=s, loss=loss.item())


def interrupted():
    sig = _stop["signal"]
    fail("E_INTERRUPTED", f"stopped by signal {sig}", 128 + int(sig))


def floats(t):
    return [float(x) for x in t.detach().cpu().tolist()]


def flat(grads, params):
    return torch.cat([(torch.zeros_like(p) if g is None else g).reshape(-1) for g, p in zip(grads, params)])


def setup(req):
    """Data, model, SFT reference and loss: everything a preference-optimisation step needs, in one dict."""
    device = pick_device(req.get("device", "cpu"))
    dtype = torch.float64 if req.get("dtype", "float64") == "float64" else torch.float32
    variant = req.get("variant", "none")
    if variant not in ml_variants.VARIANTS:
        fail("E_PROTOCOL", f"unknown variant {variant!r}; this trainer knows {', '.join(ml_variants.VARIANTS)}", 2)
    torch.manual_seed(req["seed"])
    gen = torch.Generator().manual_seed(req["seed"])
    m = req.get("model", {"kind": "tiny"})
    try:
        pairs = build_task(req["task"], req["seed"])
        pairs, held = ml_tasks.heldout_pairs(req["task"], pairs, req.get("heldout_pairs", 0), req["seed"])
        vocab = (hf(ml_hf.codec, m) if ml_hf.is_hf(m) else None) or ml_tasks.Vocab(pairs + held)
        # One encoding so that training and held-out pairs share the padded length (and the model's max_len).
        every = [x.to(device) for x in ml_tasks.encode_pairs(pairs + held, vocab)]
        data = [x[:len(pairs)] for x in every]
        held_data = [x[len(pairs):] for x in every] if held else None
    except (OSError, ValueError, KeyError) as e:
        fail("E_TASK", str(e), 2)
    ids_w, mask_w, ids_l, mask_l = data
    if ml_hf.is_hf(m):
        model = hf(ml_hf.build, m, len(vocab.itos), dtype, device)
    else:
        model = ml_model.TinyLM(len(vocab.itos), d=m.get("d_model", 32), layers=m.get("layers", 2), heads=m.get("heads", 2),
                                max_len=ids_w.shape[1]).to(device=device, dtype=dtype)
    emit("task", pairs=len(pairs), heldout=len(held), vocab=len(vocab.itos), seq_len=int(ids_w.shape[1]),
         params=sum(p.numel() for p in model.parameters()), trained=sum(p.numel() for p in ml_func.trained(model)[1]),
         model=m.get("name_or_path", "tiny"), variant=variant, world=ml_dist.STATE["world"],
         example={"prompt": pairs[0]["prompt"], "chosen": pairs[0]["chosen"], "rejected": pairs[0]["rejected"]})

    sft(model, data, req, device, gen)
    # The loss sees log π over the tokens its variant counts (all response tokens unless masked); the
    # reference and |y| are taken over the same tokens, so the margin compares like with like.
    lmask_w, lmask_l = ml_variants.response_masks(ids_w, mask_w, ids_l, mask_l, variant)
    with torch.no_grad():
        c_ref_w = seq_logps(model, ids_w, lmask_w)
        c_ref_l = seq_logps(model, ids_l, lmask_l)
    spec = req["loss"]
    try:
        loss_fn = ml_loss.load_loss(spec["python"], spec.get("entry", "loss_fn"))
    except Exception as e:  # noqa: BLE001
        fail("E_LOSS_CODE", f"the generated loss does not load: {e}", 2)
    params = loss_params(spec, dtype, device)
    run_checks(req, loss_fn, params, dtype, device)
    held_ref = None
    if held_data is not None:
        with torch.no_grad():
            held_ref = (seq_logps(model, held_data[0], held_data[1]), seq_logps(model, held_data[2], held_data[3]))
    return {"held": held_data, "held_ref": held_ref, "model": model, "fun": ml_measure.Functional(model), "gen": gen, "device": device, "vocab": vocab,
            "data": data, "ids_w": ids_w, "ids_l": ids_l, "mask_w": lmask_w, "mask_l": lmask_l, "full_w": mask_w,
            "full_l": mask_l, "c_ref_w": c_ref_w, "c_ref_l": c_ref_l, "len_w": lmask_w.sum(1).to(dtype),
            "len_l": lmask_l.sum(1).to(dtype), "loss_fn": loss_fn, "params": params,
            "variant": variant, "masked": variant.startswith("masked"), "lr": req["lr"], "bs": req.get("batch_size", 8),
            "mode": req.get("predict", "conditions")}


def po_step(S, step, logged):
    """One preference-optimisation step (plain SGD, so eq. (5)'s first-order step is the actual update); when
    `logged`, the step event's record (rank 0), else None."""
    model, lr, fun = S["model"], S["lr"], S["fun"]
    idx = ml_dist.shard(torch.randint(0, S["ids_w"].shape[0], (S["bs"],), generator=S["gen"]).to(S["device"]))
    b = {k: S[k][idx] for k in ("ids_w", "ids_l", "mask_w", "mask_l", "full_w", "full_l")}
    measured = logged and ml_dist.is_main()
    # A measured step of a single process computes the per-example gradients a_i, b_i anyway; the batch halves
    # are then their d-weighted means, G_w = mean_i d_w,i a_i (the vector autograd would give), so the step needs
    # no graph and no backward pass of its own. Under torchrun the halves are all-reduced, so autograd stays.
    reuse = measured and ml_dist.STATE["world"] == 1
    hidden = None
    with torch.set_grad_enabled(not reuse):
        if measured:  # one forward gives the log-probabilities and the hidden states CHES needs
            hidden = (model.hidden(b["ids_w"]), model.hidden(b["ids_l"]))
            lw = masked_logps(model.head_logits(hidden[0]), b["ids_w"], b["mask_w"])
            ll = masked_logps(model.head_logits(hidden[1]), b["ids_l"], b["mask_l"])
        else:
            lw = seq_logps(model, b["ids_w"], b["mask_w"])
            ll = seq_logps(model, b["ids_l"], b["mask_l"])
    ctx = {"logp_w": lw, "logp_l": ll, "c_ref_w": S["c_ref_w"][idx], "c_ref_l": S["c_ref_l"][idx], "len_w": S["len_w"][idx],
           "len_l": S["len_l"][idx], "z_ref": torch.zeros_like(lw)}
    loss = (S["loss_fn"](lw, ll, params=S["params"], **{k: ctx[k] for k in ml_loss.ARGS[2:]}) + torch.zeros_like(lw)).mean()
    if not torch.isfinite(loss):
        fail("E_NON_FINITE", f"the loss is {loss.item()} at step {step}", 4,
             "the loss left its domain (see `marginlab derive` for where it is defined)")
    # The loss's gradient in its two halves, −∇L = G_w − G_l (ml_variants); d_w, d_l are held fixed, which
    # is the chain rule exactly since L depends on θ only through log π_w and log π_l.
    _, dw, dl = ml_loss.weights(S["loss_fn"], S["params"], ctx)
    ps = ml_func.trained(model)[1]
    B = b["ids_w"].shape[0]
    G = None
    if measured:
        G = fun.per_example_grads(fun.params(model), torch.cat([b["ids_w"], b["ids_l"]]), torch.cat([b["mask_w"], b["mask_l"]]))
    if reuse:
        gw, gl = (dw[:, None] * G[:B]).mean(0), (dl[:, None] * G[B:]).mean(0)
    else:
        gw = ml_dist.mean_(flat(torch.autograd.grad((dw * lw).mean(), ps, allow_unused=True), ps))
        gl = ml_dist.mean_(flat(torch.autograd.grad((dl * ll).mean(), ps, allow_unused=True), ps))
    u, info = ml_variants.combine(S["variant"], gw, gl)
    record = None
    if measured:
        record, fa, fg, (old_w, old_l) = measure_step(S, b, ctx, dw, dl, u, G, hidden)
        # Case 1 of the step as a whole: the batch's chosen log π (weighted by d_w, the aggregate whose gradient
        # is G_w) rises and its rejected one falls, to first order lr⟨G, u⟩ — on the whole responses, so a
        # masked variant is judged on what it leaves out too (its whole-response gradients come from measure_step).
        hw, hl = (dw[:, None] * fa).mean(0), (dl[:, None] * fg).mean(0)
        record["step_fo_dlogp_w"], record["step_fo_dlogp_l"] = lr * float(hw @ u), lr * float(hl @ u)
    with torch.no_grad():
        i = 0
        for p in ps:
            p.add_(lr * u[i:i + p.numel()].view_as(p))
            i += p.numel()
    if record is None:
        return None
    with torch.no_grad():
        new_w = seq_logps(model, b["ids_w"], b["full_w"])
        new_l = seq_logps(model, b["ids_l"], b["full_l"])
        if S["masked"]:
            obs_w, obs_l = seq_logps(model, b["ids_w"], b["mask_w"]), seq_logps(model, b["ids_l"], b["mask_l"])
        else:  # the loss counts the whole responses: the same forward serves both
            obs_w, obs_l = new_w, new_l
        record["obs_batch_dlogp_w"] = float((obs_w - lw).mean())
        record["obs_batch_dlogp_l"] = float((obs_l - ll).mean())
    dnew_w, dnew_l = floats(new_w - old_w), floats(new_l - old_l)
    for k, p in enumerate(record["pairs"]):
        p["step_obs_dlogp_w"] = dnew_w[k]
        p["step_obs_dlogp_l"] = dnew_l[k]
    record["step_obs_dlogp_w"] = float((dw * (new_w - old_w)).mean())
    record["step_obs_dlogp_l"] = float((dl * (new_l - old_l)).mean())
    record.update(info, variant=S["variant"], loss=loss.item())
    return record


def heldout_eval(S, step):
    """Preference accuracy on the held-out pairs, on whole responses: the share whose chosen is more likely than
    its rejected (pref_acc), and the share whose implicit reward margin (log π − log π_ref)_w − (…)_l is
    positive (reward_acc, 0 at the start by construction), with the means behind them."""
    if S["held"] is None or not ml_dist.is_main():
        return
    ids_w, mask_w, ids_l, mask_l = S["held"]
    with torch.no_grad():
        lw, ll = seq_logps(S["model"], ids_w, mask_w), seq_logps(S["model"], ids_l, mask_l)
    rw, rl = lw - S["held_ref"][0], ll - S["held_ref"][1]
    emit("eval", step=step, pairs=int(lw.shape[0]), pref_acc=float((lw > ll).double().mean()),
         reward_acc=float((rw > rl).double().mean()), logp_w=float(lw.mean()), logp_l=float(ll.mean()),
         reward_margin=float((rw - rl).mean()))


def train(req):
    S = setup(req)
    measure = req.get("measure", {})
    if measure.get("token_cosine", True) and ml_dist.is_main():
        token_cosine(S["fun"], S["model"], S["data"], S["vocab"], 0)
    log_every, eval_every = req.get("log_every", 1), req.get("eval_every", 0)
    heldout_eval(S, 0)
    t0 = time.perf_counter()
    for step in range(req["steps"]):
        if _stop["signal"]:
            interrupted()
        logged = step % log_every == 0 or step == req["steps"] - 1
        record = po_step(S, step, logged)
        if record is not None:
            emit("step", step=step, **record)
        if eval_every and (step + 1) % eval_every == 0 and step + 1 < req["steps"]:
            heldout_eval(S, step + 1)
    po_seconds = time.perf_counter() - t0  # the preference-optimisation loop (its logged steps included)
    heldout_eval(S, req["steps"])
    if measure.get("token_cosine", True) and ml_dist.is_main():
        token_cosine(S["fun"], S["model"], S["data"], S["vocab"], req["steps"])
    return po_seconds


def measure_step(S, b, ctx, dw, dl, u, G, hidden):
    """The step's record: per pair the Gram entries of a_i, b_i (G, [2B, P]), the prediction of (9)/(10), the
    single-pair probe, CHES (from the step's own hidden states), and the first-order change under the batch
    step u. Returns (record, fa, fg, (full_w, full_l)): fa, fg are the whole responses' per-example gradients
    (a, b themselves unless a masked variant trains on fewer tokens), full_w, full_l their log π before the step."""
    fun, lr, mode = S["fun"], S["lr"], S["mode"]
    theta = fun.params(S["model"])
    B = b["ids_w"].shape[0]
    a, g = G[:B], G[B:]
    inner, nw, nl = (a * g).sum(1), (a * a).sum(1), (g * g).sum(1)
    cos = inner / (nw.sqrt() * nl.sqrt())
    # The probe: one SGD step of size lr on each pair alone (section 3's single-sample setting), applied to a
    # copy of θ per pair at once: θ_i' = θ − lr∇L_i = θ + lr(d_w a_i − d_l b_i); both responses of every pair in
    # one vmapped call.
    flat_theta = torch.cat([p.reshape(-1) for p in theta])
    step = flat_theta.unsqueeze(0) + lr * (dw[:, None] * a - dl[:, None] * g)
    stepped = ml_measure.unflatten(torch.cat([step, step]), theta)
    new = fun.logp_at(stepped, torch.cat([b["ids_w"], b["ids_l"]]), torch.cat([b["mask_w"], b["mask_l"]]))
    new_w, new_l = new[:B], new[B:]
    old_w, old_l = ctx["logp_w"].detach(), ctx["logp_l"].detach()
    # Case 1 of the step actually taken (the batch step u, after any variant), judged on the whole responses'
    # log π — what a user wants to rise — whichever tokens the loss counts: Δlog π_i ≈ lr⟨∇log π_i, u⟩.
    ids = torch.cat([b["ids_w"], b["ids_l"]])
    if S["masked"]:
        Fg = fun.per_example_grads(theta, ids, torch.cat([b["full_w"], b["full_l"]]))
        fa, fg = Fg[:B], Fg[B:]
        with torch.no_grad():
            full_w = masked_logps(S["model"].head_logits(hidden[0]), b["ids_w"], b["full_w"])
            full_l = masked_logps(S["model"].head_logits(hidden[1]), b["ids_l"], b["full_l"])
    else:
        fa, fg, full_w, full_l = a, g, old_w, old_l
    step_fo_w, step_fo_l = lr * (fa @ u), lr * (fg @ u)
    ches, ches_ln = ml_measure.ches_from_hidden(hidden[0].detach(), b["full_w"], hidden[1].detach(), b["full_l"])
    fo_w, fo_l = lr * (dw * nw - dl * inner), lr * (dw * inner - dl * nl)
    # One transfer per quantity (not one per pair and quantity): on a GPU each float() is a synchronisation.
    col = {k: floats(v) for k, v in {
        "logp_w": old_w, "logp_l": old_l, "c_ref_w": ctx["c_ref_w"], "c_ref_l": ctx["c_ref_l"], "len_w": ctx["len_w"],
        "len_l": ctx["len_l"], "z_ref": ctx["z_ref"], "dW": dw, "dL": dl, "inner_wl": inner, "norm_w2": nw, "norm_l2": nl,
        "cos_wl": cos, "fo_dlogp_w": fo_w, "fo_dlogp_l": fo_l, "obs_dlogp_w": new_w - old_w, "obs_dlogp_l": new_l - old_l,
        "full_logp_w": full_w, "full_logp_l": full_l, "step_fo_dlogp_w": step_fo_w, "step_fo_dlogp_l": step_fo_l,
        "ches": ches, "ches_ln": ches_ln}.items()}
    pairs = []
    for i in range(B):
        pw, pl = ml_measure.predict(col["dW"][i], col["dL"][i], col["inner_wl"][i], col["norm_w2"][i], col["norm_l2"][i], mode)
        row = {k: v[i] for k, v in col.items()}
        row["pred_dlogp_w_sign"], row["pred_dlogp_l_sign"] = pw, pl
        pairs.append(row)
    return {"pairs": pairs}, fa, fg, (full_w, full_l)


def token_cosine(fun, model, data, vocab, step):
    """Figure 4b for the first pair: over all trained parameters (vjp + vmap), and over the output layer alone
    in closed form (ml_measure.head_token_inner, no per-token gradient formed)."""
    ids_w, mask_w, ids_l, mask_l = (x[0] for x in data)
    cos, _ = fun.token_cosine(fun.params(model), ids_w, mask_w, ids_l, mask_l)
    head, _ = ml_measure.head_token_inner(*ml_measure.head_inputs(model, ids_w, mask_w),
                                          *ml_measure.head_inputs(model, ids_l, mask_l))
    words = lambda ids, m: [vocab.word(t) for t, k in zip(ids.tolist(), m.tolist()) if k]  # noqa: E731
    emit("token_cosine", step=step, tokens_w=words(ids_w, mask_w), tokens_l=words(ids_l, mask_l),
         cos=[floats(r) for r in cos], cos_head=[floats(r) for r in head])


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
    theta = fun.params(model)
    ids, mask = torch.cat([ids_w[:n], ids_l[:n]]), torch.cat([mask_w[:n], mask_l[:n]])
    Gv, Gl = fun.per_example_grads(theta, ids, mask), fun.per_example_grads_loop(theta, ids, mask)
    gram = lambda G: [[float((G[i] * G[n + i]).sum()), float((G[i] * G[i]).sum()), float((G[n + i] * G[n + i]).sum())]  # noqa: E731
                      for i in range(n)]
    _, inner_v = fun.token_cosine(theta, ids_w[0], mask_w[0], ids_l[0], mask_l[0])
    tw, tl = fun.token_grads_loop(theta, ids_w[0], mask_w[0]), fun.token_grads_loop(theta, ids_l[0], mask_l[0])
    c, c_ln = ml_measure.ches(model, ids_w[:n], mask_w[:n], ids_l[:n], mask_l[:n])
    ches_loop, ches_ln_loop = [], []
    with torch.no_grad():
        for i in range(n):  # the definition, position by position: S = Σ_k h(x, y_<k) over response tokens
            hw, hl = model.hidden(ids_w[i:i + 1])[0], model.hidden(ids_l[i:i + 1])[0]
            kw = [t for t in range(ids_w.shape[1] - 1) if mask_w[i, t + 1]]
            kl = [t for t in range(ids_l.shape[1] - 1) if mask_l[i, t + 1]]
            sw, sl = sum(hw[t] for t in kw), sum(hl[t] for t in kl)
            ches_loop.append(float(sw @ sl - sw @ sw))
            ches_ln_loop.append(float(sw @ sl / (len(kw) * len(kl)) - sw @ sw / len(kw) ** 2))
    ches_loop += ches_ln_loop
    _, head_closed = ml_measure.head_token_inner(*ml_measure.head_inputs(model, ids_w[0], mask_w[0]),
                                                 *ml_measure.head_inputs(model, ids_l[0], mask_l[0]))
    hw, hl = ml_measure.head_token_grads_loop(model, ids_w[0], mask_w[0]), ml_measure.head_token_grads_loop(model, ids_l[0], mask_l[0])
    json.dump({"gram_vmap": gram(Gv), "gram_loop": gram(Gl), "token_inner_vmap": [floats(r) for r in inner_v],
               "token_inner_loop": [floats(r) for r in tw @ tl.T], "head_inner_closed": [floats(r) for r in head_closed],
               "head_inner_loop": [floats(r) for r in hw @ hl.T], "ches": floats(c) + floats(c_ln),
               "ches_loop": ches_loop, "head_confident": head_confident()}, sys.stdout)


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
    ref = (G @ G.T) / (G.norm(dim=1)[:, None] * G.norm(dim=1)[None, :])
    cos, _ = ml_measure.head_token_inner(h.float(), logp.float(), y, h.float(), logp.float(), y)
    return [float((cos.double() - ref).abs().max()), float(cos.abs().max())]


def main(argv):
    if "--eval" in argv:
        return eval_mode()
    if "--selftest" in argv:
        return selftest_mode()
    if "--bench" in argv:
        import ml_bench
        return ml_bench.run(argv)
    rank, world = ml_dist.init()
    _rank["rank"] = rank
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    req = None
    if rank == 0:
        hello()
        line = sys.stdin.readline()
        if not line.strip():
            fail("E_PROTOCOL", "no request line on stdin", 2)
        try:
            req = json.loads(line)
        except json.JSONDecodeError as e:
            fail("E_PROTOCOL", f"the request is not JSON: {e}", 2)
        check_request(req)
    req = ml_dist.share_request(req)
    done = threading.Event()
    if rank == 0:
        threading.Thread(target=heartbeat, args=(req.get("heartbeat_s", 2.0), done), daemon=True).start()
    t0 = time.time()
    try:
        po_seconds = train(req)
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001 — reported as an event, never a bare traceback on stdout
        import traceback
        traceback.print_exc(file=sys.stderr)
        code = "E_OOM" if "out of memory" in str(e).lower() else "E_TRAINER"
        fail(code, f"{type(e).__name__}: {e}", 1)
    ml_dist.finish()
    done.set()
    emit("done", seconds=time.time() - t0, world=world, po_seconds=po_seconds, steps=req["steps"])
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
