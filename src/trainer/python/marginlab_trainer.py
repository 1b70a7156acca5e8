#!/usr/bin/env python3
"""marginlab's reference trainer. It speaks the JSON-lines protocol of docs/trainer-protocol.md: one request
line on stdin, events on stdout (hello, task, sft, check, step, token_cosine, eval, heartbeat, done, error). It
trains the built-in tiny causal LM or a Hugging Face model on a sentiment task (or a JSONL file): supervised
fine-tuning on the chosen responses, then preference optimisation with the loss marginlab generated, against
the frozen SFT model as reference.

The rooms: ml_protocol (events, errors, signals), ml_request (the request and its defaults), ml_run (setup,
SFT, the step, held-out evaluation), ml_ranked (a run of a loss over K ranked responses), ml_measure (what a logged step measures), ml_trl (the same run with TRL's DPOTrainer taking the steps), ml_selftest and ml_bench (the
modes --eval, --selftest, --selftest-ghost, --bench and --bench-gram, one process each, for tests and benchmarks)."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ml_protocol  # noqa: E402 — imports no torch, so that E_NO_TORCH can be said in the protocol
import ml_request  # noqa: E402
from ml_protocol import emit, fail  # noqa: E402

try:
    import torch
    import ml_func  # noqa: F401 — torch.func (torch ≥ 2) or functorch (torch 1.13)
except Exception as e:  # noqa: BLE001 — any import failure means the same thing to the user
    fail("E_NO_TORCH", f"cannot import torch and its function transforms with {sys.executable}: {e}", 3,
         "on Debian: apt-get install -y --no-install-recommends python3-torch libopenblas0-pthread, "
         "then use --python /usr/bin/python3")

import ml_dist  # noqa: E402
import ml_run  # noqa: E402


def optional(name):
    try:
        __import__(name)
        return True
    except Exception:  # noqa: BLE001
        return False


def read_request():
    """Rank 0 reads and checks the request line; every rank gets the parsed Request."""
    obj = None
    if ml_dist.is_main():
        emit("hello", protocol=ml_protocol.PROTOCOL, trainer="marginlab-reference", torch=torch.__version__,
             cuda=torch.cuda.is_available(), transformers=optional("transformers"), peft=optional("peft"), pid=os.getpid(),
             world=ml_dist.STATE["world"])
        line = sys.stdin.readline()
        if not line.strip():
            fail("E_PROTOCOL", "no request line on stdin", 2)
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            fail("E_PROTOCOL", f"the request is not JSON: {e}", 2)
    try:
        return ml_request.parse(ml_dist.share_request(obj))
    except ml_request.RequestError as e:
        fail(e.code, e.message, e.exit_code)


def main(argv):
    if "--eval" in argv or "--selftest" in argv or "--selftest-ghost" in argv:
        import ml_selftest
        mode = ml_selftest.eval_mode if "--eval" in argv else ml_selftest.selftest_mode if "--selftest" in argv else ml_selftest.selftest_ghost_mode
        return mode()
    if "--selftest-ranked" in argv:
        import ml_ranked
        return ml_ranked.selftest()
    if "--bench" in argv:
        import ml_bench
        return ml_bench.run(argv)
    if "--bench-gram" in argv:
        import ml_bench_gram
        return ml_bench_gram.run(argv)
    ml_dist.init()
    ml_protocol.catch_signals()
    req = read_request()
    done = ml_protocol.start_heartbeat(req.heartbeat_s) if ml_dist.is_main() else None
    t0 = time.time()
    try:
        # A loss over K ranked responses (`responses` in the loss payload) has its own run (ml_ranked).
        if req.loss.get("responses"):
            import ml_ranked
            po_seconds = ml_ranked.train(req)
        elif req.engine == "trl":
            import ml_trl
            po_seconds = ml_trl.train(req)
        else:
            po_seconds = ml_run.train(req)
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001 — reported as an event, never a bare traceback on stdout
        import traceback
        traceback.print_exc(file=sys.stderr)
        code = "E_OOM" if "out of memory" in str(e).lower() else "E_TRAINER"
        fail(code, f"{type(e).__name__}: {e}", 1)
    ml_dist.finish()
    if done is not None:
        done.set()
    emit("done", seconds=time.time() - t0, world=ml_dist.STATE["world"], po_seconds=po_seconds, steps=req.steps)
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
