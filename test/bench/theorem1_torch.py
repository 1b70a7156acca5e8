#!/usr/bin/python3
"""PyTorch autograd peer for test/bench/theorem1.bench.ts (Debian python3-torch, CPU, float64).

Reads the model the TypeScript benchmark wrote (theta d x V and h, raw little-endian float64) and the
(y_w, y_l) pairs, and computes Theorem 1's Gram data the way a PyTorch user would: autograd gradients of
log softmax(h^T theta)[y] with respect to theta (two d x V tensors), then their inner product and norms.
Two timings: per pair given one retained forward graph, and end to end (forward + backward) per pair.
Prints one JSON object on stdout.
"""
import json
import sys
import time

import numpy as np
import torch


def main() -> None:
    spec = json.loads(sys.argv[1])
    d, V = spec["d"], spec["V"]
    theta = torch.from_numpy(np.fromfile(spec["theta"], dtype="<f8").reshape(d, V).copy()).requires_grad_(True)
    h = torch.from_numpy(np.fromfile(spec["h"], dtype="<f8").copy())
    pairs = spec["pairs"]
    torch.set_num_threads(spec.get("threads", torch.get_num_threads()))

    def gram(gw: torch.Tensor, gl: torch.Tensor):
        return [float((gw * gl).sum()), float((gw * gw).sum()), float((gl * gl).sum())]

    # Given the forward pass: one graph, retained, two backward passes per pair.
    t0 = time.perf_counter()
    logp = torch.log_softmax(h @ theta, dim=0)
    forward_s = time.perf_counter() - t0
    values = []
    t0 = time.perf_counter()
    for yw, yl in pairs:
        gw, = torch.autograd.grad(logp[yw], theta, retain_graph=True)
        gl, = torch.autograd.grad(logp[yl], theta, retain_graph=True)
        values.append(gram(gw, gl))
    given_forward_s = (time.perf_counter() - t0) / len(pairs)

    # End to end: forward and backward for every pair.
    t0 = time.perf_counter()
    for yw, yl in pairs:
        lp = torch.log_softmax(h @ theta, dim=0)
        gw, = torch.autograd.grad(lp[yw], theta, retain_graph=True)
        gl, = torch.autograd.grad(lp[yl], theta)
        gram(gw, gl)
    end_to_end_s = (time.perf_counter() - t0) / len(pairs)

    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "forward_s": forward_s,
        "per_pair_given_forward_s": given_forward_s,
        "per_pair_end_to_end_s": end_to_end_s,
        "values": values,
    }))


if __name__ == "__main__":
    main()
