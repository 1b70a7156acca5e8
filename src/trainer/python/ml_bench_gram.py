"""Timings and peak memory for test/bench/trainer.bench.ts (`marginlab_trainer.py --bench-gram`, a request on
stdin; the result is the last stdout line): the per-pair Gram of a training step by ghost products (ml_ghost)
against vmap's per-example gradients and the batch-1 loop (two backward passes per pair), on GPT-2-config
models growing in width and depth, all in one process, each against a plain training step of the same model.

A *Gram step* is a training step that also yields every pair's ⟨a_i, b_i⟩, ‖a_i‖², ‖b_i‖² (the issue's
"measured step"); a *logged step* is the trainer's whole measured step (ml_run.po_step with logged=True: the
Gram, the single-pair probe of every pair, CHES, the change after the step). Peak memory is the step's own:
the rise of the process's peak resident set (CPU; VmHWM, reset before each step) or of CUDA's peak allocation
over what was resident before the step (the model, its data); `resident_mb` is that base."""
import ctypes
import gc
import json
import sys
import time

import torch

import ml_func
import ml_ghost
import ml_hf
import ml_loss
import ml_measure
import ml_meters
import ml_request
import ml_run
from ml_bench import sync
from ml_measure import pair_gram

MB = 1 << 20


def _status(field):
    """A size from /proc/self/status in bytes: VmRSS (resident now) or VmHWM (its peak since the last reset)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    return 0


def _trim():
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # freed heap back to the system, so the base is what is live
    except OSError:
        pass


def timed(fn, device):
    """(wall seconds, CPU seconds, MB the call raised the peak above what was resident when it started) of one
    call. The process's CPU time (user + system, all its threads) is what the call itself cost; on shared cores
    the wall time also holds the neighbours' share, so both are reported. CPU time is only a clean measure with
    one torch thread: with two, a thread whose sibling a neighbour has descheduled spins at OpenMP's barrier,
    and that spinning is counted as the step's own (on this 2-core machine under load 2–5, one plain step of
    gpt2-d512-l4 took 1.6–5.6 s of user time with two threads, 1.3–1.6 s with one)."""
    _trim()
    if device.type == "cuda":
        sync()
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
    else:
        with open("/proc/self/clear_refs", "w") as f:  # resets VmHWM to the current RSS (Linux ≥ 4.0)
            f.write("5")
        base = _status("VmRSS")
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    sync()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    top = torch.cuda.max_memory_allocated() if device.type == "cuda" else _status("VmHWM")
    return seconds, cpu, (top - base) / MB


def guarded(row, key, fn):
    """fn(), or None with the out-of-memory it ran into said in row[key_failed] (on a GPU the device's limit is a
    result, not a crash)."""
    if f"{key}_failed" in row:
        return None
    try:
        return fn()
    except (torch.cuda.OutOfMemoryError, MemoryError) as e:
        row[f"{key}_failed"] = f"out of memory: {str(e).splitlines()[0][:160]}"
        _trim()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
        return None


def measure(row, key, fn, device):
    """One call: row[key_s] and row[key_cpu_s] keep the best wall and CPU time over calls, row[key_mb] the
    largest peak; row[key_cpu_all_s] every call's CPU time, so that the spread is there to see."""
    got = guarded(row, key, lambda: timed(fn, device))
    if got is not None:
        row[f"{key}_s"] = min(got[0], row.get(f"{key}_s", got[0]))
        row[f"{key}_cpu_s"] = min(got[1], row.get(f"{key}_cpu_s", got[1]))
        row.setdefault(f"{key}_cpu_all_s", []).append(round(got[1], 4))
        row[f"{key}_mb"] = max(got[2], row.get(f"{key}_mb", got[2]))


def resident(device):
    _trim()
    return (torch.cuda.memory_allocated() if device.type == "cuda" else _status("VmRSS")) / MB


def batch(run, s):
    g = torch.Generator().manual_seed(1000 + s)
    idx = torch.randint(0, run.w.ids.shape[0], (run.batch_size,), generator=g).to(run.device)
    return run.w.take(idx), run.l.take(idx)


def step_from(run, halves, dw, dl):
    """The plain SGD step θ ← θ + lr(G_w − G_l) from the halves (what po_step does for variant none)."""
    gw, gl = halves(dw, dl)
    ml_run.apply_step(ml_func.trained(run.model)[1], run.lr, gw - gl)


def weights(run, lw, ll, bw, bl):
    ctx = {"logp_w": lw, "logp_l": ll, "c_ref_w": bw.c_ref, "c_ref_l": bl.c_ref, "len_w": bw.length,
           "len_l": bl.length, "z_ref": torch.zeros_like(lw)}
    _, dw, dl = ml_loss.weights(run.loss_fn, run.params, ctx)
    return dw, dl


def gram_step(run, method, s=0, apply=True):
    """A training step that also returns the per-pair Gram entries, by `method` (apply=False: the entries alone,
    θ untouched, for the agreement check at one θ)."""
    bw, bl = batch(run, s)
    B = bw.ids.shape[0]
    if method == "ghost":
        m = ml_meters.GhostStep(run, bw, bl)
        with torch.no_grad():
            entries = ml_ghost.pair_entries(m.rec)
        lw, ll, halves = m.logp_w, m.logp_l, m.halves
    elif method == "vmap":
        m = ml_meters.VmapStep(run, bw, bl)
        entries, lw, ll, halves = pair_gram(m.G, B), m.logp_w, m.logp_l, m.halves
    else:  # the batch-1 loop: one backward per sequence, as in the paper's own code
        fun = run.fun
        G = fun.per_example_grads_loop(fun.params(run.model), torch.cat([bw.ids, bl.ids]), torch.cat([bw.mask, bl.mask]))
        with torch.no_grad():
            lw, ll = ml_run.seq_logps(run.model, bw.ids, bw.mask), ml_run.seq_logps(run.model, bl.ids, bl.mask)
        entries = pair_gram(G, B)
        halves = lambda a, b: ((a[:, None] * G[:B]).mean(0), (b[:, None] * G[B:]).mean(0))  # noqa: E731
    if apply:
        step_from(run, halves, *weights(run, lw, ll, bw, bl))
    return entries


def logged_step(run, method, s=0):
    run.gram = method
    return ml_run.po_step(run, s, True)


def model_name(spec):
    """The ml_hf config a row measures: a named one, or GPT-2 / Llama at another width and depth (64-wide heads;
    Llama with a quarter as many key-value heads and a SwiGLU of 4× the width)."""
    kind = spec["model"]
    if kind not in ("gpt2", "llama"):
        return kind
    w, d, heads = spec["width"], spec["depth"], max(1, spec["width"] // 64)
    name = f"{kind}-d{w}-l{d}" + (f"-v{spec['vocab']}" if "vocab" in spec else "")
    shape = ({"n_embd": w, "n_layer": d, "n_head": heads} if kind == "gpt2" else
             {"hidden_size": w, "num_hidden_layers": d, "num_attention_heads": heads, "intermediate_size": 4 * w,
              "num_key_value_heads": max(1, heads // 4), "max_position_embeddings": 256})
    ml_hf.CONFIGS[name] = (kind, {**shape, **({"vocab_size": spec["vocab"]} if "vocab" in spec else {})})  # vocab: tests' toy rows
    return name


def size_row(raw, spec, reps, budget_mb):
    name = model_name(spec)
    req = ml_request.parse({**raw, "batch_size": int(spec.get("pairs", raw.get("batch_size", 8))),
                            "model": {"kind": "hf", "name_or_path": name, "lora_rank": int(spec.get("lora_rank", 0))},
                            "measure": {"gram": "ghost", "token_cosine": False}})
    run = ml_run.setup(req)
    dev = run.device
    P = sum(p.numel() for p in ml_func.trained(run.model)[1])
    row = {**spec, "name": name, "trained": P, "params": sum(p.numel() for p in run.model.parameters()),
           "pairs": run.batch_size, "seq_len": int(run.w.ids.shape[1]), "resident_mb": resident(dev)}
    # vmap and the loop hold [2B, P] per-example gradients; where that alone passes the budget the row says so
    # instead of running them (on a GPU an out-of-memory is caught and said as well).
    row["rows_need_mb"] = 2 * run.batch_size * P * next(run.model.parameters()).element_size() / MB
    entries = {m: guarded(row, m, lambda m=m: gram_step(run, m, apply=False)) for m in ("ghost", "vmap", "loop")
               if m == "ghost" or row["rows_need_mb"] <= budget_mb}
    entries = {m: e for m, e in entries.items() if e is not None}
    for m, e in entries.items():
        if m != "ghost":
            row[f"{m}_max_rel_err"] = max(float(((a - b).abs() / b.abs().clamp_min(1e-30)).max()) for a, b in zip(e, entries["ghost"]))
    plain = lambda: ml_run.po_step(run, 0, False)  # noqa: E731
    plain()  # warm-up (the others were warmed by the agreement check)
    # Interleaved, one call of each per round, so that a neighbour's burst on shared cores hits every method alike.
    methods = [m for m in ("ghost", "vmap", "loop") if m in entries]
    for _ in range(reps):
        measure(row, "plain", plain, dev)
        for m in methods:
            measure(row, m, lambda m=m: gram_step(run, m), dev)
    for m in ("ghost", "vmap"):
        if m in entries:
            guarded(row, f"logged_{m}", lambda m=m: logged_step(run, m))  # warm-up
            measure(row, f"logged_{m}", lambda m=m: logged_step(run, m), dev)
    # Figure 4b for the run's first pair: ghost products of per-token signals vs today's vjp + vmap, whose [T, P]
    # rows per response are held at once (guarded by the same budget).
    ids_w, mask_w, ids_l, mask_l = run.w.ids[0], run.w.full[0], run.l.ids[0], run.l.full[0]
    row["token_rows_need_mb"] = int(mask_w.sum() + mask_l.sum()) * P * next(run.model.parameters()).element_size() / MB
    token = {"ghost": lambda: ml_measure.ghost_token_cosine(run.plan, run.model, ids_w, mask_w, ids_l, mask_l)[0],
             "vmap": lambda: run.fun.token_cosine(run.fun.params(run.model), ids_w, mask_w, ids_l, mask_l)[0]}
    if row["token_rows_need_mb"] > budget_mb:
        row["token_vmap_skipped"] = f"its [T, P] rows need {row['token_rows_need_mb']:.0f} MB, over the {budget_mb:.0f} MB budget"
        del token["vmap"]
    cos = {m: guarded(row, f"token_{m}", f) for m, f in token.items()}  # warm-up and the agreement
    for m, f in token.items():
        measure(row, f"token_{m}", f, dev)
    if all(c is not None for c in cos.values()) and len(cos) == 2:
        row["token_max_abs_err"] = float((cos["ghost"] - cos["vmap"]).abs().max())
    for m in ("vmap", "loop"):
        if m not in entries:
            row[f"{m}_skipped"] = f"its [2B, P] gradient rows alone need {row['rows_need_mb']:.0f} MB, over the {budget_mb:.0f} MB budget"
    del run
    _trim()
    return row


DEFAULT_ROWS = [{"model": "gpt2", "width": w, "depth": d} for w, d in ((128, 2), (256, 4), (512, 4), (768, 4), (768, 12))]


def run(argv):
    raw = json.loads(sys.stdin.readline())
    saved = sys.stdout
    sys.stdout = sys.stderr  # setup's events are not the result
    try:
        torch.set_num_threads(int(raw.get("threads", torch.get_num_threads())))
        reps = int(raw.get("bench_reps", 3))
        budget = float(raw.get("bench_budget_mb", 4000))
        rows = []
        for spec in raw.get("bench_rows", DEFAULT_ROWS):
            rows.append(size_row(raw, spec, reps, budget))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "dtype": raw.get("dtype"),
               "device": raw.get("device", "cpu"), "budget_mb": budget, "rows": rows,
               **({"gpu": torch.cuda.get_device_name(0)} if torch.cuda.is_available() else {})}
    finally:
        sys.stdout = saved
    print(json.dumps(out))
