"""`marginlab train --engine trl`: ml_run's run (the same data, model, supervised fine-tuning and frozen
reference) with its preference-optimisation loop handed to TRL's DPOTrainer, the loss marginlab generated in
place of TRL's loss_type terms, and marginlab_trl's MarginlabCallback measuring the logged steps.

What is TRL's here: the trainer loop, its data collator (right padding, the completion mask), the attention
mask, its optimiser and scheduler objects (plain SGD at a constant rate, no clipping, no weight decay, so that
the step is eq. (5)'s), its log-softmax over the shifted logits, and the callback's measurements through the
trainer's own compute_loss. What is marginlab's: the token ids (pairs arrive tokenised by marginlab's encoding,
as TRL's pre-tokenised columns), the reference log-probabilities (ref_chosen_logps, ref_rejected_logps: the
frozen SFT model's, c_ref — TRL's own precomputation would score the LoRA base model with its adapter off),
and which pairs each step draws (a sampler replaying ml_run.po_step's draws), so that both engines take the
same steps and test/trainer/trl-engine.test.ts can hold their trajectories together."""
import contextlib
import dataclasses
import os
import shutil
import sys
import tempfile
import time

import torch

import ml_dist
import ml_hf
import ml_run
import ml_tasks
from ml_measure import token_cosine
from ml_protocol import check_stop, emit, fail

# The callback's package beside the trainer in the repository (python/marginlab_trl), imported without pip.
PACKAGE = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "python", "marginlab_trl"))


def refusal(req):
    """What this engine cannot train (marginlab's client refuses the same before starting), or None."""
    if not req.model.is_hf:
        return "--model", "TRL trains a transformers model, not the built-in tiny LM", "use --model gpt2-config or a local model folder"
    if req.variant != "none":
        return "--variant", f"the variant {req.variant!r} edits marginlab's own step; TRL's step is the loss's gradient", "use --variant none"
    if req.measure.gram == "ghost":
        return "--gram", "the TRL engine measures each pair by its own autograd (marginlab_trl), not by ghost products", "use --gram auto or vmap"
    if req.predict != "conditions":
        return "--predict", "the TRL engine predicts by conditions (9)/(10) only", None
    if ml_dist.STATE["world"] > 1:
        return "torchrun", "the TRL engine runs one process", None
    return None


def imports():
    try:
        import datasets  # noqa: F401
        import trl
    except ImportError as e:
        fail("E_NO_TRANSFORMERS", f"--engine trl needs trl, datasets and transformers importable by {sys.executable}: {e}", 3,
             "use the venv scripts/test-all.sh makes (MARGINLAB_HF_PYTHON), or pip install trl")
    if PACKAGE not in sys.path:
        sys.path.insert(0, PACKAGE)
    return trl


def tokenizer(run):
    """The processing class DPOTrainer asks for. The pairs come tokenised, so it encodes nothing: it names the
    vocabulary and the padding token (id 0, marginlab's padding)."""
    if isinstance(run.vocab, ml_hf.TokenizerCodec):
        return run.vocab.tok
    from tokenizers import Tokenizer, models
    from transformers import PreTrainedTokenizerFast
    words = Tokenizer(models.WordLevel({w: i for i, w in enumerate(run.vocab.itos)}, unk_token=ml_tasks.PAD))
    return PreTrainedTokenizerFast(tokenizer_object=words, pad_token=ml_tasks.PAD, unk_token=ml_tasks.PAD, bos_token=ml_tasks.BOS)


def rows(run):
    """The training pairs as TRL's pre-tokenised columns, with marginlab's reference log-probabilities."""
    out = {"prompt_ids": [], "chosen_ids": [], "rejected_ids": [], "ref_chosen_logps": [], "ref_rejected_logps": []}
    for i in range(run.w.ids.shape[0]):
        sides = []
        for side in (run.w, run.l):
            ids, full = side.ids[i].tolist(), side.full[i].tolist()
            start = full.index(1)
            sides.append((ids[:start], [t for t, k in zip(ids, full) if k]))
        if sides[0][0] != sides[1][0]:
            fail("E_TASK", f"pair {i}: the chosen and rejected rows do not share their prompt tokens", 2)
        out["prompt_ids"].append(sides[0][0])
        out["chosen_ids"].append(sides[0][1])
        out["rejected_ids"].append(sides[1][1])
        out["ref_chosen_logps"].append(float(run.w.c_ref[i]))
        out["ref_rejected_logps"].append(float(run.l.c_ref[i]))
    return out


def draws(run, steps):
    """The pair indices of every step, drawn as ml_run.po_step draws them (from the run's generator after SFT)."""
    n = run.w.ids.shape[0]
    return [int(i) for _ in range(steps) for i in torch.randint(0, n, (run.batch_size,), generator=run.gen)]


def trainer_class():
    from trl import DPOTrainer
    from trl.trainer.dpo_trainer import DataCollatorForPreference
    from trl.trainer.utils import selective_log_softmax

    @dataclasses.dataclass
    class Collator(DataCollatorForPreference):
        """TRL's collator, with the reference log-probabilities kept in the run's dtype (TRL's make float32)."""
        dtype: torch.dtype = torch.float64

        def torch_call(self, examples):
            out = super().torch_call(examples)
            for k in ("ref_chosen_logps", "ref_rejected_logps"):
                out[k] = torch.tensor([e[k] for e in examples], dtype=self.dtype)
            return out

    class Replay(torch.utils.data.Sampler):
        def __init__(self, order):
            self.order = order

        def __iter__(self):
            return iter(self.order)

        def __len__(self):
            return len(self.order)

    class MarginlabDPOTrainer(DPOTrainer):
        """DPOTrainer whose loss is marginlab's generated loss_fn on TRL's own sequence log-probabilities; the
        batch loss is the mean over pairs, as ml_run's. Any marginlab loss of eq. (8)'s form trains unchanged."""

        def __init__(self, *args, loss_fn, loss_params, order, **kwargs):
            # Set before DPOTrainer.__init__, which prepares the dataset through the overrides below.
            self.ml_loss_fn, self.ml_params, self.ml_order = loss_fn, loss_params, order
            super().__init__(*args, **kwargs)

        def _prepare_dataset(self, dataset, *_args, **_kwargs):
            return dataset  # tokenised by marginlab's encoding already (the module docstring says why)

        def _precompute_ref_logps(self, dataset, *_args, **_kwargs):
            return dataset  # ref_*_logps are marginlab's c_ref, the frozen SFT model's

        def _get_train_sampler(self, *_args, **_kwargs):
            return Replay(self.ml_order)

        def _compute_loss(self, model, inputs, return_outputs):
            outputs = model(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"], use_cache=False)
            labels = inputs["input_ids"][:, 1:]
            counted = inputs["completion_mask"][:, 1:] != 0  # token t is scored by the logits at t − 1
            per_token = selective_log_softmax(outputs.logits[:, :-1, :], labels)
            logps = torch.where(counted, per_token, torch.zeros_like(per_token)).sum(dim=1)
            lens = counted.sum(dim=1).to(logps.dtype)
            lw, ll = logps.chunk(2, dim=0)  # the batch is [chosen rows; rejected rows]
            len_w, len_l = lens.chunk(2, dim=0)
            c_w = inputs["ref_chosen_logps"].to(lw)
            c_l = inputs["ref_rejected_logps"].to(ll)
            per_pair = self.ml_loss_fn(lw, ll, c_ref_w=c_w, c_ref_l=c_l, len_w=len_w, len_l=len_l,
                                       z_ref=torch.zeros_like(lw), params=self.ml_params) + torch.zeros_like(lw)
            loss = per_pair.mean()
            if not torch.isfinite(loss):
                fail("E_NON_FINITE", f"the loss is {loss.item()} at step {self.state.global_step}", 4,
                     "the loss left its domain (see `marginlab derive` for where it is defined)")
            mode = "train" if self.model.training else "eval"
            for k, v in (("logps/chosen", lw), ("logps/rejected", ll), ("logratio/margin", (lw - c_w) - (ll - c_l))):
                self._metrics[mode][k].append(float(v.detach().mean()))
            return (loss, outputs) if return_outputs else loss

    return MarginlabDPOTrainer, Collator


def config(req, out_dir):
    from trl import DPOConfig
    return DPOConfig(
        output_dir=out_dir, report_to="none", save_strategy="no", disable_tqdm=True, seed=req.seed,
        per_device_train_batch_size=req.batch_size, gradient_accumulation_steps=1, max_steps=req.steps,
        # eq. (5)'s step: θ ← θ − η∇L, nothing else.
        learning_rate=req.lr, optim="sgd", lr_scheduler_type="constant", warmup_steps=0, weight_decay=0.0, max_grad_norm=0.0,
        bf16=False, fp16=False, use_cpu=req.device == "cpu", disable_dropout=True, max_length=None,
        gradient_checkpointing=False, precompute_ref_log_probs=True, dataloader_num_workers=0, logging_steps=req.log_every)


def train(req):
    refused = refusal(req)
    if refused:
        slot, why, hint = refused
        fail("E_UNSUPPORTED", f"{slot}: {why}", 2, hint)
    trl = imports()
    from datasets import Dataset
    from transformers import PrinterCallback, ProgressCallback, TrainerCallback

    from marginlab_trl import MarginlabCallback

    # The callback measures each pair by autograd; ghost products or vmap rows of ml_meters are not used.
    run = ml_run.setup(dataclasses.replace(req, measure=dataclasses.replace(req.measure, gram="vmap")), engine=f"trl {trl.__version__}")
    cosines = req.measure.token_cosine
    if cosines:
        token_cosine(run, 0)
    ml_run.heldout_eval(run, 0)

    class Between(TrainerCallback):
        def on_step_begin(self, args, state, control, **kwargs):
            check_stop()

        def on_step_end(self, args, state, control, **kwargs):
            s = state.global_step
            if req.eval_every and s % req.eval_every == 0 and s < req.steps:
                ml_run.heldout_eval(run, s)

    Trainer, Collator = trainer_class()
    out_dir = tempfile.mkdtemp(prefix="marginlab-trl-")
    try:
        with contextlib.redirect_stdout(sys.stderr):  # whatever TRL or transformers print stays off the protocol
            trainer = Trainer(model=run.model.lm, args=config(req, out_dir), train_dataset=Dataset.from_dict(rows(run)),
                              processing_class=tokenizer(run), data_collator=Collator(pad_token_id=0, dtype=run.w.c_ref.dtype),
                              loss_fn=run.loss_fn, loss_params=run.params, order=draws(run, req.steps))
            for cb in (PrinterCallback, ProgressCallback):
                trainer.remove_callback(cb)
            MarginlabCallback(every=req.log_every, pairs=req.batch_size, emit=emit, last=True).bind(trainer)
            trainer.add_callback(Between())
            t0 = time.perf_counter()
            trainer.train()
            po_seconds = time.perf_counter() - t0
        # The Trainer hooks the embeddings to require grad (for checkpointing); the token cosine's vjp cannot trace that.
        lm = run.model.lm
        if getattr(lm, "_require_grads_hook", None) is not None:
            lm.disable_input_require_grads()
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    ml_run.heldout_eval(run, req.steps)
    if cosines:
        token_cosine(run, req.steps)
    return po_seconds
