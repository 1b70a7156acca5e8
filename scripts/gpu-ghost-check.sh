#!/usr/bin/env bash
# The GPU check of issue 20, one command for a lent CUDA machine (about 5 minutes, at most 8): ghost products
# (ml_ghost) against vmap's per-example gradients and the batch-1 loop on a ≈1B Llama-config model (Llama 3.2 1B's
# shape, random weights: ml_hf.CONFIGS["llama-1b-config"]), LoRA r = 64 and full fine-tuning, 8 and 16 pairs of the
# long-suffix task, float32 on CUDA — time and peak memory of a Gram step and of the trainer's logged step against a
# plain step, and the agreement of the three methods. An out-of-memory (vmap's [2B, P] rows on the full model) is
# caught and recorded as the result it is.
#
# On the GPU machine, in the repository root (needs python3 with torch >= 2 with CUDA, transformers and peft; no
# network, no Node):
#     bash scripts/gpu-ghost-check.sh "$OUT"            # writes $OUT/gpu-ghost.json (+ .err, the log)
# Back here, formatted like this machine's run (docs/bench/trainer-gram-h200.json and its memory plot):
#     MARGINLAB_BENCH_FROM=gpu-ghost.json MARGINLAB_BENCH_MACHINE='H200, CUDA, float32' \
#       MARGINLAB_BENCH_OUT=docs/bench/trainer-gram-h200.json npx tsx test/bench/trainer-gram.bench.ts
# A dry run on a CPU (the same code paths at toy size; 4 minutes on 2 shared cores): GHOST_CHECK_DRY=1 bash scripts/gpu-ghost-check.sh /tmp/x
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-${OUT:-.}}"
py="${PYTHON:-python3}"
mkdir -p "$out"
req=test/bench/gpu-ghost.request.json  # written by `npx tsx test/bench/gram-request.ts`; a test keeps it current

if ! "$py" -c 'import torch, transformers, peft' 2>/dev/null; then
  echo "E_NO_TRANSFORMERS: $py cannot import torch, transformers and peft; set PYTHON to one that can" >&2
  exit 3
fi
if [ -n "${GHOST_CHECK_DRY:-}" ]; then
  # The same request on the CPU, with models a CPU runs in seconds: Llama and GPT-2 at width 64, LoRA and full.
  "$py" - "$req" > "$out/gpu-ghost.request.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
r.update(device="cpu", bench_reps=1, bench_budget_mb=2000,
         bench_rows=[{"model": "llama", "width": 64, "depth": 2, "lora_rank": 64, "pairs": 8},
                     {"model": "llama", "width": 64, "depth": 2, "lora_rank": 0, "pairs": 16}])
print(json.dumps(r))
EOF
  req="$out/gpu-ghost.request.json"
else
  "$py" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' ||
    { echo "E_DEVICE: torch sees no CUDA device (GHOST_CHECK_DRY=1 runs the CPU dry run)" >&2; exit 2; }
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader >&2 || true
fi
"$py" -c 'import torch, transformers, peft; print("torch", torch.__version__, "transformers", transformers.__version__, "peft", peft.__version__)' >&2
start=$(date +%s)
# 450 s for the bench itself, so that the whole check (checks above, the machine's own start aside) stays under
# 8 minutes. Should it run out, the rows that finished are still in the log (each is printed as it finishes) and
# are listed below; the exit status says it ran out (124).
rc=0
PYTHONUNBUFFERED=1 timeout 450 "$py" src/trainer/python/marginlab_trainer.py --bench-gram < "$req" \
  > "$out/gpu-ghost.out" 2> "$out/gpu-ghost.err" || rc=$?
if [ "$rc" -eq 0 ]; then tail -n 1 "$out/gpu-ghost.out" > "$out/gpu-ghost.json"; fi
echo "gpu-ghost-check: exit $rc after $(( $(date +%s) - start )) s; rows as they finished:" >&2
grep '^{"model"' "$out/gpu-ghost.err" >&2 || true
[ "$rc" -eq 0 ] || tail -n 20 "$out/gpu-ghost.err" >&2
exit "$rc"
