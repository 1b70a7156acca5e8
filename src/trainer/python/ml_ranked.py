"""A run of a loss over K ranked responses (`responses: K`, L in logp_1 … logp_K): each prompt of a built-in task
has K responses, most preferred first (ml_tasks.ranked_lists: positive > neutral > negative). Supervised
fine-tuning on response 1 gives the frozen reference; each preference-optimisation step is plain SGD on the mean
of L, and a logged step measures per prompt the K×K Gram matrix G_ik,j = ⟨∇log π_k, ∇log π_j⟩, the weights d_k,
the first-order change η(G·d)_k of a step on that prompt alone, and the change that step actually makes
(ml_meters.RankedVmapStep). The two-response run (ml_run) is untouched: variants, held-out pairs, token cosines
and ghost products are pair measurements and are refused or left out here."""
import time
from dataclasses import dataclass

import torch

import ml_dist
import ml_func
import ml_hf
import ml_loss
import ml_meters
import ml_measure
import ml_run
import ml_tasks
from ml_model import seq_logps
from ml_protocol import check_stop, emit, fail, floats


@dataclass
class RankedRun:
    model: torch.nn.Module
    fun: ml_measure.Functional
    ids: torch.Tensor  # [N, K, T]
    mask: torch.Tensor  # [N, K, T] response tokens
    c_ref: torch.Tensor  # [N, K] the frozen SFT model's log π
    length: torch.Tensor  # [N, K] |y|
    loss_fn: object
    params: dict
    lr: float
    batch_size: int
    gen: torch.Generator
    device: torch.device


def refuse(req, K):
    """What a ranked run cannot do, as protocol errors (marginlab refuses them before starting; a hand-written request
    gets the same answer here)."""
    if ml_dist.STATE["world"] > 1:
        fail("E_PROTOCOL", "a loss over ranked responses trains in one process", 2, "run without torchrun")
    if req.variant != "none":
        fail("E_PROTOCOL", f"the variant {req.variant!r} combines a chosen and a rejected half; a loss over {K} ranked responses trains as it is", 2,
             "use --variant none")
    if req.measure.gram == "ghost":
        fail("E_GRAM", f"--gram ghost measures a chosen and a rejected row per pair; a loss over {K} ranked responses is measured by vmap", 2,
             "use --gram vmap or auto")


def setup(req, K):
    refuse(req, K)
    device = ml_run.pick_device(req.device)
    dtype = torch.float64 if req.dtype == "float64" else torch.float32
    torch.manual_seed(req.seed)
    gen = torch.Generator().manual_seed(req.seed)
    m = req.model
    try:
        lists = ml_tasks.ranked_lists(req.task, req.seed, K)
        vocab = (ml_run.hf(ml_hf.codec, m) if m.is_hf else None) or ml_tasks.ranked_vocab(lists)
        ids, mask = (x.to(device) for x in ml_tasks.encode_ranked(lists, vocab))
    except (OSError, ValueError, KeyError) as e:
        fail("E_TASK", str(e), 2)
    N = ids.shape[0]
    model = ml_run.build_model(m, len(vocab.itos), ids.shape[2], dtype, device)
    reason = "ghost products pair two responses; a ranked loss is measured by vmap" if req.measure.gram == "auto" else None
    emit("task", pairs=N, heldout=0, vocab=len(vocab.itos), seq_len=int(ids.shape[2]),
         params=sum(p.numel() for p in model.parameters()), trained=sum(p.numel() for p in ml_func.trained(model)[1]),
         model=m.name_or_path or "tiny", variant="none", world=1, gram="vmap", responses=K,
         **({"gram_reason": reason} if reason else {}), example=lists[0])
    ml_run.sft(model, ids[:, 0], mask[:, 0], req, device, gen)
    flat_ids, flat_mask = ids.flatten(0, 1), mask.flatten(0, 1)
    with torch.no_grad():
        c_ref = seq_logps(model, flat_ids, flat_mask).view(N, K)
    try:
        loss_fn = ml_loss.load_loss(req.loss["python"], req.loss.get("entry", "loss_fn"))
    except Exception as e:  # noqa: BLE001
        fail("E_LOSS_CODE", f"the generated loss does not load: {e}", 2)
    return RankedRun(model=model, fun=ml_measure.Functional(model), ids=ids, mask=mask, c_ref=c_ref,
                     length=mask.sum(2).to(dtype), loss_fn=loss_fn, params=ml_run.loss_params(req.loss, dtype, device),
                     lr=req.lr, batch_size=req.batch_size, gen=gen, device=device)


def po_step(run, step, logged):
    """One SGD step on the mean L of a batch of prompts; when `logged`, the ranked_step event's record."""
    B = run.batch_size
    K = run.ids.shape[1]
    idx = torch.randint(0, run.ids.shape[0], (B,), generator=run.gen).to(run.device)
    ids, mask = run.ids[idx].flatten(0, 1), run.mask[idx].flatten(0, 1)  # [B·K, T], prompt by prompt
    c_ref, length = run.c_ref[idx], run.length[idx]
    ps = ml_func.trained(run.model)[1]
    meter = ml_meters.RankedVmapStep(run, ids, mask, B, K) if logged else None
    if meter is not None:
        lp = meter.logp
    else:
        lp_live = seq_logps(run.model, ids, mask).view(B, K)
        lp = lp_live.detach()
    L, d = ml_loss.ranked_weights(run.loss_fn, run.params, lp, c_ref, length)
    loss = L.mean()
    if not torch.isfinite(loss):
        fail("E_NON_FINITE", f"the loss is {loss.item()} at step {step}", 4,
             "the loss left its domain (see `marginlab derive` for where it is defined)")
    if meter is not None:
        u = meter.direction(d)
    else:
        u = ml_run.flat(torch.autograd.grad((d * lp_live).sum(1).mean(), ps, allow_unused=True), ps)
    record = None
    if meter is not None:
        G, fo, obs = meter.per_prompt(d)
        record = {"loss": loss.item(), "responses": K, "gram": "vmap", "prompts": [
            {"logp": floats(lp[i]), "c_ref": floats(c_ref[i]), "len": floats(length[i]), "d": floats(d[i]),
             "gram_matrix": [floats(row) for row in G[i]], "pred_sign": [int(ml_measure.sign(x)) for x in fo[i]],
             "fo": floats(fo[i]), "obs": floats(obs[i])} for i in range(B)]}
    ml_run.apply_step(ps, run.lr, u)
    if record is not None:
        with torch.no_grad():
            record["obs_batch"] = floats((seq_logps(run.model, ids, mask).view(B, K) - lp).mean(0))
    return record


def train(req):
    """The whole ranked run; returns the preference-optimisation loop's wall time."""
    K = int(req.loss["responses"])
    run = setup(req, K)
    t0 = time.perf_counter()
    for step in range(req.steps):
        check_stop()
        logged = step % req.log_every == 0 or step == req.steps - 1
        record = po_step(run, step, logged)
        if record is not None:
            emit("ranked_step", step=step, **record)
    return time.perf_counter() - t0


def selftest():
    """--selftest-ranked: one JSON line in ({python, entry, params, lr, K}), one out. On the tiny model after a few
    SFT steps, for 4 prompts of the single task: the meter's Gram matrices against Grams of gradients taken one
    sequence at a time by plain autograd (Functional.per_example_grads_loop), its weights against autograd of the
    mean loss, and its first-order change η(G·d)_k against an actual SGD step on each prompt's own loss, taken by
    autograd through the model (no Gram, no d): the largest relative errors."""
    import json
    import sys
    from types import SimpleNamespace

    import ml_request
    job = json.loads(sys.stdin.readline())
    K, lr = int(job["K"]), float(job["lr"])
    torch.manual_seed(0)
    dtype = torch.float64
    lists = ml_tasks.ranked_lists(ml_request.Task(kind="single", pairs=64), 0, K)
    vocab = ml_tasks.ranked_vocab(lists)
    ids, mask = ml_tasks.encode_ranked(lists, vocab)
    model = ml_run.build_model(ml_request.Model(), len(vocab.itos), ids.shape[2], dtype, torch.device("cpu"))
    opt = torch.optim.Adam(ml_func.trained(model)[1], lr=3e-3)
    for _ in range(10):  # a little SFT on response 1, so the Gram is not that of a model at its initialisation
        loss = -seq_logps(model, ids[:16, 0], mask[:16, 0]).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    B = 4
    bi, bm = ids[:B].flatten(0, 1), mask[:B].flatten(0, 1)
    with torch.no_grad():
        c_ref = seq_logps(model, bi, bm).view(B, K) + 0.3 * torch.arange(K, dtype=dtype)  # off the start point
    length = mask[:B].sum(2).to(dtype)
    fn = ml_loss.load_loss(job["python"], job["entry"])
    params = {k: torch.tensor(float(v), dtype=dtype) for k, v in job["params"].items()}
    run = SimpleNamespace(model=model, fun=ml_measure.Functional(model), lr=lr)
    meter = ml_meters.RankedVmapStep(run, bi, bm, B, K)
    _, d = ml_loss.ranked_weights(fn, params, meter.logp, c_ref, length)
    G, fo, obs = meter.per_prompt(d)
    rows = run.fun.per_example_grads_loop(meter.theta, bi, bm).view(B, K, -1)
    G_loop = rows @ rows.transpose(1, 2)
    rel = lambda a, b: float(((a - b).abs().max() / b.abs().max()))  # noqa: E731
    ps = ml_func.trained(model)[1]
    # −∇ mean_i L_i by autograd through the model, against the meter's direction Σ_k d_ik r_ik (mean over prompts).
    lp = seq_logps(model, bi, bm).view(B, K)
    g = torch.autograd.grad(fn(lp, c_ref, length, params=params).mean(), ps)
    direction_err = rel(meter.direction(d), -ml_run.flat(g, ps))
    stepped = []
    for i in range(B):
        theta0 = [p.detach().clone() for p in ps]
        lp_i = seq_logps(model, ids[i], mask[i])
        gi = torch.autograd.grad(fn(lp_i[None], c_ref[i:i + 1], length[i:i + 1], params=params).sum(), ps)
        with torch.no_grad():
            for p, q in zip(ps, gi):
                p.sub_(lr * q)
            stepped.append(seq_logps(model, ids[i], mask[i]) - lp_i.detach())
            for p, p0 in zip(ps, theta0):
                p.copy_(p0)
    stepped = torch.stack(stepped)
    print(json.dumps({"gram_rel_err": rel(G, G_loop), "direction_rel_err": direction_err,
                      "fo_vs_sgd_rel_err": rel(fo, stepped), "probe_vs_sgd_rel_err": rel(obs, stepped),
                      "fo": [floats(r) for r in fo], "sgd": [floats(r) for r in stepped],
                      "signs_agree": bool((torch.sign(fo) == torch.sign(stepped)).all())}))
