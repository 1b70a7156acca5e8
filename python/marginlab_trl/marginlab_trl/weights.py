"""d_w and d_l by autograd of the trainer's own loss (its compute_loss, so any loss_type and a user's subclass).

The trainer's loss code runs on a stand-in model whose logits are a differentiable function of the sequence
log-probabilities: over a two-token vocabulary every completion token of a sequence gets log-probability
logp/len (the label token's logit chosen so), so the trainer's own log-softmax, masking, summing, averaging and
loss code all run on exactly the measured logp_w, logp_l, and autograd gives dL/dlogp. Eq. (8)'s step is
d_w ∇logp_w − d_l ∇logp_l, so d_w = −dL/dlogp_w and d_l = +dL/dlogp_l.

Two readings, both reported:
- per pair: the trainer's loss on that pair alone (a batch of one). This is the catalogue's per-pair form, so
  marginlab's derivation of the matching trl/... entry must give the same values.
- in batch: n × the gradient of the trainer's loss on the n measured pairs as one batch (TRL takes the batch
  mean, so n× undoes the 1/n). It differs from per pair only where the loss is not a mean of per-pair terms,
  e.g. CPO's NLL term, a mean over all the batch's chosen tokens."""
import copy
import types
from contextlib import contextmanager

import torch

PROMPT = 2  # stand-in prompt tokens before each completion


class StandInLM(torch.nn.Module):
    """Logits over a two-token vocabulary; the completion tokens (token 1) of row b have log-probability
    logps[b] / lens[b]. Rows are [chosen...; rejected...] as both trainers concatenate them."""

    def __init__(self, logps, lens):
        super().__init__()
        self.logps, self.lens = logps, lens
        self.width = PROMPT + max(lens)

    def layout(self):
        rows = len(self.lens)
        ids = torch.ones(rows, self.width, dtype=torch.long)
        attn = torch.zeros(rows, self.width, dtype=torch.long)
        comp = torch.zeros(rows, self.width, dtype=torch.long)
        for b, n in enumerate(self.lens):
            attn[b, : PROMPT + n] = 1
            comp[b, PROMPT: PROMPT + n] = 1
        return ids, attn, comp

    def forward(self, input_ids=None, attention_mask=None, *_, **__):
        if input_ids is None:
            raise TypeError("the stand-in model takes input_ids")
        rows = []
        for b, n in enumerate(self.lens):
            q = self.logps[b] / n  # each completion token's log-probability, < 0
            x = q - torch.log(-torch.expm1(q))  # log_softmax([0, x])[1] = q
            mask = torch.zeros(self.width, 1, dtype=self.logps.dtype)
            mask[PROMPT - 1: PROMPT - 1 + n] = 1.0  # position t - 1 predicts completion token t
            rows.append(torch.cat([torch.zeros(self.width, 1, dtype=self.logps.dtype), mask * x], dim=1))
        return types.SimpleNamespace(logits=torch.stack(rows), aux_loss=None)


@contextmanager
def quiet_metrics(trainer, **overrides):
    """The trainer's running metrics (what its own log averages), its token count (its loss code adds each batch's
    tokens to it) and the given attributes, as they were after."""
    saved = {k: getattr(trainer, k) for k in ("_metrics", "_stored_metrics", "_total_train_tokens") if hasattr(trainer, k)}
    for k, v in saved.items():
        setattr(trainer, k, copy.deepcopy(v))
    before = {k: getattr(trainer, k) for k in overrides}
    for k, v in overrides.items():
        setattr(trainer, k, v)
    try:
        yield
    finally:
        for k, v in {**saved, **before}.items():
            setattr(trainer, k, v)


def stand_in_inputs(kind, lm, refs, z_ref=0.0):
    ids, attn, comp = lm.layout()
    n = len(lm.lens) // 2
    if kind == "dpo":
        return {"input_ids": ids, "attention_mask": attn, "completion_mask": comp,
                "ref_chosen_logps": torch.tensor([r[0] for r in refs[:n]], dtype=lm.logps.dtype),
                "ref_rejected_logps": torch.tensor([r[1] for r in refs[:n]], dtype=lm.logps.dtype)}
    if kind == "kto":
        # Rows [desirable…; undesirable…] with their labels; the KL rows are the same rows, whose reference values
        # are set so that TRL's kl = mean(KL − ref_KL) is the point's z_ref (the gradient treats it as a constant).
        return {"input_ids": ids, "attention_mask": attn, "completion_mask": comp,
                "label": torch.tensor([True] * n + [False] * n),
                "ref_logps": torch.tensor([r[0] for r in refs[:n]] + [r[1] for r in refs[:n]], dtype=lm.logps.dtype),
                "KL_input_ids": ids, "KL_attention_mask": attn, "KL_completion_mask": comp, "ref_KL_logps": lm.logps.detach() - z_ref}
    labels = torch.where(comp.bool(), ids, torch.full_like(ids, -100))
    return {"chosen_input_ids": ids[:n], "chosen_attention_mask": attn[:n], "chosen_labels": labels[:n],
            "rejected_input_ids": ids[n:], "rejected_attention_mask": attn[n:], "rejected_labels": labels[n:]}


def loss_grad(trainer, kind, points, dtype):
    """L and dL/dlogp over the given points (one batch) by the trainer's own compute_loss on the stand-in."""
    n = len(points)
    logps = torch.tensor([p["logp_w"] for p in points] + [p["logp_l"] for p in points], dtype=dtype, requires_grad=True)
    lm = StandInLM(logps, [p["len_w"] for p in points] + [p["len_l"] for p in points])
    # One batch has one reference point (KTO's); the measured pairs of a step share it.
    inputs = stand_in_inputs(kind, lm, [(p["c_ref_w"], p["c_ref_l"]) for p in points], float(points[0].get("z_ref", 0.0)))
    overrides = {"precompute_ref_logps": True} if kind in ("dpo", "kto") else {}
    with quiet_metrics(trainer, **overrides), torch.enable_grad():
        value = trainer.compute_loss(lm, inputs, return_outputs=False)
        (g,) = torch.autograd.grad(value, logps)
    return float(value), g[:n], g[n:]


def weights(trainer, kind, points):
    """Per pair and in batch (module docstring): [{"dW", "dL", "dW_batch", "dL_batch"}], and the trainer's loss
    on the n pairs as one batch. Float64, except where the trainer refuses it: TRL's alpha_divergence knows
    fp16, bf16 and fp32 only."""
    alpha = getattr(trainer, "f_divergence_type", None) == "alpha_divergence"
    dtype = torch.float32 if alpha else torch.float64
    out = []
    for p in points:
        _, gw, gl = loss_grad(trainer, kind, [p], dtype)
        out.append({"dW": -float(gw[0]), "dL": float(gl[0])})
    batch_loss, gw, gl = loss_grad(trainer, kind, points, dtype)
    n = len(points)
    for i, o in enumerate(out):
        o["dW_batch"], o["dL_batch"] = -n * float(gw[i]), n * float(gl[i])
    return out, batch_loss
