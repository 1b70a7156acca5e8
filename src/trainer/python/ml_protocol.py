"""The reference trainer's side of the JSON-lines protocol (docs/trainer-protocol.md): one event object per
stdout line, every failure a coded `error` event followed by a non-zero exit (never a bare traceback on
stdout), heartbeats, and SIGINT/SIGTERM turned into E_INTERRUPTED at the next safe point. It imports no torch,
so that a Python without torch can still say E_NO_TORCH in the protocol."""
import json
import os
import signal
import sys
import threading
import time

PROTOCOL = 1

_lock = threading.Lock()
# The protocol's stream is the stdout the process started with: a library that prints while it trains (the
# TRL engine sends transformers' output to stderr) cannot move it.
_OUT = sys.stdout
_stop = {"signal": None}


def rank():
    """This process's rank. ml_dist holds it (set under torchrun); before ml_dist is imported — which needs
    torch — there is only the one process, rank 0."""
    dist = sys.modules.get("ml_dist")
    return dist.STATE["rank"] if dist is not None else 0


def emit(event, **fields):
    r = rank()
    if r != 0:  # under torchrun only rank 0 speaks the protocol (ml_dist)
        if event == "error":
            sys.stderr.write(f"rank {r}: {fields.get('code')}: {fields.get('message')}\n")
        return
    line = json.dumps({"v": PROTOCOL, "event": event, **fields}, allow_nan=True)
    with _lock:
        _OUT.write(line + "\n")
        _OUT.flush()


def fail(code, message, exit_code=1, hint=None):
    fields = {"code": code, "message": message}
    if hint:
        fields["hint"] = hint
    emit("error", **fields)
    _OUT.flush()
    os._exit(exit_code)  # the heartbeat thread must not keep us alive


def floats(t):
    """A tensor as a list of Python floats (one transfer from the device, not one per entry)."""
    return [float(x) for x in t.detach().cpu().tolist()]


def _on_signal(signum, _frame):
    _stop["signal"] = signum


def catch_signals():
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)


def check_stop():
    """Called between steps: a signal received since is E_INTERRUPTED, exit 128 + signal."""
    sig = _stop["signal"]
    if sig:
        fail("E_INTERRUPTED", f"stopped by signal {sig}", 128 + int(sig))


def start_heartbeat(every):
    """A daemon thread emitting `heartbeat` every `every` seconds until the returned event is set."""
    done = threading.Event()

    def beat():
        while not done.wait(every):
            emit("heartbeat", t=time.time())
    threading.Thread(target=beat, daemon=True).start()
    return done
