"""The function transforms (vmap, grad, vjp) and a functional view of a module over its *trained* parameters,
for both torches the trainer meets: torch 1.13 (Debian 12's python3-torch, where they live in functorch) and
torch ≥ 2 (torch.func, which a Hugging Face stack needs). With LoRA only the adapters are trained, so the
gradients a = ∇log π_w, b = ∇log π_l are taken over those alone; frozen weights stay inside the module."""
import torch

try:
    from torch.func import functional_call, grad, vjp, vmap  # noqa: F401 — re-exported
    NEW = True
except ImportError:
    from functorch import grad, make_functional, vjp, vmap  # noqa: F401 — re-exported
    from torch.nn.utils.stateless import functional_call
    NEW = False


def trained(model):
    """(names, tensors) of the parameters that gradient descent moves."""
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    return [n for n, _ in named], [p for _, p in named]


def functional(model):
    """fmodel(params, ids) → the module's output with `params` (a tuple in trained() order) in place of its
    trained parameters. On torch 1.13 a module whose parameters are all trained goes through functorch's
    make_functional, ~20% faster there than the stateless call."""
    names, ps = trained(model)
    if not NEW and len(ps) == sum(1 for _ in model.parameters()):
        fmodel, _ = make_functional(model)
        return fmodel
    return lambda params, *args: functional_call(model, dict(zip(names, params)), args)
