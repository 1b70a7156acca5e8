"""`torchrun` for Debian 12's torch 1.13 on Python 3.11: `python3 ml_torchrun.py --nproc_per_node 2
marginlab_trainer.py` is `python3 -m torch.distributed.run …` with one fix. torch 1.13 parses --redirects and
--tee (default "0") by iterating the IntFlag `Std`, and Python 3.11 no longer yields the zero member when
iterating a flag, so "0" parses to None and every launch fails in `to_map` with "'NoneType' object has no
attribute 'get'". We map that None back to Std.NONE; with a torch whose torchrun works, use it directly."""
import sys

from torch.distributed.elastic.multiprocessing import api

_from_str = api.Std.from_str.__func__


def _fixed(cls, vm):
    r = _from_str(cls, vm)
    if r is None:
        return api.Std.NONE
    if isinstance(r, dict):
        return {k: (api.Std.NONE if v is None else v) for k, v in r.items()}
    return r


api.Std.from_str = classmethod(_fixed)

if __name__ == "__main__":
    from torch.distributed.run import main
    sys.exit(main())
