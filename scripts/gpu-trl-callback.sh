#!/usr/bin/env bash
# MarginlabCallback (python/marginlab_trl) inside TRL 1.13's DPOTrainer on a lent CUDA machine, one command (about
# 4 minutes, at most 8): the same run plain and with the callback (every = 10, pairs = 4), alternately, twice, on
# GPT-2 small (ml_hf.CONFIGS["gpt2-config"], full fine-tuning) and a ≈1B Llama config (Llama 3.2 1B's shape,
# ml_hf.CONFIGS["llama-1b-config"]) with LoRA r = 16 on the attention projections; random weights, float32 on CUDA.
# Time per optimiser step and peak memory, formatted like the other GPU files in docs/bench.
#
# On the GPU machine, in the repository root (python3 with torch >= 2 with CUDA, transformers, peft, trl 1.13,
# datasets; no network, no Node):
#     bash scripts/gpu-trl-callback.sh [--out FILE]       # default docs/bench/trl-callback-gpu.json (+ FILE.err)
# The dry run — the same code paths on the CPU at toy size, what the tests run:
#     bash scripts/gpu-trl-callback.sh --dry-run --out /tmp/x.json
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/bench/trl-callback-gpu.json
dry=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry=1 ;;
    --out) out="$2"; shift ;;
    *) echo "E_USAGE: unknown argument '$1' (takes --dry-run and --out FILE)" >&2; exit 2 ;;
  esac
  shift
done
py="${PYTHON:-python3}"
if ! "$py" -c 'import torch, transformers, peft, trl, datasets' 2>/dev/null; then
  echo "E_NO_TRANSFORMERS: $py cannot import torch, transformers, peft, trl and datasets; set PYTHON to one that can" >&2
  exit 3
fi
mkdir -p "$(dirname "$out")"
if [ -n "$dry" ]; then
  req='{"device": "cpu", "dtype": "float32", "reps": 1, "rows": [
    {"name": "gpt2-toy", "model": "gpt2", "config": {"n_embd": 32, "n_layer": 2, "n_head": 2, "n_positions": 64, "vocab_size": 256},
     "batch": 4, "prompt_words": 6, "completion_words": 6, "steps": 12, "warmup": 2, "every": 5, "pairs": 2},
    {"name": "llama-toy-lora", "model": "llama", "config": {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
     "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 256, "max_position_embeddings": 64},
     "lora_rank": 4, "batch": 4, "prompt_words": 6, "completion_words": 6, "steps": 12, "warmup": 2, "every": 5, "pairs": 2}]}'
  limit=300
else
  "$py" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' ||
    { echo "E_DEVICE: torch sees no CUDA device (--dry-run runs the CPU dry run)" >&2; exit 2; }
  req='{"device": "cuda", "dtype": "float32", "reps": 2, "rows": [
    {"name": "gpt2-small", "preset": "gpt2-config", "batch": 8, "prompt_words": 96, "completion_words": 96,
     "steps": 40, "warmup": 10, "every": 10, "pairs": 4},
    {"name": "llama-1b-lora16", "preset": "llama-1b-config", "lora_rank": 16, "batch": 8, "prompt_words": 96, "completion_words": 96,
     "steps": 40, "warmup": 10, "every": 10, "pairs": 4}]}'
  limit=470
fi
raw="$out.raw"
echo "$req" | timeout "$limit" "$py" test/bench/trl_callback_bench.py > "$raw" 2> "$out.err" ||
  { rc=$?; echo "E_BENCH: test/bench/trl_callback_bench.py exited $rc (log: $out.err)" >&2; tail -5 "$out.err" >&2; exit 1; }
"$py" - "$raw" "$out" "${dry:+dry run on the CPU, toy sizes}" <<'EOF'
import datetime, json, sys
m = json.load(open(sys.argv[1]))
what = sys.argv[3] or f"{m['gpu']} (lent device; model and measurements on CUDA)"
doc = {"schema": "marginlab/bench-trl-callback@1", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
       "machine": {"description": f"{what}, torch {m['torch']}", "torch": m["torch"], "torchThreads": m["threads"],
                   "transformers": m["transformers"], "trl": m["trl"]},
       "baseline": "the same DPOTrainer run without the callback (same model, data, seed, steps), alternated with it",
       "rows": [{**r, "target": 1.25} for r in m["rows"]]}
json.dump(doc, open(sys.argv[2], "w"), indent=2)
for r in doc["rows"]:
    print(f"{r['name']}: {r['params']} params ({r['trained_params']} trained): callback {r['callback_step_s']*1000:.1f} ms/step vs plain {r['plain_step_s']*1000:.1f} → {r['ratio']}×")
EOF
rm -f "$raw"
echo "wrote $out"
