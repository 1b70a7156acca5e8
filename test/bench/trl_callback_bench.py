"""Overhead of MarginlabCallback on a TRL DPOTrainer (or KTOTrainer: "trainer": "kto") run: the same run (model, data, seed, steps) trained plain
and with the callback bound (every, pairs), alternately `reps` times; each run's time per optimiser step is
the sum of its step times (on_step_begin → on_step_end, the callback's measurements included) over its steps
after the first `warmup`, divided by their number. Medians over the reps; ratio = callback / plain.

Reads {"device", "dtype", "reps", "rows": [{"name", "model": "gpt2"|"llama", "config": {...} | "preset",
"lora_rank", "batch", "prompt_words", "completion_words", "steps", "warmup", "every", "pairs"}]} on stdin;
prints one JSON object. Models are random from a config (no hub); the tokenizer is word-level over a few words,
the model's vocabulary whatever its config says. Used by test/bench/trl-callback.bench.ts (CPU) and
scripts/gpu-trl-callback.sh (CUDA)."""
import contextlib
import json
import os
import statistics
import sys
import time
import warnings

warnings.filterwarnings("ignore")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ["HF_HUB_OFFLINE"] = "1"
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python", "marginlab_trl"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "src", "trainer", "python"))

import torch  # noqa: E402
from datasets import Dataset  # noqa: E402
from tokenizers import Tokenizer, models, pre_tokenizers  # noqa: E402
from transformers import PreTrainedTokenizerFast, TrainerCallback  # noqa: E402

from marginlab_trl import MarginlabCallback  # noqa: E402

WORDS = ["<unk>", "<pad>", "<bos>"] + [f"w{i}" for i in range(40)]


class StepTimer(TrainerCallback):
    """Added after the marginlab callback, so its on_step_end comes after the measurement's."""

    def __init__(self):
        self.times, self._t = [], None

    def on_step_begin(self, args, state, control, **kw):
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        self._t = time.perf_counter()

    def on_step_end(self, args, state, control, **kw):
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        self.times.append(time.perf_counter() - self._t)


def tokenizer():
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", pad_token="<pad>", bos_token="<bos>", eos_token="<bos>")


def data(row, n):
    g = torch.Generator().manual_seed(1)
    words = lambda k: " ".join(WORDS[3 + int(i)] for i in torch.randint(0, 40, (k,), generator=g))  # noqa: E731
    pw, cw = row["prompt_words"], row["completion_words"]
    return Dataset.from_dict({"prompt": [words(pw) for _ in range(n)], "chosen": [" " + words(cw) for _ in range(n)],
                              "rejected": [" " + words(cw) for _ in range(n)]})


def model_of(row, device, dtype):
    from transformers import AutoConfig, AutoModelForCausalLM
    import ml_hf  # the trainer's named shapes (llama-1b-config: Llama 3.2 1B's), one place for them
    kind, shape = ml_hf.CONFIGS[row["preset"]] if "preset" in row else (row["model"], {})
    cfg = AutoConfig.for_model(kind, **{**shape, **row.get("config", {}), "bos_token_id": 2, "eos_token_id": 2, "pad_token_id": 1})
    torch.manual_seed(0)
    return AutoModelForCausalLM.from_config(cfg, torch_dtype=dtype).to(device), cfg


def one_run(row, device, dtype, with_callback, out):
    from trl import DPOConfig, DPOTrainer, KTOConfig, KTOTrainer
    from trl.data_utils import unpair_preference_dataset
    kto = row.get("trainer") == "kto"
    model, cfg = model_of(row, device, dtype)
    peft = None
    if row.get("lora_rank"):
        from peft import LoraConfig
        targets = ["c_attn"] if cfg.model_type == "gpt2" else ["q_proj", "k_proj", "v_proj", "o_proj"]
        peft = LoraConfig(r=row["lora_rank"], lora_alpha=2 * row["lora_rank"], target_modules=targets, lora_dropout=0.0,
                          fan_in_fan_out=cfg.model_type == "gpt2")
    ref = None
    if peft is None:
        ref, _ = model_of(row, device, dtype)
    Config, Trainer = (KTOConfig, KTOTrainer) if kto else (DPOConfig, DPOTrainer)
    args = Config(output_dir=out, report_to="none", per_device_train_batch_size=row["batch"], max_steps=row["steps"],
                  use_cpu=device == "cpu", save_strategy="no", logging_steps=10 ** 6, learning_rate=1e-5, seed=0,
                  disable_tqdm=True, bf16=False, fp16=False)
    # KTO trains rows: a batch is half its pairs' desirable rows, then their undesirable ones (docs/trl.md).
    pairs = data(row, row["batch"] * row["steps"] // (2 if kto else 1))
    rows = unpair_preference_dataset(pairs, batch_size=row["batch"] // 2) if kto else pairs
    trainer = Trainer(model=model, ref_model=ref, args=args, train_dataset=rows, processing_class=tokenizer(), peft_config=peft)
    if with_callback:
        MarginlabCallback(every=row["every"], pairs=row["pairs"]).bind(trainer)
    timer = StepTimer()
    trainer.add_callback(timer)
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
    trainer.train()
    kept = timer.times[row["warmup"]:]
    peak = torch.cuda.max_memory_allocated() / 2 ** 20 if torch.cuda.is_available() else None
    trained = sum(p.numel() for p in trainer.model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in trainer.model.parameters())
    del trainer, model, ref
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
    return sum(kept) / len(kept), peak, trained, total


def bench_row(row, device, dtype, reps, out):
    plain, cb, peaks = [], [], {"plain": None, "callback": None}
    for _ in range(reps):
        s, p, trained, total = one_run(row, device, dtype, False, out)
        plain.append(s)
        peaks["plain"] = p
        s, p, _, _ = one_run(row, device, dtype, True, out)
        cb.append(s)
        peaks["callback"] = p
    mp, mc = statistics.median(plain), statistics.median(cb)
    return {"name": row["name"], "trainer": row.get("trainer", "dpo"), "params": total, "trained_params": trained, "lora_rank": row.get("lora_rank", 0),
            "batch": row["batch"], "steps": row["steps"], "warmup": row["warmup"], "every": row["every"], "pairs": row["pairs"],
            "plain_step_s": mp, "callback_step_s": mc, "ratio": round(mc / mp, 3), "plain_runs_s": plain, "callback_runs_s": cb,
            "peak_mib_plain": peaks["plain"], "peak_mib_callback": peaks["callback"]}


def main():
    req = json.load(sys.stdin)
    device = req.get("device", "cpu")
    dtype = getattr(torch, req.get("dtype", "float32"))
    import tempfile
    out = tempfile.mkdtemp(prefix="marginlab-trl-bench-")
    with contextlib.redirect_stdout(sys.stderr):  # the trainer prints its rows; stdout is this file's answer
        rows = [bench_row(r, device, dtype, req.get("reps", 3), out) for r in req["rows"]]
    import transformers
    import trl
    json.dump({"torch": torch.__version__, "transformers": transformers.__version__, "trl": trl.__version__,
               "threads": torch.get_num_threads(), "device": device, "dtype": str(dtype),
               "gpu": torch.cuda.get_device_name(0) if device == "cuda" else None, "rows": rows}, sys.stdout)


if __name__ == "__main__":
    main()
