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
    inner = w2 = l2 = 0.0
    for x, y in zip(a, b):
        # A parameter a sequence does not reach (allow_unused) contributes nothing to either product.
        if x is not None:
            w2 += float(torch.sum(x.double() * x.double()))
        if y is not None:
            l2 += float(torch.sum(y.double() * y.double()))
        if x is not None and y is not None:
            inner += float(torch.sum(x.double() * y.double()))
    cos = inner / (w2 * l2) ** 0.5 if w2 > 0 and l2 > 0 else 0.0
    return {"inner_wl": inner, "norm_w2": w2, "norm_l2": l2, "cos_wl": cos}
