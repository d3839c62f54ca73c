"""The Grok-style decoder of Phoenix (SPEC §5.3, golden README §6.3–6.5).

Sandwich RMSNorm (h = x + N1(Attn(N0 x)); y = h + N3(FFN(N2 h))), split-halves RoPE, grouped-query
attention whose q·k logits are scaled only by `attn_output_multiplier`, soft-capped as 30·tanh(z/30),
masked with a finite fill, and a gated tanh-GELU FFN. Two ways through every layer:
`forward` — a full sequence under an explicit [B, T, T] mask (training, parity), returning each layer's
keys/values; `forward_candidates` — a chunk of candidates attending to cached prefix keys/values plus
itself (serving), with no candidate×candidate work at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from foryou.phoenix.config import TransformerConfig
from foryou.phoenix.layers import Linear, RMSNorm


@dataclass(frozen=True)
class Rope:
    cos: torch.Tensor  # [T, dk] float32
    sin: torch.Tensor  # [T, dk] float32


def rope_tables(positions: torch.Tensor, key_size: int, base: float) -> Rope:
    """cos/sin of position·inv_freq, the dk/2 frequencies repeated as two halves."""
    inv_freq = 1.0 / (base ** (torch.arange(0, key_size, 2, dtype=torch.float32) / key_size))  # [dk/2]
    angle = positions.to(torch.float32)[:, None] * inv_freq[None, :]  # [T, dk/2]
    angle = torch.cat([angle, angle], dim=-1)  # [T, dk]
    return Rope(cos=angle.cos(), sin=angle.sin())


def apply_rope(x: torch.Tensor, rope: Rope) -> torch.Tensor:
    """x' = x ⊙ cos + rotate_half(x) ⊙ sin, rotate_half([x1, x2]) = [−x2, x1]; x [..., T, dk]."""
    x1, x2 = x.chunk(2, dim=-1)
    rotated = torch.cat([-x2, x1], dim=-1)
    return (x * rope.cos.to(x.dtype) + rotated * rope.sin.to(x.dtype)).to(x.dtype)


@dataclass(frozen=True)
class LayerCache:
    k: torch.Tensor  # [B, Hkv, O, dk], RoPE applied
    v: torch.Tensor  # [B, Hkv, O, dk]


def _split3(qkv: torch.Tensor, c: TransformerConfig) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    nq, nkv = c.num_q_heads * c.key_size, c.num_kv_heads * c.key_size
    return qkv[..., :nq], qkv[..., nq : nq + nkv], qkv[..., nq + nkv :]


class Attention(nn.Module):
    def __init__(self, cfg: TransformerConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.q = Linear(cfg.emb_size, cfg.num_q_heads * cfg.key_size)
        self.k = Linear(cfg.emb_size, cfg.num_kv_heads * cfg.key_size)
        self.v = Linear(cfg.emb_size, cfg.num_kv_heads * cfg.key_size)
        self.o = Linear(cfg.num_q_heads * cfg.key_size, cfg.emb_size)

    def _qkv(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """q [B, T, Hkv, G, dk] (head j = kv·G + g reads kv head j // G), k, v [B, T, Hkv, dk]."""
        c = self.cfg
        w = torch.cat([self.q.weight, self.k.weight, self.v.weight]).to(x.dtype)  # [(Hq+2Hkv)·dk, D]
        q, k, v = _split3(F.linear(x, w), c)
        lead = x.shape[:-1]
        return (
            q.view(*lead, c.num_kv_heads, c.q_groups, c.key_size),
            k.view(*lead, c.num_kv_heads, c.key_size),
            v.view(*lead, c.num_kv_heads, c.key_size),
        )

    def _project(self, x: torch.Tensor, rope: Rope) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """RoPE'd q [B, Hkv, G, T, dk], k [B, Hkv, T, dk] and v [B, Hkv, T, dk]."""
        q, k, v = self._qkv(x)
        q = apply_rope(q.permute(0, 2, 3, 1, 4), rope)
        k = apply_rope(k.transpose(1, 2), rope)
        return q, k, v.transpose(1, 2)

    def _cap(self, z: torch.Tensor) -> torch.Tensor:
        """Scale and soft-cap raw float32 logits."""
        cap = self.cfg.attn_logit_softcap
        return cap * torch.tanh(z * self.cfg.attn_output_multiplier / cap)

    def _merge(self, o: torch.Tensor) -> torch.Tensor:
        """[B, Hkv, G, T, dk] -> heads concatenated in order [B, T, Hq·dk] -> [B, T, D]."""
        b, _, _, t, _ = o.shape
        out: torch.Tensor = self.o(o.permute(0, 3, 1, 2, 4).reshape(b, t, -1))
        return out

    def forward(self, x: torch.Tensor, rope: Rope, allowed: torch.Tensor) -> tuple[torch.Tensor, LayerCache]:
        """x [B, T, D], allowed [B, T, T] -> ([B, T, D], this layer's keys/values)."""
        b, t, _ = x.shape
        q, k, v = self._project(x, rope)
        hkv, g, dk = q.shape[1], q.shape[2], q.shape[4]
        z = torch.matmul(q.float().reshape(b, hkv, g * t, dk), k.float().transpose(-1, -2))  # [B, Hkv, G·T, T]
        z = self._cap(z.view(b, hkv, g, t, t))
        z = z.masked_fill(~allowed[:, None, None], self.cfg.attn_mask_fill)
        p = torch.softmax(z, dim=-1).to(v.dtype)  # [B, Hkv, G, T, T]
        o = torch.matmul(p.view(b, hkv, g * t, t), v).view(b, hkv, g, t, dk)
        return self._merge(o), LayerCache(k=k, v=v)

    def forward_candidates(self, x: torch.Tensor, rope: Rope, cache: LayerCache, blocked: torch.Tensor) -> torch.Tensor:
        """x [B, c, D] candidates; keys = cached prefix [B, Hkv, O, dk] + each candidate's own key.

        `blocked` [B, 1, 1, c, O+1] marks invalid keys (padded prefix slots, a padded candidate's own key).
        A candidate's q and own k sit at the same position, and RoPE is a rotation, so the self logit
        needs no RoPE at all: (R q)·(R k) = q·k.
        """
        b, c, _ = x.shape
        q, k, v = self._qkv(x)  # q [B, c, Hkv, G, dk]; k, v [B, c, Hkv, dk]
        hkv, g, dk = q.shape[2], q.shape[3], q.shape[4]
        o_len = cache.k.shape[2]
        z_self = (q.float() * k.float().unsqueeze(3)).sum(dim=-1)  # [B, c, Hkv, G]
        q_rot = apply_rope(q.permute(0, 2, 3, 1, 4), rope).float()  # [B, Hkv, G, c, dk]
        z_prefix = torch.matmul(q_rot.reshape(b, hkv, g * c, dk), cache.k.float().transpose(-1, -2))  # [B, Hkv, G·c, O]
        z = torch.cat([z_prefix.view(b, hkv, g, c, o_len), z_self.permute(0, 2, 3, 1).unsqueeze(-1)], dim=-1)
        p = torch.softmax(self._cap(z).masked_fill_(blocked, self.cfg.attn_mask_fill), dim=-1).to(v.dtype)
        o = torch.matmul(p[..., :o_len].reshape(b, hkv, g * c, o_len), cache.v).view(b, hkv, g, c, dk)
        o = o + p[..., o_len:] * v.permute(0, 2, 1, 3).unsqueeze(2)  # own value [B, Hkv, 1, c, dk]
        return self._merge(o)


class FeedForward(nn.Module):
    """(gelu_tanh(x·W1) ⊙ (x·Wv))·Wo with the grok width rule."""

    def __init__(self, cfg: TransformerConfig) -> None:
        super().__init__()
        f = cfg.ffn_size
        self.gate = Linear(cfg.emb_size, f)  # upstream `linear`
        self.value = Linear(cfg.emb_size, f)  # upstream `linear_v`
        self.down = Linear(f, cfg.emb_size)  # upstream `linear_1`

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.gate.weight.shape[0]
        gv = F.linear(x, torch.cat([self.gate.weight, self.value.weight]).to(x.dtype))  # [.., 2F], one matmul
        out: torch.Tensor = self.down(F.gelu(gv[..., :f], approximate="tanh") * gv[..., f:])
        return out


class DecoderLayer(nn.Module):
    def __init__(self, cfg: TransformerConfig) -> None:
        super().__init__()
        eps = cfg.rms_norm_eps
        self.pre_attn_norm = RMSNorm(cfg.emb_size, eps)  # N0, upstream `rms_norm`
        self.attn = Attention(cfg)
        self.post_attn_norm = RMSNorm(cfg.emb_size, eps)  # N1, `rms_norm_1`
        self.pre_ffn_norm = RMSNorm(cfg.emb_size, eps)  # N2, `rms_norm_2`
        self.ffn = FeedForward(cfg)
        self.post_ffn_norm = RMSNorm(cfg.emb_size, eps)  # N3, `rms_norm_3`

    def forward(self, x: torch.Tensor, rope: Rope, allowed: torch.Tensor) -> tuple[torch.Tensor, LayerCache]:
        a, cache = self.attn(self.pre_attn_norm(x), rope, allowed)
        h = x + self.post_attn_norm(a)
        return h + self.post_ffn_norm(self.ffn(self.pre_ffn_norm(h))), cache

    def forward_candidates(self, x: torch.Tensor, rope: Rope, cache: LayerCache, blocked: torch.Tensor) -> torch.Tensor:
        a = self.attn.forward_candidates(self.pre_attn_norm(x), rope, cache, blocked)
        h = x + self.post_attn_norm(a)
        out: torch.Tensor = h + self.post_ffn_norm(self.ffn(self.pre_ffn_norm(h)))
        return out


@dataclass(frozen=True)
class TransformerOutput:
    hidden: torch.Tensor  # [B, T, D] after the last layer (no final norm)
    layer_outputs: list[torch.Tensor]  # L × [B, T, D], residual stream after each layer
    caches: list[LayerCache]  # L × keys/values


class Transformer(nn.Module):
    def __init__(self, cfg: TransformerConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.layers = nn.ModuleList([DecoderLayer(cfg) for _ in range(cfg.num_layers)])

    def rope(self, positions: torch.Tensor) -> Rope:
        return rope_tables(positions, self.cfg.key_size, self.cfg.rope_base)

    def forward(self, x: torch.Tensor, positions: torch.Tensor, allowed: torch.Tensor) -> TransformerOutput:
        """x [B, T, D], positions [T], allowed [B, T, T]."""
        rope = self.rope(positions.to(x.device))
        outs: list[torch.Tensor] = []
        caches: list[LayerCache] = []
        for layer in self.layers:
            x, cache = layer(x, rope, allowed)
            outs.append(x)
            caches.append(cache)
        return TransformerOutput(hidden=x, layer_outputs=outs, caches=caches)

    def forward_candidates(
        self,
        x: torch.Tensor,
        positions: torch.Tensor,
        caches: list[LayerCache],
        prefix_valid: torch.Tensor,
        self_valid: torch.Tensor,
    ) -> torch.Tensor:
        """x [B, c, D] candidates at `positions` [c] against per-layer prefix caches -> [B, c, D]."""
        rope = self.rope(positions.to(x.device))
        b, c = self_valid.shape
        o_len = prefix_valid.shape[1]
        blocked = ~torch.cat(
            [prefix_valid[:, None, None, None, :].expand(b, 1, 1, c, o_len), self_valid[:, None, None, :, None]], dim=-1
        )  # [B, 1, 1, c, O+1], the same for every layer and head
        for layer, cache in zip(self.layers, caches, strict=True):
            assert isinstance(layer, DecoderLayer)  # for mypy: ModuleList items are Modules
            x = layer.forward_candidates(x, rope, cache, blocked)
        return x
