"""The built-in tiny causal transformer LM, written with plain matmuls (no nn.MultiheadAttention) so that
functorch's vmap/grad/vjp have a batching rule for every op it uses (torch 1.13)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.up = nn.Linear(d, 4 * d)
        self.down = nn.Linear(4 * d, d)

    def forward(self, x):  # x: [B, T, d]
        B, T, d = x.shape
        h = self.heads
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=-1)
        q = q.reshape(B, T, h, d // h).transpose(1, 2)
        k = k.reshape(B, T, h, d // h).transpose(1, 2)
        v = v.reshape(B, T, h, d // h).transpose(1, 2)
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // h)
        causal = torch.ones(T, T, dtype=torch.bool, device=x.device).triu(1)
        scores = scores.masked_fill(causal, float("-inf"))
        att = torch.softmax(scores, dim=-1) @ v
        x = x + self.proj(att.transpose(1, 2).reshape(B, T, d))
        return x + self.down(F.gelu(self.up(self.ln2(x))))


class TinyLM(nn.Module):
    def __init__(self, vocab, d=32, layers=2, heads=2, max_len=64):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(max_len, d)
        self.blocks = nn.ModuleList([Block(d, heads) for _ in range(layers)])
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)

    def hidden(self, ids):  # ids: [B, T] → the last hidden states [B, T, d], the output layer's input
        T = ids.shape[-1]
        x = self.tok(ids) + self.pos(torch.arange(T, device=ids.device))
        for b in self.blocks:
            x = b(x)
        return self.ln(x)

    def head_weight(self):
        return self.head.weight

    def head_logits(self, h):  # the output layer alone: logits = W h (no bias, so ml_measure's closed form holds)
        return self.head(h)

    def forward(self, ids):  # ids: [B, T] → logits [B, T, V]
        return self.head_logits(self.hidden(ids))


def token_logps(logits, ids):
    """log π(ids[t+1] | ids[≤t]) for each position: logits [.., T, V], ids [.., T] → [.., T-1]."""
    lp = torch.log_softmax(logits[..., :-1, :], dim=-1)
    return lp.gather(-1, ids[..., 1:].unsqueeze(-1)).squeeze(-1)


def masked_logps(logits, ids, mask):
    """log π(y|x) per sequence: the sum of the token log-probabilities at the positions `mask` marks."""
    return (token_logps(logits, ids) * mask[:, 1:]).sum(1)


def seq_logps(model, ids, mask):
    return masked_logps(model(ids), ids, mask)
