"""Entanglement-aware variants of a loss (issue 9, docs/remedies.md). Each changes either which tokens the
margin counts (the masked variants) or how the two halves of the batch gradient are combined into the step
(adaptive, projected). With ∇L = −(G_w − G_l), where G_w = ∇ mean_i d_w,i log π_w,i and
G_l = ∇ mean_i d_l,i log π_l,i (the d's held fixed, so these are exactly the two halves of the loss's own
gradient), plain SGD steps θ ← θ + η(G_w − G_l); a variant replaces G_w − G_l by u below."""
import math

import torch


def response_masks(ids_w, mask_w, ids_l, mask_l, variant):
    """The masked variants keep only some response tokens in log π: from the first position where chosen and
    rejected differ onwards ('masked-first-diff'), or only the positions where they differ ('masked-diff-only').
    Positions are aligned because both sequences share the prompt; a position where one response has ended
    and the other has not counts as differing."""
    if not variant.startswith("masked"):
        return mask_w, mask_l
    resp = (mask_w > 0) | (mask_l > 0)
    differ = (ids_w != ids_l) & resp
    if variant == "masked-diff-only":
        keep = differ
    else:
        T = ids_w.shape[1]
        pos = torch.arange(T, device=ids_w.device).expand_as(ids_w)
        # first differing position per row; T (keep nothing) when the responses are identical
        first = torch.where(differ, pos, torch.full_like(pos, T)).min(dim=1, keepdim=True).values
        keep = pos >= first
    keep = keep.to(mask_w.dtype)
    return mask_w * keep, mask_l * keep


def combine(variant, gw, gl):
    """(u, info): the step direction from the batch gradient halves, and what was done to them.
    adaptive: with a = G_w, b = G_l and ⟨a,b⟩ > 0, the chosen rises and the rejected falls to first order iff
    the weight ratio r = s_w/s_l lies in [⟨a,b⟩/‖a‖², ‖b‖²/⟨a,b⟩] (eqs. 9/10; never empty by Cauchy–Schwarz).
    We take its geometric mean, r = ‖b‖/‖a‖, and split it as s_w = √r, s_l = 1/√r so that s_w·s_l = 1. With
    ⟨a,b⟩ ≤ 0 every r > 0 works and the loss's own weights (r = 1) are kept.
    projected: when ⟨a,b⟩ > 0, b loses its component along a, so the step's first-order effect on the chosen
    is η‖a‖² ≥ 0. When ⟨a,b⟩ ≤ 0 that component pushes the chosen up; removing it would only slow the chosen
    down, so b is kept (PCGrad's rule)."""
    inner = float(gw @ gl)
    nw, nl = float(gw @ gw), float(gl @ gl)
    info = {"batch_inner_wl": inner, "batch_norm_w2": nw, "batch_norm_l2": nl, "scale_w": 1.0, "scale_l": 1.0,
            "proj_coef": 0.0}
    if variant == "adaptive" and inner > 0 and nw > 0 and nl > 0:
        r = math.sqrt(nl / nw)
        info["scale_w"], info["scale_l"] = math.sqrt(r), 1.0 / math.sqrt(r)
        return info["scale_w"] * gw - info["scale_l"] * gl, info
    if variant == "projected" and inner > 0 and nw > 0:
        c = inner / nw
        info["proj_coef"] = c
        return gw - (gl - c * gw), info
    return gw - gl, info


def coefficients(info):
    """(α, γ) with u = α G_w − γ G_l for the direction combine() returned with `info`: adaptive scales the halves
    (α = s_w, γ = s_l), projected adds c·G_w to the chosen half (α = 1 + c), the rest keep (1, 1). A measurement
    that has ⟨∇log π_i, G_w⟩ and ⟨∇log π_i, G_l⟩ (ml_ghost's Gram) gets ⟨∇log π_i, u⟩ from them without u."""
    return info["scale_w"] + info["proj_coef"], info["scale_l"]
