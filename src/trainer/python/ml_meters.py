"""The two ways a logged step gets each pair's gradients, behind one interface (logp_w, logp_l, hidden; halves;
per_pair) that ml_measure.measure_step reads: VmapStep forms the per-example gradients as rows (vmap), GhostStep
keeps the per-layer backprop signals of one backward and forms only their products (ml_ghost)."""
import torch

import ml_ghost
import ml_variants
from ml_func import trained
from ml_measure import pair_gram, unflatten
from ml_model import masked_logps


class VmapStep:
    """A measured step's per-example gradients a_i, b_i as the rows of G [2B, P] (vmap(grad), chosen first):
    memory grows as sequences × trained parameters, so this is for models that fit that (ml_ghost otherwise)."""

    def __init__(self, run, bw, bl):
        model, fun = run.model, run.fun
        with torch.no_grad():  # one forward gives the log-probabilities and the hidden states CHES needs
            self.hidden = (model.hidden(bw.ids), model.hidden(bl.ids))
            self.logp_w = masked_logps(model.head_logits(self.hidden[0]), bw.ids, bw.mask)
            self.logp_l = masked_logps(model.head_logits(self.hidden[1]), bl.ids, bl.mask)
        self.theta = fun.params(model)
        self.G = fun.per_example_grads(self.theta, torch.cat([bw.ids, bl.ids]), torch.cat([bw.mask, bl.mask]))
        self.run, self.bw, self.bl = run, bw, bl

    def halves(self, dw, dl):
        """The batch gradient's halves G_w = mean_i d_w,i a_i, G_l = mean_i d_l,i b_i (what autograd would give)."""
        B = self.bw.ids.shape[0]
        return (dw[:, None] * self.G[:B]).mean(0), (dl[:, None] * self.G[B:]).mean(0)

    def per_pair(self, dw, dl, u, info):
        run, bw, bl, G, theta = self.run, self.bw, self.bl, self.G, self.theta
        B, lr = bw.ids.shape[0], run.lr
        a, g = G[:B], G[B:]
        inner, nw, nl = pair_gram(G, B)
        # The probe: one SGD step of size lr on each pair alone (section 3's single-sample setting), applied to a
        # copy of θ per pair at once: θ_i' = θ − lr∇L_i = θ + lr(d_w a_i − d_l b_i); both responses of every pair
        # in one vmapped call.
        flat_theta = torch.cat([p.reshape(-1) for p in theta])
        step = flat_theta.unsqueeze(0) + lr * (dw[:, None] * a - dl[:, None] * g)
        ids = torch.cat([bw.ids, bl.ids])
        new = run.fun.logp_at(unflatten(torch.cat([step, step]), theta), ids, torch.cat([bw.mask, bl.mask]))
        if run.masked:  # the whole responses' gradients, for the change of what the loss leaves out
            F = run.fun.per_example_grads(theta, ids, torch.cat([bw.full, bl.full]))
            fa, fg = F[:B], F[B:]
            with torch.no_grad():
                full_w = masked_logps(run.model.head_logits(self.hidden[0]), bw.ids, bw.full)
                full_l = masked_logps(run.model.head_logits(self.hidden[1]), bl.ids, bl.full)
        else:
            fa, fg, full_w, full_l = a, g, self.logp_w, self.logp_l
        return {"inner": inner, "nw": nw, "nl": nl, "new_w": new[:B], "new_l": new[B:], "full_w": full_w, "full_l": full_l,
                "u_w": fa @ u, "u_l": fg @ u}


class GhostStep:
    """A measured step from one forward with hooks and one backward (ml_ghost): no per-example gradient is
    formed, so memory stays that of a training step. The Gram entries come from the factorised products, the
    step's halves from the recorded signals, ⟨∇log π_i, u⟩ from the 2B×2B Gram (u = α G_w − γ G_l,
    ml_variants.coefficients), and the single-pair probe steps θ in place, pair by pair, and restores it."""

    def __init__(self, run, bw, bl):
        model, B = run.model, bw.ids.shape[0]
        ids, mask, full = torch.cat([bw.ids, bl.ids]), torch.cat([bw.mask, bl.mask]), torch.cat([bw.full, bl.full])
        with ml_ghost.Tape(run.plan, 2 * B) as tape:
            hidden = model.hidden(ids)
            logits = model.head_logits(hidden)
        lp = masked_logps(logits, ids, mask)
        self.rec = tape.backprop(lp.sum(), retain=run.masked)
        self.rec_full, lpf = self.rec, lp
        if run.masked:  # a second backward on the same forward: the whole responses' signals
            lpf = masked_logps(logits, ids, full)
            self.rec_full = tape.backprop(lpf.sum())
        self.hidden = (hidden[:B].detach(), hidden[B:].detach())
        self.logp_w, self.logp_l = lp[:B].detach(), lp[B:].detach()
        self.full_w, self.full_l = lpf[:B].detach(), lpf[B:].detach()
        self.run, self.bw, self.bl = run, bw, bl

    def halves(self, dw, dl):
        z = torch.zeros_like(dw)
        B = dw.shape[0]
        return self.rec.combine(torch.cat([dw / B, z])), self.rec.combine(torch.cat([z, dl / B]))

    def per_pair(self, dw, dl, u, info):
        B = dw.shape[0]
        with torch.no_grad():
            K = ml_ghost.gram(self.rec_full, self.rec)  # [2B, 2B]: rows whole responses, columns what the loss counts
            if self.run.masked:
                inner, nw, nl = ml_ghost.pair_entries(self.rec)
            else:
                i = torch.arange(B, device=dw.device)
                inner, nw, nl = K[i, i + B], K[i, i], K[i + B, i + B]
            alpha, gamma = ml_variants.coefficients(info)
            fu = K @ torch.cat([alpha * dw / B, -gamma * dl / B])
            new_w, new_l = self.probe(dw, dl)
        return {"inner": inner, "nw": nw, "nl": nl, "new_w": new_w, "new_l": new_l, "full_w": self.full_w,
                "full_l": self.full_l, "u_w": fu[:B], "u_l": fu[B:]}

    def probe(self, dw, dl):
        """log π of both responses of pair i after θ_i' = θ + lr(d_w,i a_i − d_l,i b_i), stepped in place from the
        records (add_to over the pair's two rows); θ is restored afterwards."""
        run, bw, bl = self.run, self.bw, self.bl
        B, lr = dw.shape[0], run.lr
        ps = trained(run.model)[1]
        theta = [p.detach().clone() for p in ps]
        new = []
        try:
            for i in range(B):
                c = torch.zeros(2 * B, dtype=dw.dtype, device=dw.device)
                c[i], c[B + i] = lr * dw[i], -lr * dl[i]
                if i:
                    for p, p0 in zip(ps, theta):
                        p.copy_(p0)
                self.rec.add_to(c, ps)
                ids = torch.cat([bw.ids[i:i + 1], bl.ids[i:i + 1]])
                new.append(masked_logps(run.model(ids), ids, torch.cat([bw.mask[i:i + 1], bl.mask[i:i + 1]])))
        finally:
            for p, p0 in zip(ps, theta):
                p.copy_(p0)
        new = torch.stack(new)
        return new[:, 0], new[:, 1]


class RankedVmapStep:
    """A measured step of a loss over K ranked responses: the per-example gradients r_ik = ∇log π(y_ik|x_i) of the
    B·K sequences as rows R [B, K, P] (vmap, as VmapStep), from which each prompt's K×K Gram G_i = R_i R_iᵀ, the
    step direction and the single-prompt probe. (GhostStep pairs a chosen row with a rejected one; the ranked
    step is measured by vmap only, and `--gram ghost` is refused for it.)"""

    def __init__(self, run, ids, mask, B, K):
        model = run.model
        with torch.no_grad():
            self.logp = masked_logps(model.head_logits(model.hidden(ids)), ids, mask).view(B, K)
        self.theta = run.fun.params(model)
        self.R = run.fun.per_example_grads(self.theta, ids, mask).view(B, K, -1)
        self.run, self.ids, self.mask = run, ids, mask

    def direction(self, d):
        """u = mean_i Σ_k d_ik r_ik = −∇ mean_i L_i (the d's held fixed: the chain rule exactly)."""
        return (d[:, :, None] * self.R).sum(1).mean(0)

    def per_prompt(self, d):
        """(G [B, K, K], first order η(G_i d_i)_k [B, K], observed [B, K]): the observed change is that of one SGD
        step of size η on prompt i alone, θ_i' = θ + η Σ_k d_ik r_ik, whose first-order change of log π_k is exactly
        η⟨r_ik, Σ_j d_ij r_ij⟩ = η(G_i d_i)_k; every prompt's copy of θ is evaluated in one vmapped call."""
        run, R, theta = self.run, self.R, self.theta
        B, K = d.shape
        G = R @ R.transpose(1, 2)
        fo = run.lr * (G @ d[:, :, None]).squeeze(2)
        flat_theta = torch.cat([p.reshape(-1) for p in theta])
        step = flat_theta.unsqueeze(0) + run.lr * (d[:, :, None] * R).sum(1)
        new = run.fun.logp_at(unflatten(step.repeat_interleave(K, 0), theta), self.ids, self.mask).view(B, K)
        return G, fo, new - self.logp
