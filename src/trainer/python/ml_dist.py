"""Data parallelism under torchrun (`python3 -m torch.distributed.run --nproc_per_node N marginlab_trainer.py`
on torch 1.13). Every rank builds the same model from the same seed and draws the same global batch; rank r
trains on every N-th pair of it and the gradients are averaged across ranks, which is what DDP does, written
out so that the variants (ml_variants) can see the averaged halves G_w, G_l before combining them. Rank 0
alone speaks the protocol: it reads the request and broadcasts it, and only it emits events.
The request is exchanged over gloo (works for CPU and CUDA alike); a CUDA run all-reduces gradients over a
separate nccl group."""
import os

import torch
import torch.distributed as dist

STATE = {"rank": 0, "world": 1, "group": None}


def env_world():
    return int(os.environ.get("WORLD_SIZE", "1"))


def init():
    if env_world() > 1 and not dist.is_initialized():
        dist.init_process_group("gloo")
        STATE["rank"], STATE["world"] = dist.get_rank(), dist.get_world_size()
    return STATE["rank"], STATE["world"]


def finish():
    """Every rank waits for the others, then the process group is torn down, so that no rank leaves while rank 0
    still evaluates (held-out pairs, token cosine). One CI run saw torchrun exit 1 after rank 0's `done`; its
    cause was not captured (the client now keeps the stderr tail for that case), and an orderly end removes the
    likeliest one, a peer's gloo teardown racing the other's exit."""
    if STATE["world"] > 1 and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def is_main():
    return STATE["rank"] == 0


def share_request(req):
    """Rank 0's request, on every rank."""
    if STATE["world"] == 1:
        return req
    box = [req]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def local_device(name):
    if name == "cuda" and STATE["world"] > 1:
        local = int(os.environ.get("LOCAL_RANK", "0"))
        torch.cuda.set_device(local)
        STATE["group"] = dist.new_group(backend="nccl")
        return torch.device("cuda", local)
    return torch.device(name)


def shard(idx):
    return idx[STATE["rank"]::STATE["world"]]


def mean_(t):
    """In-place average of t over ranks."""
    if STATE["world"] > 1:
        dist.all_reduce(t, group=STATE["group"])
        t /= STATE["world"]
    return t


def average_grads(params):
    if STATE["world"] == 1:
        return
    for p in params:
        if p.grad is not None:
            mean_(p.grad)
