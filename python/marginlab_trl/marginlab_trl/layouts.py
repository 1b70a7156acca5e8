"""Where a pair sits in each trainer's batch, and its sequence log-probabilities computed the way that trainer
computes them (its own helpers, on the rows of the batch it trains on, so padding and positions are the step's).

A layout has: `kind`, `pairs_in(batch)`, `pair(batch, i)` (the one-pair batch in the trainer's own format),
`logps(trainer, model, one)` → (logp_w, logp_l, len_w, len_l) with logp the summed log-probability of the
completion tokens (differentiable; len the number of tokens summed), and `refs(trainer, one)` → (c_ref_w, c_ref_l), or None for a
loss without a reference model."""
import torch

from .errors import MarginlabTRLError


class DPOLayout:
    """DPOTrainer (trl/trainer/dpo_trainer.py): input_ids is [chosen rows; rejected rows], completion_mask marks
    the completion tokens, ref_chosen_logps / ref_rejected_logps are there when precomputed."""
    kind = "dpo"
    KEYS = ("input_ids", "attention_mask", "completion_mask", "ref_chosen_logps", "ref_rejected_logps")

    def pairs_in(self, batch):
        return batch["input_ids"].shape[0] // 2

    def pair(self, batch, i):
        b = self.pairs_in(batch)
        rows = torch.tensor([i, b + i], device=batch["input_ids"].device)
        one = {k: batch[k][rows] for k in ("input_ids", "attention_mask", "completion_mask") if k in batch}
        for k in ("ref_chosen_logps", "ref_rejected_logps"):
            if k in batch:
                one[k] = batch[k][i:i + 1]
        return one

    def logps(self, trainer, model, one):
        from trl.trainer.utils import selective_log_softmax
        logits = model(input_ids=one["input_ids"], attention_mask=one["attention_mask"], use_cache=False).logits
        # As DPOTrainer._compute_loss with ld_alpha None: token t is scored by the logits at t - 1.
        per_token = selective_log_softmax(logits[:, :-1, :], one["input_ids"][:, 1:])
        mask = one["completion_mask"][:, 1:] != 0
        logp = torch.where(mask, per_token, torch.zeros_like(per_token)).sum(dim=1)
        lens = mask.sum(dim=1)
        return logp[0], logp[1], int(lens[0]), int(lens[1])

    def refs(self, trainer, one):
        if "ref_chosen_logps" in one:
            return float(one["ref_chosen_logps"][0]), float(one["ref_rejected_logps"][0])
        # The trainer's own reference pass: its ref_model, or the policy with its adapter disabled under PEFT.
        ref = trainer.ref_model if trainer.ref_model is not None else trainer.model
        w, l = trainer.compute_ref_log_probs(ref, one)
        return float(w[0]), float(l[0])


class CPOLayout:
    """The CPO trainer (trl.experimental.cpo): chosen_* and rejected_* tensors, labels -100 outside the
    completion; the trainer concatenates them (its concatenated_inputs) before one forward."""
    kind = "cpo"

    def pairs_in(self, batch):
        return batch["chosen_input_ids"].shape[0]

    def pair(self, batch, i):
        return {k: v[i:i + 1] for k, v in batch.items()
                if torch.is_tensor(v) and k.startswith(("chosen_", "rejected_")) and v.dim() >= 1}

    def logps(self, trainer, model, one):
        cat = trainer.concatenated_inputs(one, is_encoder_decoder=trainer.is_encoder_decoder,
                                          padding_value=trainer.pad_token_id, device=trainer.accelerator.device)
        logits = model(cat["concatenated_input_ids"], attention_mask=cat["concatenated_attention_mask"], use_cache=False).logits
        labels = cat["concatenated_labels"]
        # The trainer's own get_batch_logps, summed (the catalogue's logp; simpo's and ipo's averages are its len).
        logp = trainer.get_batch_logps(logits, labels, average_log_prob=False, is_encoder_decoder=trainer.is_encoder_decoder)
        lens = (labels[:, 1:] != -100).sum(dim=1)  # get_batch_logps counts the labels that are not -100
        return logp[0], logp[1], int(lens[0]), int(lens[1])

    def refs(self, trainer, one):
        return None  # CPO has no reference model (the callback reports c_ref = logp, marginlab's own default)


def layout_for(trainer):
    """The layout of this trainer's batches, or a coded refusal naming the setting that has no per-pair form."""
    names = [c.__name__ for c in type(trainer).__mro__]
    args = trainer.args
    if "DPOTrainer" in names:
        for opt, bad, why in (("ld_alpha", lambda v: v is not None, "LD-DPO weighs tokens past the shorter completion: the loss is no function of logp_w, logp_l"),
                              ("use_weighting", bool, "WPO weights come from the batch's logits, not from logp_w, logp_l"),
                              ("use_liger_kernel", bool, "the Liger loss fuses the output layer with the loss; it never sees sequence log-probabilities"),
                              ("padding_free", bool, "padding-free batches pack the pairs into one row")):
            if bad(getattr(args, opt, None)):
                raise MarginlabTRLError("E_UNSUPPORTED", why, f"DPOConfig.{opt}")
        if getattr(trainer, "aux_loss_enabled", False):
            raise MarginlabTRLError("E_UNSUPPORTED", "a router auxiliary loss (MoE) is not a per-pair loss", "DPOConfig.use_router_aux_loss" if hasattr(args, "use_router_aux_loss") else "model")
        return DPOLayout()
    if "CPOTrainer" in names:
        if getattr(trainer, "is_encoder_decoder", False):
            raise MarginlabTRLError("E_UNSUPPORTED", "encoder-decoder models are not measured", "CPOTrainer(model=...)")
        if getattr(trainer, "aux_loss_enabled", False):
            raise MarginlabTRLError("E_UNSUPPORTED", "a router auxiliary loss (MoE) is not a per-pair loss", "model")
        return CPOLayout()
    raise MarginlabTRLError("E_UNSUPPORTED", f"{type(trainer).__name__} is neither a DPOTrainer nor a CPOTrainer (nor a subclass of one)",
                            "MarginlabCallback.bind(trainer)", hint="KTO's loss has no per-pair form in TRL: its reference point pools the batch")
