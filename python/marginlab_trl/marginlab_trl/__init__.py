"""marginlab inside a TRL run: MarginlabCallback(every=k, pairs=n, out=None).bind(trainer).

Every k optimiser steps, on n pairs of the current batch, it measures the per-pair Gram entries of the trained
parameters, the gradient weights d_w, d_l by autograd of the trainer's own loss, the first-order prediction of
conditions (9)/(10) and the change the step made; it logs them through the trainer's log (keys under
`marginlab/`) and, with `out`, writes marginlab protocol events for `marginlab ingest`."""
from .callback import MarginlabCallback
from .errors import MarginlabTRLError

__all__ = ["MarginlabCallback", "MarginlabTRLError"]
__version__ = "0.1.0"
