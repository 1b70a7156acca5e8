"""Per-pair gradient inner products without per-example gradients: "ghost" products (Li et al. 2022, ghost
clipping; Bu et al. 2023, book-keeping), for ⟨∇log π_w, ∇log π_l⟩ and the norms of conditions (9)/(10) at the
scale of the paper's models, where vmap's [sequences × parameters] rows do not fit.

A trained layer's gradient of one sequence's log π is a sum over its positions. For a linear layer
y_t = W x_t (+ b), with g_t = ∂log π_i/∂y_t the backprop signal at position t of sequence i,
    ∇_W log π_i = Σ_{t∈i} g_t x_tᵀ,   so   ⟨∇_W log π_i, ∇_W log π_j⟩ = Σ_{t∈i, s∈j} (x_t·x_s)(g_t·g_s),
O(T_i·T_j·(d_in + d_out)) per pair instead of a d_in×d_out matrix per sequence. When T² outgrows
d_in·d_out/(d_in + d_out) the explicit product is cheaper, and each parameter takes the cheaper form (`choose`).
An embedding's row is picked by the token, ∇_E log π_i = Σ_t e_{y_t} γ_tᵀ, so the product is
Σ_{t,s} [y_t = y_s](γ_t·γ_s); a tied embedding / output head adds the cross terms
⟨e_{y_t} γ_tᵀ, g_s h_sᵀ⟩ = g_s[y_t](γ_t·h_s). Biases (Σ_t g_t) and the parameters of small leaf modules
(LayerNorm, RMSNorm: a vmap of the module's own vjp) are taken per example directly. GPT-2's Conv1D is a linear
layer with W stored transposed; peft's LoRA A and B are nn.Linear layers like any other.

Every x_t and g_t comes from one forward and one backward of Σ_i log π_i over the batch: sequences do not
interact, so the gradient of the sum at sequence i's activations is sequence i's own signal. The backward asks
autograd for the gradients at the layers' outputs only, which skips the weight gradients; the step's halves
G_w, G_l are then formed from x and g (`combine`), the same matmuls a training step's backward does."""
import torch
import torch.nn as nn

from ml_func import functional_call, trained, vjp, vmap
from ml_model import masked_logps

DIRECT_MAX = 1 << 16  # parameters of one leaf module taken per example directly ([rows, p] each)
EXPLICIT_MAX = 1 << 24  # entries of one layer's explicit per-row gradients [rows, d_in·d_out]: beyond, ghost regardless


class Unsupported(Exception):
    """The model has a trained parameter the ghost products do not cover; the message names it."""


def _kind(module):
    if isinstance(module, nn.Linear):
        return "linear"
    if type(module).__name__ == "Conv1D" and hasattr(module, "nf"):  # transformers.pytorch_utils.Conv1D: x @ W + b
        return "conv1d"
    if isinstance(module, nn.Embedding):
        plain = module.max_norm is None and not module.scale_grad_by_freq and not module.sparse
        return "embedding" if plain else None
    if next(module.children(), None) is None:
        return "direct"
    return None


class Layer:
    """A module that owns trained parameters: its kind and, per parameter role ('weight', 'bias', or a direct
    module's own names), the parameter's index in ml_func.trained order."""

    def __init__(self, name, module, kind, roles):
        self.name, self.module, self.kind, self.roles = name, module, kind, roles


class Plan:
    """Which module owns each trained parameter, and whether the ghost products cover them all (else
    Unsupported, naming the first one that is not)."""

    def __init__(self, model):
        self.names, self.params = trained(model)
        index = {id(p): k for k, p in enumerate(self.params)}
        self.layers, self.owners = [], [[] for _ in self.params]
        for name, m in model.named_modules():
            own = [(n, p) for n, p in m.named_parameters(recurse=False) if id(p) in index]
            if not own:
                continue
            kind = _kind(m)
            where = f"{name or 'the model'} ({type(m).__name__})"
            if kind is None:
                raise Unsupported(f"{where} holds trained parameters and is neither a linear layer, a plain embedding nor a leaf module")
            roles = {n: index[id(p)] for n, p in own}
            if kind in ("linear", "conv1d") and set(roles) - {"weight", "bias"} or kind == "embedding" and set(roles) != {"weight"}:
                raise Unsupported(f"{where} holds trained parameters other than its weight and bias: {', '.join(roles)}")
            if kind == "direct" and sum(p.numel() for _, p in own) > DIRECT_MAX:
                raise Unsupported(f"{where} has {sum(p.numel() for _, p in own)} trained parameters, too many to take per example")
            layer = Layer(name, m, kind, roles)
            self.layers.append(layer)
            for role, k in roles.items():
                self.owners[k].append((layer, role))
        for k, owners in enumerate(self.owners):
            kinds = sorted({layer.kind for layer, _ in owners})
            # A parameter shared by several modules: linear uses of one orientation combine by the same
            # product; an embedding tied to an nn.Linear head has cross terms (`_cross_table_weight`).
            if len(owners) > 1 and kinds not in (["linear"], ["conv1d"], ["embedding"], ["embedding", "linear"]):
                raise Unsupported(f"{self.names[k]} is shared by modules of kinds {', '.join(kinds)}")


class Use:
    """One call of a hooked layer: its input (activations, or token ids for an embedding) and its output."""

    def __init__(self, layer, x, out):
        self.layer, self.x, self.out = layer, x, out
        self.versions = (x._version, out._version)


class Tape:
    """Records every call of the plan's layers during the forward passes inside `with Tape(plan, rows):`.
    `rows` is the batch size of those calls; an output shared by every row (GPT-2's position embeddings,
    computed once as [1, T, d]; the tiny LM's [T, d]) is expanded to the rows, so that each row's signal is
    its own."""

    def __init__(self, plan, rows):
        self.plan, self.rows, self.uses, self._handles = plan, rows, [], []

    def __enter__(self):
        for layer in self.plan.layers:
            self._handles.append(layer.module.register_forward_hook(self._hook(layer)))
        return self

    def __exit__(self, *exc):
        for h in self._handles:
            h.remove()
        self._handles = []

    def _hook(self, layer):
        def hook(_module, args, out):
            x = args[0] if args else None
            if not torch.is_tensor(x) or not torch.is_tensor(out):
                raise Unsupported(f"{layer.name}: called without a tensor input and output")
            replaced = False
            if layer.kind == "embedding" and x.dim() == 1:  # positions shared by the batch, no batch dimension
                x, out, replaced = x.unsqueeze(0), out.unsqueeze(0), True
            if out.shape[0] != self.rows:
                if out.shape[0] != 1 or x.shape[0] != 1:
                    raise Unsupported(f"{layer.name}: its output's first dimension is {out.shape[0]}, not the batch of {self.rows}")
                x, out, replaced = x.expand(self.rows, *x.shape[1:]), out.expand(self.rows, *out.shape[1:]), True
            self.uses.append(Use(layer, x, out))
            return out if replaced else None
        return hook

    def backprop(self, total, cotangents=None, retain=False):
        """The gradients of `total` at every recorded output, as Records. `total` is Σ_i log π_i over the rows,
        or (token level) a vector whose rows of the identity `cotangents` are backpropagated at once: each
        token's log-probability becomes a row."""
        for u in self.uses:
            if (u.x._version, u.out._version) != u.versions:
                raise Unsupported(f"{u.layer.name}: its input or output was modified in place after the call")
        outs = [u.out for u in self.uses]
        if cotangents is None:
            grads = torch.autograd.grad(total, outs, allow_unused=True, retain_graph=retain)
        else:
            grads = torch.autograd.grad(total, outs, grad_outputs=cotangents, allow_unused=True, retain_graph=retain,
                                        is_grads_batched=True)
        rows = self.rows if cotangents is None else cotangents.shape[0]
        return Records(self.plan, [(u, g) for u, g in zip(self.uses, grads) if g is not None], rows, cotangents is not None)


class Term:
    """One use's contribution to one parameter's per-row gradients (`kind`: the layer kind, or 'bias'), in the
    form its products take:
    'weight' (x [N, T, d_in], g [N, T, d_out]; conv1d: W is [d_in, d_out]), 'table' (an embedding: token ids
    [N, T], γ [N, T, d]) or 'vec' (per-row gradients [N, numel], for biases and direct modules)."""

    def __init__(self, kind, form, x=None, g=None, vec=None, conv=False):
        self.kind, self.form, self.x, self.g, self.vec, self.conv = kind, form, x, g, vec, conv


class Records:
    """The backprop signals of one backward at every trained layer, grouped per trained parameter."""

    def __init__(self, plan, items, rows, batched):
        self.plan, self.rows = plan, rows
        self.terms = [[] for _ in plan.params]
        for use, g in items:
            x = use.x.detach()  # the products are measurements, not part of any graph
            if batched:  # token level: one forward of one sequence, a row of g per token
                g = g.reshape(rows, *use.out.shape[1:])
                x = x.expand(rows, *x.shape[1:])
            self._add(use.layer, x, g)
        self.choices = {}

    def _add(self, layer, x, g):
        N = self.rows
        if layer.kind == "embedding":
            ids, gam = x.reshape(N, -1), g.reshape(N, -1, g.shape[-1])
            if layer.module.padding_idx is not None:  # that row's gradient is zeroed by nn.Embedding
                gam = gam * (ids != layer.module.padding_idx).unsqueeze(-1).to(gam.dtype)
            self.terms[layer.roles["weight"]].append(Term("embedding", "table", x=ids, g=gam))
        elif layer.kind in ("linear", "conv1d"):
            xs, gs = x.reshape(N, -1, x.shape[-1]), g.reshape(N, -1, g.shape[-1])
            if "weight" in layer.roles:
                self.terms[layer.roles["weight"]].append(Term(layer.kind, "weight", x=xs, g=gs, conv=layer.kind == "conv1d"))
            if "bias" in layer.roles:
                self.terms[layer.roles["bias"]].append(Term("bias", "vec", vec=gs.sum(1)))
        else:
            for role, grads in _direct(layer, x, g).items():
                self.terms[layer.roles[role]].append(Term("direct", "vec", vec=grads.reshape(N, -1)))

    def combine(self, c):
        """Σ_n c_n ∇_θ log π_n, flattened over the trained parameters in ml_func.trained order (the vector the
        step adds to θ)."""
        out = [torch.zeros_like(p) for p in self.plan.params]
        self.add_to(c, out)
        return torch.cat([o.reshape(-1) for o in out])

    def add_to(self, c, tensors):
        """tensors[k] += Σ_n c_n ∇_{θ_k} log π_n for every trained parameter θ_k, in place (the probe steps θ
        itself this way, with no flat copy). Rows with c_n = 0 are skipped."""
        rows = torch.nonzero(c).flatten()
        cr = c[rows]
        for acc, terms in zip(tensors, self.terms):
            for t in terms:
                if t.form == "weight":
                    x = t.x[rows].reshape(-1, t.x.shape[-1])
                    g = (t.g[rows] * cr[:, None, None]).reshape(-1, t.g.shape[-1])
                    if t.conv:
                        acc.addmm_(x.T, g)
                    else:
                        acc.addmm_(g.T, x)
                elif t.form == "table":
                    acc.index_add_(0, t.x[rows].reshape(-1), (t.g[rows] * cr[:, None, None]).reshape(-1, t.g.shape[-1]))
                else:
                    acc += (cr @ t.vec[rows]).view_as(acc)

    def explicit(self, terms):
        """[N, numel] per-row gradients of a parameter whose terms are all 'weight' or 'vec'."""
        acc = 0
        for t in terms:
            if t.form == "vec":
                acc = acc + t.vec
            else:
                e = torch.einsum("nti,nto->nio", t.x, t.g) if t.conv else torch.einsum("nto,nti->noi", t.g, t.x)
                acc = acc + e.reshape(e.shape[0], -1)
        return acc


def gram(A, B, pairs=None, force=None, skip=None):
    """Σ over trained parameters of ⟨∇log π_a, ∇log π_b⟩ for rows a of Records A and b of B (the same
    plan): the matrix [A.rows, B.rows], or with pairs = (I, J) the entries (I_m, J_m) alone, [M]. I and J are
    slices of equal length (views: a GPT-2 head's [rows, T, V] signals are never copied) or index tensors. For the
    self-test only: `force` ('ghost' or 'explicit') overrides the per-parameter choice, and `skip(u, v)` drops
    the products of some pairs of terms (to show that the comparison with vmap fails without them)."""
    p0 = A.plan.params[0]
    total = torch.zeros((A.rows, B.rows) if pairs is None else (_count(pairs[0], A.rows),), dtype=p0.dtype, device=p0.device)
    for k in range(len(A.plan.params)):
        ta, tb = A.terms[k], B.terms[k]
        if skip is not None:
            ta = [u for u in ta if not skip(u, u)]
            tb = [v for v in tb if not skip(v, v)]
        if not ta or not tb:
            continue
        form = choose(ta, tb, A.rows, B.rows, pairs, force)
        A.choices[A.plan.names[k]] = form
        if form == "explicit":
            ea = A.explicit(ta)
            eb = ea if A is B else B.explicit(tb)
            total = total + _vec_inner(ea, eb, pairs)
        else:
            for u in ta:
                for v in tb:
                    if skip is None or not skip(u, v):
                        total = total + _inner(u, v, pairs)
    return total


def choose(ta, tb, na, nb, pairs, force=None):
    """'explicit' (form each row's d_in×d_out gradient, then dot) when that costs fewer multiply-adds than the
    ghost products Σ_{t,s}(x_t·x_s)(g_t·g_s) and stays under EXPLICIT_MAX entries, else 'ghost'; only linear
    weights and vectors have the choice (an embedding's table is never formed: V×d per row)."""
    if any(t.form == "table" for t in ta + tb):
        return "ghost"
    if all(t.form == "vec" for t in ta + tb):
        return "explicit"
    if force is not None:
        return force
    r = _count(pairs[0], na) if pairs is not None else na * nb
    w = [t for t in ta + tb if t.form == "weight"][0]
    din, dout = w.x.shape[-1], w.g.shape[-1]
    ghost = sum(r * u.x.shape[1] * v.x.shape[1] * (din + dout) for u in ta for v in tb if u.form == v.form == "weight")
    explicit = (na * sum(t.x.shape[1] for t in ta if t.form == "weight") + nb * sum(t.x.shape[1] for t in tb if t.form == "weight")
                + r) * din * dout
    small = max(na, nb) * din * dout <= EXPLICIT_MAX  # the per-row gradients are vmap's memory for this layer
    return "explicit" if explicit < ghost and small else "ghost"


def _count(sel, rows):
    return len(range(rows)[sel]) if isinstance(sel, slice) else sel.shape[0]


def _vec_inner(ea, eb, pairs):
    if pairs is None:
        return ea @ eb.T
    I, J = pairs
    return (ea[I] * eb[J]).sum(1)


def _blocks(a, b):
    """[Na·T, Nb·S] products of every row-position of a [Na, T, d] with every one of b [Nb, S, d]."""
    return a.reshape(-1, a.shape[-1]) @ b.reshape(-1, b.shape[-1]).T


def _block_sum(m, na, t, nb, s):
    return m.view(na, t, nb, s).sum((1, 3))


def _inner(u, v, pairs):
    """One pair of terms' contribution: ghost products by the forms' rules."""
    if u.form == "vec" and v.form == "vec":
        return _vec_inner(u.vec, v.vec, pairs)
    if u.form == "weight" and v.form == "weight":
        return _weight_weight(u, v, pairs)
    if u.form == "table" and v.form == "table":
        return _table_table(u, v, pairs)
    if u.form == "table" and v.form == "weight":
        return _cross_table_weight(u, v, pairs)
    if u.form == "weight" and v.form == "table":
        if pairs is None:
            return _cross_table_weight(v, u, None).T
        return _cross_table_weight(v, u, (pairs[1], pairs[0]))
    raise Unsupported(f"no product for a {u.form} term with a {v.form} term")


def _weight_weight(u, v, pairs):
    # ⟨Σ_t g_t x_tᵀ, Σ_s g'_s x'_sᵀ⟩ = Σ_{t,s} (x_t·x'_s)(g_t·g'_s)
    if pairs is None:
        na, t, nb, s = u.x.shape[0], u.x.shape[1], v.x.shape[0], v.x.shape[1]
        return _block_sum(_blocks(u.x, v.x) * _blocks(u.g, v.g), na, t, nb, s)
    I, J = pairs
    xx = torch.bmm(u.x[I], v.x[J].transpose(1, 2))
    gg = torch.bmm(u.g[I], v.g[J].transpose(1, 2))
    return (xx * gg).sum((1, 2))


def _table_table(u, v, pairs):
    # ⟨Σ_t e_{y_t} γ_tᵀ, Σ_s e_{y'_s} γ'_sᵀ⟩ = Σ_{t,s} [y_t = y'_s](γ_t·γ'_s)
    if pairs is None:
        na, t, nb, s = u.x.shape[0], u.x.shape[1], v.x.shape[0], v.x.shape[1]
        same = (u.x.reshape(-1)[:, None] == v.x.reshape(-1)[None, :]).to(u.g.dtype)
        return _block_sum(same * _blocks(u.g, v.g), na, t, nb, s)
    I, J = pairs
    same = (u.x[I][:, :, None] == v.x[J][:, None, :]).to(u.g.dtype)
    return (same * torch.bmm(u.g[I], v.g[J].transpose(1, 2))).sum((1, 2))


def _cross_table_weight(u, v, pairs):
    # An embedding E [V, d] tied to an output head z = E h: ⟨e_{y_t} γ_tᵀ, g_s h_sᵀ⟩ = g_s[y_t] (γ_t·h_s)
    if pairs is None:
        na, t, nb, s = u.x.shape[0], u.x.shape[1], v.x.shape[0], v.x.shape[1]
        picked = v.g.reshape(nb * s, -1)[:, u.x.reshape(-1)]  # [Nb·S, Na·T]: g_s at each token y_t
        return _block_sum(_blocks(u.g, v.x) * picked.T, na, t, nb, s)
    I, J = pairs
    s = v.x.shape[1]
    picked = torch.gather(v.g[J], 2, u.x[I].unsqueeze(1).expand(-1, s, -1))  # [M, S, T]
    return (torch.bmm(u.g[I], v.x[J].transpose(1, 2)) * picked.transpose(1, 2)).sum((1, 2))


def _direct(layer, x, g):
    """Per-row gradients of a small leaf module's trained parameters: for each row, the vjp of the module at
    that row's input with that row's output gradient (one vmap over the rows). {role: [N, *shape]}."""
    names = list(layer.roles)
    ps = tuple(getattr(layer.module, n).detach() for n in names)

    def one(xi, gi):
        _, back = vjp(lambda params: functional_call(layer.module, dict(zip(names, params)), (xi.unsqueeze(0),))[0], ps)
        return back(gi)[0]
    return dict(zip(names, vmap(one)(x, g)))


def norms(A, force=None, skip=None):
    """‖∇log π_a‖² for every row of Records A, [A.rows]."""
    return gram(A, A, (slice(None), slice(None)), force, skip)


def pair_entries(A, force=None, skip=None):
    """Theorem 1's per-pair Gram entries (⟨a_i, b_i⟩, ‖a_i‖², ‖b_i‖²) from Records over 2B rows, chosen first."""
    n = A.rows // 2
    sq = norms(A, force, skip)
    return gram(A, A, (slice(0, n), slice(n, 2 * n)), force, skip), sq[:n], sq[n:]


def check(model, ids, mask):
    """The Plan for `model` when the ghost products cover every trained parameter, else Unsupported. Beyond the
    module kinds, one backward of Σ log π over (ids, mask) compares the gradient the records give (combine)
    with autograd's, parameter by parameter: a parameter also used outside its module's call (a weight a parent
    reads directly) would come up short. θ is perturbed for the comparison, then restored, so that no gradient
    vanishes identically (a zero-initialised LoRA B makes A's zero)."""
    plan = Plan(model)
    saved = [p.detach().clone() for p in plan.params]
    gen = torch.Generator().manual_seed(0)  # not the run's generator: the run draws the same batches either way
    try:
        with torch.no_grad():
            for p in plan.params:
                p.add_(0.02 * torch.randn(p.shape, generator=gen, dtype=p.dtype).to(p.device))
        with Tape(plan, ids.shape[0]) as tape:
            total = masked_logps(model(ids), ids, mask).sum()
        ours = tape.backprop(total, retain=True).combine(torch.ones(ids.shape[0], dtype=total.dtype, device=ids.device))
        true = torch.autograd.grad(total, plan.params, allow_unused=True)
    except Unsupported:
        raise
    except RuntimeError as e:  # e.g. an op without a vmap rule inside a direct module
        raise Unsupported(f"the ghost products fail on this model: {e}") from e
    finally:
        with torch.no_grad():
            for p, s in zip(plan.params, saved):
                p.copy_(s)
    tol = 1e-8 if saved[0].dtype == torch.float64 else 1e-3
    refs = [torch.zeros(p.numel(), dtype=p.dtype, device=p.device) if t is None else t.reshape(-1) for p, t in zip(plan.params, true)]
    floor = 1e-6 * float(torch.cat(refs).norm())
    i = 0
    for name, p, ref in zip(plan.names, plan.params, refs):
        mine = ours[i:i + p.numel()]
        i += p.numel()
        if float((mine - ref).norm()) > tol * max(float(ref.norm()), floor):
            raise Unsupported(f"{name}: the hooked calls give {float(mine.norm()):.6g} of its gradient's norm "
                              f"{float(ref.norm()):.6g} (is it also used outside its module?)")
    return plan
