"""One training run of the reference trainer: setup (data, model, supervised fine-tuning, the frozen reference,
the loss), the preference-optimisation step, and the held-out evaluation. A Run holds the training pairs as two
Pairs, one per side, so that every mask keeps one meaning: `mask` is the tokens the loss counts (all response
tokens unless a masked variant drops some), `full` the whole response."""
import sys
import time
from dataclasses import dataclass

import torch

import ml_dist
import ml_func
import ml_ghost
import ml_hf
import ml_loss
import ml_measure
import ml_meters
import ml_model
import ml_tasks
import ml_variants
from ml_model import seq_logps
from ml_protocol import check_stop, emit, fail, floats


@dataclass
class Pairs:
    """One side (chosen or rejected) of a set of pairs, row i of each tensor belonging to pair i."""
    ids: torch.Tensor  # [N, T] prompt + response, right-padded
    mask: torch.Tensor  # [N, T] the response tokens the loss counts (log π, c_ref and |y| are taken over these)
    full: torch.Tensor  # [N, T] every response token
    c_ref: torch.Tensor  # [N] the frozen SFT model's log π over `mask` (eq. 8's reference)
    length: torch.Tensor  # [N] |y| over `mask`

    def take(self, idx):
        return Pairs(self.ids[idx], self.mask[idx], self.full[idx], self.c_ref[idx], self.length[idx])


@dataclass
class Run:
    model: torch.nn.Module
    fun: ml_measure.Functional
    vocab: object  # ml_tasks.Vocab or ml_hf.TokenizerCodec
    w: Pairs  # chosen
    l: Pairs  # rejected
    held: tuple  # (chosen, rejected) Pairs of the held-out pairs (whole responses; c_ref their SFT log π), or None
    loss_fn: object
    params: dict
    variant: str
    lr: float
    batch_size: int
    predict: str  # the prediction mode of ml_measure.predict
    gen: torch.Generator
    device: torch.device
    gram: str  # how a logged step measures the Gram: "ghost" (ml_ghost, with `plan`) or "vmap"
    plan: object  # ml_ghost.Plan, or None

    @property
    def masked(self):
        return self.variant.startswith("masked")


def pick_device(name):
    if name == "cuda" and not torch.cuda.is_available():
        fail("E_DEVICE", "--device cuda was asked for but torch sees no CUDA device", 2)
    return ml_dist.local_device(name)


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


def gram_method(asked, model, ids, mask):
    """(method, plan, reason): the request's gram method with auto resolved — ghost where ml_ghost covers every
    trained parameter of `model` (checked on the sample ids, mask), else vmap, with the reason."""
    if asked == "vmap":
        return "vmap", None, None
    try:
        return "ghost", ml_ghost.check(model, ids, mask), None
    except ml_ghost.Unsupported as e:
        if asked == "ghost":
            fail("E_GRAM", f"--gram ghost cannot measure this model: {e}", 2, "use --gram vmap, or auto, which falls back to it")
        return "vmap", None, str(e)


def build_model(m, vocab_size, seq_len, dtype, device):
    if m.is_hf:
        return hf(ml_hf.build, m, vocab_size, dtype, device)
    return ml_model.TinyLM(vocab_size, d=m.d_model, layers=m.layers, heads=m.heads, max_len=seq_len).to(device=device, dtype=dtype)


def sft(model, ids, mask, req, device, gen):
    """Supervised fine-tuning on the chosen responses (Adam); the result is the frozen reference."""
    opt = torch.optim.Adam(ml_func.trained(model)[1], lr=req.sft_lr)
    steps = req.sft_steps
    for s in range(steps):
        check_stop()
        idx = ml_dist.shard(torch.randint(0, ids.shape[0], (req.sft_batch,), generator=gen).to(device))
        m = mask[idx]
        loss = -(seq_logps(model, ids[idx], m) / m[:, 1:].sum(1)).mean()
        opt.zero_grad()
        loss.backward()
        ml_dist.average_grads(ml_func.trained(model)[1])
        opt.step()
        if s % max(1, steps // 10) == 0 or s == steps - 1:
            emit("sft", step=s, loss=loss.item())


def setup(req, engine=None):
    """Data, model, SFT reference and loss (an ml_request.Request): everything a preference-optimisation step
    needs. `engine` names another library that will train the run (the task event says so)."""
    device = pick_device(req.device)
    dtype = torch.float64 if req.dtype == "float64" else torch.float32
    torch.manual_seed(req.seed)
    gen = torch.Generator().manual_seed(req.seed)
    m = req.model
    try:
        pairs = ml_tasks.task_pairs(req.task, req.seed)
        pairs, held = ml_tasks.heldout_pairs(req.task, pairs, req.heldout_pairs, req.seed)
        vocab = (hf(ml_hf.codec, m) if m.is_hf else None) or ml_tasks.Vocab(pairs + held)
        # One encoding so that training and held-out pairs share the padded length (and the model's max_len).
        every = [x.to(device) for x in ml_tasks.encode_pairs(pairs + held, vocab)]
    except (OSError, ValueError, KeyError) as e:
        fail("E_TASK", str(e), 2)
    ids_w, full_w, ids_l, full_l = (x[:len(pairs)] for x in every)
    model = build_model(m, len(vocab.itos), ids_w.shape[1], dtype, device)
    gram, plan, why = gram_method(req.measure.gram, model, torch.stack([ids_w[0], ids_l[0]]), torch.stack([full_w[0], full_l[0]]))
    layers = {} if plan is None else {k: sum(1 for x in plan.layers if x.kind == k) for k in sorted({x.kind for x in plan.layers})}
    emit("task", pairs=len(pairs), heldout=len(held), vocab=len(vocab.itos), seq_len=int(ids_w.shape[1]),
         params=sum(p.numel() for p in model.parameters()), trained=sum(p.numel() for p in ml_func.trained(model)[1]),
         model=m.name_or_path or "tiny", variant=req.variant, world=ml_dist.STATE["world"], gram=gram,
         **({"gram_reason": why} if why else {}), **({"gram_layers": layers} if layers else {}),
         **({"engine": engine} if engine else {}),
         example={"prompt": pairs[0]["prompt"], "chosen": pairs[0]["chosen"], "rejected": pairs[0]["rejected"]})

    sft(model, ids_w, full_w, req, device, gen)
    # The loss sees log π over the tokens its variant counts (all response tokens unless masked); the
    # reference and |y| are taken over the same tokens, so the margin compares like with like.
    mask_w, mask_l = ml_variants.response_masks(ids_w, full_w, ids_l, full_l, req.variant)
    with torch.no_grad():
        w = Pairs(ids_w, mask_w, full_w, seq_logps(model, ids_w, mask_w), mask_w.sum(1).to(dtype))
        l = Pairs(ids_l, mask_l, full_l, seq_logps(model, ids_l, mask_l), mask_l.sum(1).to(dtype))
    try:
        loss_fn = ml_loss.load_loss(req.loss["python"], req.loss.get("entry", "loss_fn"))
    except Exception as e:  # noqa: BLE001
        fail("E_LOSS_CODE", f"the generated loss does not load: {e}", 2)
    params = loss_params(req.loss, dtype, device)
    run_checks(req, loss_fn, params, dtype, device)
    held_sides = None
    if held:
        hw, hfw, hl, hfl = (x[len(pairs):] for x in every)
        with torch.no_grad():
            held_sides = (Pairs(hw, hfw, hfw, seq_logps(model, hw, hfw), hfw.sum(1).to(dtype)),
                          Pairs(hl, hfl, hfl, seq_logps(model, hl, hfl), hfl.sum(1).to(dtype)))
    return Run(model=model, fun=ml_measure.Functional(model), vocab=vocab, w=w, l=l, held=held_sides, loss_fn=loss_fn,
               params=params, variant=req.variant, lr=req.lr, batch_size=req.batch_size, predict=req.predict, gen=gen,
               device=device, gram=gram, plan=plan)


def run_checks(req, loss_fn, params, dtype, device):
    """The probe points' L, d_w, d_l by the generated code, for the client to compare with marginlab's (`check`)."""
    points = req.checks
    if not points:
        return
    ctx = {k: torch.tensor([float(p["point"][k]) for p in points], dtype=dtype, device=device) for k in ml_loss.ARGS}
    L, dw, dl = ml_loss.weights(loss_fn, params, ctx)
    emit("check", results=[{"L": a, "dW": b, "dL": c} for a, b, c in zip(floats(L), floats(dw), floats(dl))])


def flat(grads, params):
    return torch.cat([(torch.zeros_like(p) if g is None else g).reshape(-1) for g, p in zip(grads, params)])


def apply_step(ps, lr, u):
    """θ ← θ + lr·u, u flattened over the trained parameters ps."""
    with torch.no_grad():
        i = 0
        for p in ps:
            p.add_(lr * u[i:i + p.numel()].view_as(p))
            i += p.numel()


def po_step(run, step, logged):
    """One preference-optimisation step (plain SGD, so eq. (5)'s first-order step is the actual update); when
    `logged`, the step event's record (rank 0), else None."""
    model, lr = run.model, run.lr
    idx = ml_dist.shard(torch.randint(0, run.w.ids.shape[0], (run.batch_size,), generator=run.gen).to(run.device))
    bw, bl = run.w.take(idx), run.l.take(idx)
    meter = None
    if logged and ml_dist.is_main():
        # A measured step has each pair's gradients anyway (as vmap's rows a_i, b_i or as ml_ghost's records);
        # the batch halves are their d-weighted means, G_w = mean_i d_w,i a_i, with no backward of their own.
        meter = (ml_meters.GhostStep if run.gram == "ghost" else ml_meters.VmapStep)(run, bw, bl)
        lw, ll = meter.logp_w, meter.logp_l
    else:
        lw = seq_logps(model, bw.ids, bw.mask)
        ll = seq_logps(model, bl.ids, bl.mask)
    ctx = {"logp_w": lw, "logp_l": ll, "c_ref_w": bw.c_ref, "c_ref_l": bl.c_ref, "len_w": bw.length,
           "len_l": bl.length, "z_ref": torch.zeros_like(lw)}
    loss = (run.loss_fn(lw.detach(), ll.detach(), params=run.params, **{k: ctx[k] for k in ml_loss.ARGS[2:]})
            + torch.zeros_like(lw)).mean()
    if not torch.isfinite(loss):
        fail("E_NON_FINITE", f"the loss is {loss.item()} at step {step}", 4,
             "the loss left its domain (see `marginlab derive` for where it is defined)")
    # The loss's gradient in its two halves, −∇L = G_w − G_l (ml_variants); d_w, d_l are held fixed, which
    # is the chain rule exactly since L depends on θ only through log π_w and log π_l.
    _, dw, dl = ml_loss.weights(run.loss_fn, run.params, ctx)
    ps = ml_func.trained(model)[1]
    if meter is not None:
        gw, gl = (ml_dist.mean_(h) for h in meter.halves(dw, dl))
    else:
        gw = ml_dist.mean_(flat(torch.autograd.grad((dw * lw).mean(), ps, allow_unused=True), ps))
        gl = ml_dist.mean_(flat(torch.autograd.grad((dl * ll).mean(), ps, allow_unused=True), ps))
    u, info = ml_variants.combine(run.variant, gw, gl)
    record = None
    if meter is not None:
        record, (old_w, old_l) = ml_measure.measure_step(run, meter, bw, bl, ctx, dw, dl, u, info)
    apply_step(ps, lr, u)
    if record is None:
        return None
    with torch.no_grad():
        new_w = seq_logps(model, bw.ids, bw.full)
        new_l = seq_logps(model, bl.ids, bl.full)
        if run.masked:
            obs_w, obs_l = seq_logps(model, bw.ids, bw.mask), seq_logps(model, bl.ids, bl.mask)
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
    record.update(info, variant=run.variant, loss=loss.item())
    return record


def heldout_eval(run, step):
    """Preference accuracy on the held-out pairs, on whole responses: the share whose chosen is more likely than
    its rejected (pref_acc), and the share whose implicit reward margin (log π − log π_ref)_w − (…)_l is
    positive (reward_acc, 0 at the start by construction), with the means behind them."""
    if run.held is None or not ml_dist.is_main():
        return
    w, l = run.held
    with torch.no_grad():
        lw, ll = seq_logps(run.model, w.ids, w.full), seq_logps(run.model, l.ids, l.full)
    rw, rl = lw - w.c_ref, ll - l.c_ref
    emit("eval", step=step, pairs=int(lw.shape[0]), pref_acc=float((lw > ll).double().mean()),
         reward_acc=float((rw > rl).double().mean()), logp_w=float(lw.mean()), logp_l=float(ll.mean()),
         reward_margin=float((rw - rl).mean()))


def train(req):
    """The whole run; returns the preference-optimisation loop's wall time (its logged steps included)."""
    run = setup(req)
    cosines = req.measure.token_cosine and ml_dist.is_main()
    if cosines:
        ml_measure.token_cosine(run, 0)
    heldout_eval(run, 0)
    t0 = time.perf_counter()
    for step in range(req.steps):
        check_stop()
        logged = step % req.log_every == 0 or step == req.steps - 1
        record = po_step(run, step, logged)
        if record is not None:
            emit("step", step=step, **record)
        if req.eval_every and (step + 1) % req.eval_every == 0 and step + 1 < req.steps:
            heldout_eval(run, step + 1)
    po_seconds = time.perf_counter() - t0
    heldout_eval(run, req.steps)
    if cosines:
        ml_measure.token_cosine(run, req.steps)
    return po_seconds
