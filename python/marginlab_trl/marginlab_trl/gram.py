"""One pair's Gram entries over the trained parameters (those with requires_grad: LoRA adapters under PEFT):
a = ∇logp_w, b = ∇logp_l, and ⟨a, b⟩, ‖a‖², ‖b‖², cos. Two reverse passes through the pair's one forward;
torch.autograd.grad returns the gradients without touching .grad, so the trainer's own accumulation is untouched.

Self-contained rather than the reference trainer's ml_meters (vmap rows, ghost products): those expect its model
interface (forward(ids), hidden, head_logits) and its task's batch layout, and live in a folder that is not a
package, so an installed marginlab_trl could not import them; a pair's two backward passes need neither."""
import torch


def trained_parameters(model):
    return [p for p in model.parameters() if p.requires_grad]


def pair_gram(logp_w, logp_l, params):
    a = torch.autograd.grad(logp_w, params, retain_graph=True, allow_unused=True)
    b = torch.autograd.grad(logp_l, params, allow_unused=True)
    # Summed as float64 tensors and read once: a float() per parameter would wait on the device each time.
    inner = w2 = l2 = torch.zeros((), dtype=torch.float64, device=params[0].device)
    for x, y in zip(a, b):
        # A parameter a sequence does not reach (allow_unused) contributes nothing to either product.
        xd = x.reshape(-1).double() if x is not None else None
        yd = y.reshape(-1).double() if y is not None else None
        if xd is not None:
            w2 = w2 + xd @ xd
        if yd is not None:
            l2 = l2 + yd @ yd
        if xd is not None and yd is not None:
            inner = inner + xd @ yd
    inner, w2, l2 = float(inner), float(w2), float(l2)
    cos = inner / (w2 * l2) ** 0.5 if w2 > 0 and l2 > 0 else 0.0
    return {"inner_wl": inner, "norm_w2": w2, "norm_l2": l2, "cos_wl": cos}
