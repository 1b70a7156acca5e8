"""The trainer's modes for tests (one process each): --eval evaluates generated losses at points, --selftest
computes every batched or closed-form gradient quantity of ml_measure next to the plain autograd loop it
replaces (and CHES next to its definition), for test/trainer/vmap.test.ts to compare, and --selftest-ghost
compares ml_ghost's products with vmap's per-example gradients (test/trainer/ghost.test.ts)."""
import json
import sys

import torch

import ml_loss
import ml_measure
import ml_request
import ml_model
import ml_tasks
from ml_protocol import floats
from ml_run import loss_params


def eval_mode():
    """stdin: {"losses": [{"python", "params", "points": [{logp_w, …}]}]} → stdout: {"results": [[{L, dW, dL}]]}; a loss
    with "responses": K takes points {logp, c_ref, len} (lists of K) and answers [{L, d}]."""
    doc = json.load(sys.stdin)
    out = []
    for item in doc["losses"]:
        fn = ml_loss.load_loss(item["python"], item.get("entry", "loss_fn"))
        params = loss_params(item, torch.float64, "cpu")
        if item.get("responses"):  # a loss over K ranked responses: points {logp, c_ref, len}, each a list of K
            t = {k: torch.tensor([p[k] for p in item["points"]], dtype=torch.float64) for k in ("logp", "c_ref", "len")}
            L, d = ml_loss.ranked_weights(fn, params, t["logp"], t["c_ref"], t["len"])
            out.append([{"L": a, "d": b} for a, b in zip(floats(L), [floats(r) for r in d])])
            continue
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


def _small_hf(arch, lora_rank):
    """GPT-2 and Llama from their transformers configs at a test's width (the code paths are those of the full
    sizes: Conv1D and a tied head; nn.Linear, RMSNorm, rotary positions, grouped key-value heads), float64."""
    from transformers import AutoConfig, AutoModelForCausalLM
    import ml_hf
    shape = {"gpt2": dict(vocab_size=90, n_positions=32, n_embd=32, n_layer=2, n_head=2),
             # a pad id gives Llama's embedding a padding_idx, whose row nn.Embedding never trains
             "llama": dict(vocab_size=90, hidden_size=32, intermediate_size=48, num_hidden_layers=2, num_attention_heads=4,
                           num_key_value_heads=2, max_position_embeddings=32, pad_token_id=1)}[arch]
    lm = AutoModelForCausalLM.from_config(AutoConfig.for_model(arch, **shape), attn_implementation="eager")
    return ml_hf.wrap(lm, lora_rank, torch.float64, "cpu")


def _rel(x, y):
    """max |x − y| relative to max(|y_i|, 1e-6·max|y|): per entry, with a floor for entries near zero."""
    x, y = x.reshape(-1), y.reshape(-1)
    return float(((x - y).abs() / y.abs().clamp_min(1e-6 * float(y.abs().max()))).max())


def _ghost_vs_vmap(model, n=3, T=12, seed=0):
    """Every ml_ghost quantity against vmap's per-example gradients on `model`, and what dropping each kind of
    term does to the per-pair entries."""
    import ml_ghost
    from ml_func import trained
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():  # away from initialisation, so that no product vanishes (LoRA's B starts at zero)
        for p in trained(model)[1]:
            p.add_(0.05 * torch.randn(p.shape, generator=g, dtype=p.dtype))
    V = model.head_weight().shape[0]
    ids = torch.randint(3, V, (2 * n, T), generator=g)
    ids[n:, :5] = ids[:n, :5]  # each pair shares its prompt
    ids[n:, 7:] = ids[:n, 7:]  # and a suffix after the differing tokens (Data setup 3)
    ids[:, 2] = 1  # a token that is Llama's pad id (see _small_hf), inside every prompt
    mask = torch.zeros_like(ids)
    mask[:, 5:] = 1
    mask[0, 10:] = 0  # one shorter response (padding behind the causal mask)
    fun = ml_measure.Functional(model)
    G = fun.per_example_grads(fun.params(model), ids, mask)
    plan = ml_ghost.check(model, ids[:2], mask[:2])
    with ml_ghost.Tape(plan, 2 * n) as tape:
        lp = ml_model.masked_logps(model.head_logits(model.hidden(ids)), ids, mask)
    rec = tape.backprop(lp.sum())
    want = torch.stack(ml_measure.pair_gram(G, n))
    c = torch.randn(2 * n, generator=g, dtype=G.dtype)
    out = {"pairs": _rel(torch.stack(ml_ghost.pair_entries(rec)), want),
           "pairs_ghost": _rel(torch.stack(ml_ghost.pair_entries(rec, force="ghost")), want),
           "pairs_explicit": _rel(torch.stack(ml_ghost.pair_entries(rec, force="explicit")), want),
           "gram": _rel(ml_ghost.gram(rec, rec), G @ G.T), "combine": _rel(rec.combine(c), c @ G)}
    _, inner_v = fun.token_cosine(fun.params(model), ids[0], mask[0], ids[n], mask[n])
    cos_g, inner_g = ml_measure.ghost_token_cosine(plan, model, ids[0], mask[0], ids[n], mask[n])
    out["token_inner"] = _rel(inner_g, inner_v)
    kinds = sorted({t.kind for terms in rec.terms for t in terms})
    drops = {k: (lambda u, v, k=k: u.kind == k or v.kind == k) for k in kinds}
    if "embedding" in kinds and "linear" in kinds and any({t.kind for t in ts} >= {"embedding", "linear"} for ts in rec.terms):
        drops["tied"] = lambda u, v: {u.kind, v.kind} == {"embedding", "linear"}  # the cross terms alone
    out["dropped"] = {k: _rel(torch.stack(ml_ghost.pair_entries(rec, skip=s)), want) for k, s in drops.items()}
    out["layers"] = sorted({f"{type(x.module).__name__}:{x.kind}" for x in plan.layers})
    return out


class _ReadsHeadDirectly(ml_model.TinyLM):
    """A model that uses a trained weight outside its module's call: the check must refuse it."""

    def head_logits(self, h):
        return self.head(h) + 0.5 * h @ self.head.weight.T


class _OwnsAScale(ml_model.TinyLM):
    """A model whose top module holds a trained parameter of its own (not a linear layer, embedding or leaf)."""

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.scale = torch.nn.Parameter(torch.ones(()))

    def head_logits(self, h):
        return self.scale * self.head(h)


def selftest_ghost_mode():
    """ml_ghost against vmap on the built-in model and, where transformers and peft import, on GPT-2 and Llama
    with and without LoRA; and the two refusals auto falls back on (a weight used outside its module, a module
    kind it does not cover)."""
    import ml_ghost
    import ml_variants
    torch.manual_seed(0)
    models = {"tiny": lambda: ml_model.TinyLM(60, max_len=16).double()}
    try:
        import peft  # noqa: F401
        import transformers  # noqa: F401
        for arch in ("gpt2", "llama"):
            for rank in (0, 4):
                models[f"{arch}-{'lora' if rank else 'full'}"] = lambda arch=arch, rank=rank: _small_hf(arch, rank)
    except ImportError:
        pass
    out = {"models": {name: _ghost_vs_vmap(make()) for name, make in models.items()}}
    refused = {}
    for name, model in (("reads-head-directly", _ReadsHeadDirectly(60, max_len=16).double()),
                        ("owns-a-scale", _OwnsAScale(60, max_len=16).double())):
        ids = torch.randint(3, 60, (2, 8))
        mask = torch.ones_like(ids)
        try:
            ml_ghost.check(model, ids, mask)
            refused[name] = None
        except ml_ghost.Unsupported as e:
            refused[name] = str(e)
    out["refused"] = refused
    # u = α G_w − γ G_l (ml_variants.coefficients) for every variant, on halves with ⟨G_w, G_l⟩ > 0.
    gw, gl = torch.randn(50, dtype=torch.float64), torch.randn(50, dtype=torch.float64)
    gl = gl + 2 * gw
    worst = 0.0
    for v in ml_request.VARIANTS:
        u, info = ml_variants.combine(v, gw, gl)
        a, b = ml_variants.coefficients(info)
        worst = max(worst, _rel(a * gw - b * gl, u))
    out["coefficients"] = worst
    json.dump(out, sys.stdout)
