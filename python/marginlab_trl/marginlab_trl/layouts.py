"""Where a pair sits in each trainer's batch, and its sequence log-probabilities computed the way that trainer
computes them (its own helpers, on the rows of the batch it trains on, so padding and positions are the step's).

A layout has: `kind`, `pairs_in(batch)`, `pair(batch, i)` (the one-pair batch in the trainer's own format),
`logps(trainer, model, one)` → (logp_w, logp_l, len_w, len_l) with logp the summed log-probability of the
completion tokens (differentiable; len the number of tokens summed), `refs(trainer, one)` → (c_ref_w, c_ref_l), or None for a
loss without a reference model, and `z_ref(trainer, model, batch)`: the batch's reference point (KTO's), 0 elsewhere."""
import torch

from .errors import MarginlabTRLError


def masked_logps(model, one):
    """(logp_w, logp_l, len_w, len_l) of rows [chosen, rejected] with a completion_mask, as DPOTrainer (ld_alpha
    None) and KTOTrainer score them in _compute_loss: token t by the logits at t - 1, summed over the mask."""
    from trl.trainer.utils import selective_log_softmax
    logits = model(input_ids=one["input_ids"], attention_mask=one["attention_mask"], use_cache=False).logits
    per_token = selective_log_softmax(logits[:, :-1, :], one["input_ids"][:, 1:])
    mask = one["completion_mask"][:, 1:] != 0
    logp = torch.where(mask, per_token, torch.zeros_like(per_token)).sum(dim=1)
    lens = mask.sum(dim=1)
    return logp[0], logp[1], int(lens[0]), int(lens[1])


class PairedLayout:
    """Trainers whose batches hold pairs and whose loss has no batch reference point."""

    def z_ref(self, trainer, model, batch):
        return 0.0


class DPOLayout(PairedLayout):
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
        return masked_logps(model, one)

    def refs(self, trainer, one):
        if "ref_chosen_logps" in one:
            return float(one["ref_chosen_logps"][0]), float(one["ref_rejected_logps"][0])
        # The trainer's own reference pass: its ref_model, or the policy with its adapter disabled under PEFT.
        ref = trainer.ref_model if trainer.ref_model is not None else trainer.model
        w, l = trainer.compute_ref_log_probs(ref, one)
        return float(w[0]), float(l[0])


class CPOLayout(PairedLayout):
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


class KTOLayout:
    """KTOTrainer (trl/trainer/kto_trainer.py): unpaired rows, each with a label (desirable or not), input_ids with
    completion_mask as DPOTrainer's, and KL rows (each row's prompt with another row's completion) for the
    reference point. A pair is a desirable and an undesirable row of the same prompt in one batch: the rows are
    matched in batch order, and a batch without such rows has no pair to measure (the trainer still steps).
    TRL's unpairing writes a block's desirable rows, then its undesirable ones; with blocks of half a batch
    (unpair_preference_dataset(data, batch_size=per_device_train_batch_size // 2)) every batch holds its
    prompts' pairs, and TRL's KL rows (each row's prompt with the previous row's completion) stay mismatched.
    Blocks of one pair would also pair the rows, but half the KL rows would then be a prompt's own completion."""
    kind = "kto"

    def __init__(self):
        self._batch, self._pairs, self._ref = None, [], None

    def _matched(self, batch):
        if self._batch is not batch:
            ids, attn, comp, label = batch["input_ids"], batch["attention_mask"], batch["completion_mask"], batch["label"]
            prompt = [tuple(ids[r][(attn[r] != 0) & (comp[r] == 0)].tolist()) for r in range(ids.shape[0])]
            free = [r for r in range(ids.shape[0]) if not bool(label[r])]
            pairs = []
            for r in range(ids.shape[0]):
                if bool(label[r]):
                    j = next((u for u in free if prompt[u] == prompt[r]), None)
                    if j is not None:
                        free.remove(j)
                        pairs.append((r, j))
            self._batch, self._pairs, self._ref = batch, pairs, None
        return self._pairs

    def pairs_in(self, batch):
        return len(self._matched(batch))

    def pair(self, batch, i):
        w, l = self._matched(batch)[i]
        rows = torch.tensor([w, l], device=batch["input_ids"].device)
        # Its reference values come from the batch's one reference pass (_reference), so no KL rows are taken.
        one = {k: batch[k][rows] for k in ("input_ids", "attention_mask", "completion_mask", "label")}
        one["rows"] = (w, l)  # where the pair sits in the batch, for its reference values
        return one

    def logps(self, trainer, model, one):
        return masked_logps(model, one)

    def _reference(self, trainer):
        """The batch's reference log-probabilities (its rows, its KL rows) as _compute_loss takes them: precomputed,
        or one pass of the trainer's own compute_ref_log_probs over the whole batch (its ref_model, or the policy
        with its adapter disabled under PEFT), shared by every measured pair and the reference point."""
        if self._ref is None:
            b = self._batch
            if "ref_logps" in b:
                self._ref = (b["ref_logps"], b.get("ref_KL_logps"))
            else:
                ref = trainer.ref_model if trainer.ref_model is not None else trainer.model
                self._ref = trainer.compute_ref_log_probs(ref, b)
        return self._ref

    def refs(self, trainer, one):
        rows, _ = self._reference(trainer)
        w, l = one["rows"]
        return float(rows[w]), float(rows[l])

    def z_ref(self, trainer, model, batch):
        """TRL's kl for this batch, as _compute_loss computes it: mean(KL_logps − ref_KL_logps) over all the batch's
        KL rows, clamped at 0 (one process: multi-process runs are refused); 0 where the loss type has none."""
        if not trainer.calculate_KL:
            return 0.0
        self._matched(batch)
        kl = trainer._compute_kl_logps(model, batch)
        _, ref = self._reference(trainer)
        return max(float((kl - ref).mean()), 0.0)  # the trainer's own arithmetic: no cast, torch promotes


def layout_for(trainer):
    """The layout of this trainer's batches, or a coded refusal naming the setting that has no per-pair form."""
    names = [c.__name__ for c in type(trainer).__mro__]
    args = trainer.args
    if (getattr(args, "world_size", 1) or 1) > 1:
        # The trainers' loss code gathers its metrics (and KTO's kl) across processes; the callback measures on
        # one, so its stand-in's collective would wait for processes that never join it.
        raise MarginlabTRLError("E_UNSUPPORTED", f"a run over {args.world_size} processes: the trainer's loss code gathers across processes and "
                                "the callback measures on one", "TrainingArguments.world_size", hint="measure a single-process run")
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
    if "KTOTrainer" in names:
        for opt, bad, why in (("use_liger_kernel", bool, "the Liger loss fuses the output layer with the loss; it never sees sequence log-probabilities"),):
            if bad(getattr(args, opt, None)):
                raise MarginlabTRLError("E_UNSUPPORTED", why, f"KTOConfig.{opt}")
        if getattr(trainer, "aux_loss_enabled", False):
            raise MarginlabTRLError("E_UNSUPPORTED", "a router auxiliary loss (MoE) is not a per-pair loss", "model")
        if getattr(trainer, "_is_vision_dataset", False):
            raise MarginlabTRLError("E_UNSUPPORTED", "vision-language batches are not measured", "KTOTrainer(train_dataset=...)")
        return KTOLayout()
    # Trainers with a pair loss in the catalogue that the callback still cannot measure, each with the reason.
    why = {"ORPOTrainer": "ORPO's NLL is a mean over the prompt's tokens too, so its step also follows ∇logp(prompt), a third direction "
                          "besides ∇logp_w and ∇logp_l that conditions (9)/(10) and the pair's Gram entries do not see (trl/orpo derives its d_w, d_l)",
           "BCOTrainer": "BCO's reward shift δ is a running mean that each loss evaluation updates with its batch's rewards, and distribution "
                         "matching weighs rows by a classifier; measuring would move δ (trl/bco derives d_w, d_l at a given δ)"}
    for name, reason in why.items():
        if name in names:
            raise MarginlabTRLError("E_UNSUPPORTED", reason, "MarginlabCallback.bind(trainer)")
    raise MarginlabTRLError("E_UNSUPPORTED", f"{type(trainer).__name__} is not a DPOTrainer, CPOTrainer or KTOTrainer (nor a subclass of one)",
                            "MarginlabCallback.bind(trainer)")
