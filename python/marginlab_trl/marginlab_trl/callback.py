"""MarginlabCallback: the paper's measurements inside a TRL run (DPOTrainer, the CPO trainer, KTOTrainer, subclasses).

    cb = MarginlabCallback(every=10, pairs=4, out="events.jsonl").bind(trainer)
    trainer.train()

Every `every` optimiser steps (steps 0, every, 2·every, …), before the step's first micro-batch is trained on,
the first `pairs` pairs of that micro-batch are measured: their sequence log-probabilities as the trainer
computes them, the Gram entries over the trained parameters (gram.py), d_w and d_l by autograd of the trainer's
own loss (weights.py), and the first-order change of one SGD step of size lr on that pair alone,
lr·(d_w‖a‖² − d_l⟨a,b⟩) and lr·(d_w⟨a,b⟩ − d_l‖b‖²), whose signs are conditions (9)/(10) with the sign of each
weight handled. After the optimiser step the same pairs are scored again: the observed change. Measuring
forwards run with the model in eval mode (no dropout), so before and after differ by the step alone."""
import time
import warnings

import torch
from transformers import Trainer, TrainerCallback

from .errors import MarginlabTRLError
from .events import EventWriter
from .gram import pair_gram, trained_parameters
from .layouts import layout_for
from .weights import weights

PREFIX = "marginlab/"


def sign(x):
    return 1 if x > 0 else -1 if x < 0 else 0


class MarginlabCallback(TrainerCallback):
    def __init__(self, every=10, pairs=4, out=None, emit=None, last=False):
        for name, v in (("every", every), ("pairs", pairs)):
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise MarginlabTRLError("E_USAGE", f"{name} must be a positive integer, not {v!r}", f"MarginlabCallback({name}=...)")
        self.every, self.pairs, self.out = every, pairs, out
        # emit(event, **fields): a sink for the step events instead of a file (marginlab's own TRL engine speaks
        # the protocol on its stdout); last: measure the final step too, as marginlab's trainer does.
        self.emit, self.last = emit, last
        self.trainer = self.layout = None
        self._pending = None
        self._writer = None
        self._measured = 0
        self.unpaired_steps = 0  # due steps whose (first micro-)batch held no pair (KTO)
        self._tried = None  # the last step whose first micro-batch was offered to measure_before
        self._t0 = None

    def bind(self, trainer):
        """Attach to `trainer` (a TrainerCallback is not given its trainer): checks that the trainer's loss has a
        per-pair form, registers the callback, and wraps trainer.training_step to see each step's batch."""
        self.layout = layout_for(trainer)
        self.trainer = trainer
        if self not in trainer.callback_handler.callbacks:
            trainer.add_callback(self)
        step = trainer.training_step

        def training_step(model, inputs, *args, **kwargs):
            # The first micro-batch of a due step, before its backward pass (gradient accumulation calls this
            # several times a step; the optimiser step comes after the last).
            # Only the first: a step whose first micro-batch holds no pair (KTO) is not measured on a later one.
            g = trainer.state.global_step
            due = g % self.every == 0 or (self.last and g == trainer.state.max_steps - 1)
            if due and self._tried != g and trainer.is_world_process_zero():
                self._tried = g
                self._pending = self.measure_before(model, inputs)
            return step(model, inputs, *args, **kwargs)

        trainer.training_step = training_step
        return self

    # -- measuring -------------------------------------------------------------------------------------------

    def _lr(self):
        sched = self.trainer.lr_scheduler
        if sched is not None:
            return float(sched.get_last_lr()[0])
        return float(self.trainer.args.learning_rate)

    def measure_before(self, model, inputs):
        t = time.perf_counter()
        tr, lay = self.trainer, self.layout
        net = tr.accelerator.unwrap_model(model)
        batch = tr._prepare_inputs(inputs)
        n = min(self.pairs, lay.pairs_in(batch))
        if n == 0:
            # KTO: no desirable and undesirable row of one prompt in this batch (layouts.KTOLayout says how to
            # keep them together). Nothing to measure; said once, and counted.
            self.unpaired_steps += 1
            if self.unpaired_steps == 1:
                warnings.warn(f"MarginlabCallback: step {tr.state.global_step}'s batch holds no desirable and undesirable row of the same prompt, "
                              "so no pair was measured; unpair the data in blocks of half a batch (unpair_preference_dataset(data, "
                              "batch_size=per_device_train_batch_size // 2)) to keep each prompt's rows in one batch")
            return None
        params = trained_parameters(net)
        was_training = net.training
        net.eval()
        pairs, subs = [], []
        try:
            with torch.no_grad():
                z_ref = lay.z_ref(tr, net, batch)  # KTO's batch reference point; 0 for the paired trainers
            for i in range(n):
                one = lay.pair(batch, i)
                with torch.enable_grad():
                    lw, ll, len_w, len_l = lay.logps(tr, net, one)
                    g = pair_gram(lw, ll, params)
                # No reference model (CPO): c_ref = logp, "the policy at its reference", as marginlab defaults it.
                c_w, c_l = lay.refs(tr, one) or (float(lw), float(ll))
                pairs.append({"logp_w": float(lw), "logp_l": float(ll), "c_ref_w": c_w, "c_ref_l": c_l,
                              "len_w": len_w, "len_l": len_l, "z_ref": z_ref, **g})
                subs.append(one)
        finally:
            net.train(was_training)
        ws, loss = weights(tr, lay.kind, pairs)
        lr = self._lr()
        for p, w in zip(pairs, ws):
            p.update(w)
            # Eq. (5) to first order for one SGD step on this pair: the prediction is for the gradient direction.
            p["fo_dlogp_w"] = lr * (p["dW"] * p["norm_w2"] - p["dL"] * p["inner_wl"])
            p["fo_dlogp_l"] = lr * (p["dW"] * p["inner_wl"] - p["dL"] * p["norm_l2"])
            p["pred_dlogp_w_sign"], p["pred_dlogp_l_sign"] = sign(p["fo_dlogp_w"]), sign(p["fo_dlogp_l"])
        return {"step": tr.state.global_step, "pairs": pairs, "subs": subs, "loss": loss, "lr": lr,
                "seconds": time.perf_counter() - t}

    def measure_after(self, rec):
        t = time.perf_counter()
        tr, lay = self.trainer, self.layout
        net = tr.accelerator.unwrap_model(tr.model)
        was_training = net.training
        net.eval()
        try:
            with torch.no_grad():
                for p, one in zip(rec["pairs"], rec["subs"]):
                    lw, ll, _, _ = lay.logps(tr, net, one)
                    p["obs_dlogp_w"], p["obs_dlogp_l"] = float(lw) - p["logp_w"], float(ll) - p["logp_l"]
        finally:
            net.train(was_training)
        rec["seconds"] += time.perf_counter() - t

    # -- reporting -------------------------------------------------------------------------------------------

    @staticmethod
    def logs_of(rec):
        ps = rec["pairs"]
        mean = lambda k: sum(float(p[k]) for p in ps) / len(ps)  # noqa: E731
        agree = lambda p: all(o == 0 or sign(o) == s for o, s in ((p["obs_dlogp_w"], p["pred_dlogp_w_sign"]), (p["obs_dlogp_l"], p["pred_dlogp_l_sign"])))  # noqa: E731
        logs = {PREFIX + k: mean(k) for k in ("logp_w", "logp_l", "dW", "dL", "dW_batch", "dL_batch", "inner_wl", "norm_w2",
                                              "norm_l2", "cos_wl", "fo_dlogp_w", "fo_dlogp_l", "obs_dlogp_w", "obs_dlogp_l")}
        logs[PREFIX + "agree_rate"] = sum(1 for p in ps if agree(p)) / len(ps)
        logs[PREFIX + "pairs"] = len(ps)
        logs[PREFIX + "seconds"] = rec["seconds"]
        return logs

    def on_train_begin(self, args, state, control, **kwargs):
        if self.trainer is None:
            raise MarginlabTRLError("E_NOT_BOUND", "the callback was given to a trainer but not bound to it", "MarginlabCallback",
                                    hint="MarginlabCallback(...).bind(trainer) before trainer.train()")
        self._t0 = time.time()
        if self.out and self.trainer.is_world_process_zero():
            import trl
            net = self.trainer.accelerator.unwrap_model(self.trainer.model)
            self._writer = EventWriter(self.out)
            self._writer.write_config(self.trainer.args)
            self._writer.emit("hello", protocol=1, trainer=f"marginlab_trl in {type(self.trainer).__name__} (trl {trl.__version__})")
            data = self.trainer.train_dataset
            pairs = len(data) if data is not None and hasattr(data, "__len__") else 0
            if self.layout.kind == "kto" and pairs:
                pairs = sum(1 for x in data["label"] if x)  # unpaired rows: the desirable ones, each a pair at most
            self._writer.emit("task", pairs=pairs,
                              vocab=int(getattr(net.config, "vocab_size", 0) or 0), seq_len=int(getattr(args, "max_length", None) or 0),
                              params=sum(p.numel() for p in trained_parameters(net)))

    def on_step_end(self, args, state, control, **kwargs):
        rec, self._pending = self._pending, None
        if rec is None:
            return
        self.measure_after(rec)
        self._measured += 1
        sink = self.emit or (self._writer.emit if self._writer else None)
        if sink:
            pairs = [{k: v for k, v in p.items()} for p in rec["pairs"]]
            sink("step", step=rec["step"], loss=rec["loss"], pairs=pairs, lr=rec["lr"])
        # transformers' Trainer.log: trainer_state.json's log_history and every configured reporter (TensorBoard,
        # W&B, …) through on_log. Not the TRL override, which would empty the trainer's running means into this row.
        # on_log clears control.should_log, which the flow callback has just set for the trainer's own row of
        # this step: kept, so that row is still written.
        should_log = control.should_log
        Trainer.log(self.trainer, self.logs_of(rec))
        control.should_log = self.trainer.control.should_log = should_log

    def on_train_end(self, args, state, control, **kwargs):
        if self._writer:
            self._writer.emit("done", seconds=time.time() - self._t0, steps=self._measured)
            self._writer.close()
            self._writer = None
