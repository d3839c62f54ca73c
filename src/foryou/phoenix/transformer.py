"""The Grok-style decoder of Phoenix (SPEC §5.3, golden README §6.3–6.5).

Sandwich RMSNorm (h = x + N1(Attn(N0 x)); y = h + N3(FFN(N2 h))), split-halves RoPE, grouped-query
attention whose q·k logits are scaled only by `attn_output_multiplier`, soft-capped as 30·tanh(z/30),
masked with a finite fill, and a gated tanh-GELU FFN.

Soft-cap arithmetic: t = tanh(α·z) with α = m/cap folded into Wq, capped logits cap·t ∈ [−cap, cap], and
the unnormalised softmax weights are exp(cap·t) ∈ [e^−cap, e^cap] without any shift: bounded, so they can
neither overflow nor become subnormal for cap ≤ 40, and the two paths exponentiate identical logits.
Blocked keys get weight 0 after the exp, and a row without any valid key is uniform — what upstream's
finite −1e30 fill produces, never NaN. Two ways through every layer: `forward` — a full sequence under an
explicit [B, T, T] mask (training, parity), returning each layer's keys/values; `forward_candidates` — a
chunk of candidates attending to cached prefix keys/values plus itself (serving), with no
candidate×candidate work at all.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import cast

import torch
import torch.nn.functional as F
from torch import nn

from foryou.phoenix.config import TransformerConfig
from foryou.phoenix.layers import Linear, RMSNorm

LOG2_E = 1.0 / math.log(2.0)  # exp(y) = 2^(y·log2 e)
QKV_CACHE_ENTRIES = 4  # fused q/k/v weights kept per layer: (position, scale) variants in use


@dataclass(frozen=True)
class Rope:
    cos: torch.Tensor  # [T, dk] float32
    sin: torch.Tensor  # [T, dk] float32


def rope_tables(positions: torch.Tensor, key_size: int, base: float) -> Rope:
    """cos/sin of position·inv_freq, the dk/2 frequencies repeated as two halves."""
    steps = torch.arange(0, key_size, 2, dtype=torch.float32, device=positions.device)
    inv_freq = 1.0 / (base ** (steps / key_size))  # [dk/2]
    angle = positions.to(torch.float32)[:, None] * inv_freq[None, :]  # [T, dk/2]
    angle = torch.cat([angle, angle], dim=-1)  # [T, dk]
    return Rope(cos=angle.cos(), sin=angle.sin())


def apply_rope(x: torch.Tensor, rope: Rope) -> torch.Tensor:
    """x' = x ⊙ cos + rotate_half(x) ⊙ sin, rotate_half([x1, x2]) = [−x2, x1]; x [..., T, dk]."""
    x1, x2 = x.chunk(2, dim=-1)
    rotated = torch.cat([-x2, x1], dim=-1)
    return (x * rope.cos.to(x.dtype) + rotated * rope.sin.to(x.dtype)).to(x.dtype)


@dataclass(frozen=True)
class SequenceMask:
    """Blocked keys of a full sequence, built once and shared by every layer and head."""

    blocked: torch.Tensor | None  # [B, 1, 1, T, T]; None when nothing is blocked
    dead: torch.Tensor | None  # [B, 1, 1, T, 1] rows without any valid key (made uniform); None if none

    @classmethod
    def build(cls, allowed: torch.Tensor) -> SequenceMask:
        """From allowed [B, T, T]."""
        blocked = ~allowed[:, None, None]  # [B, 1, 1, T, T]
        dead = blocked.all(dim=-1, keepdim=True)  # [B, 1, 1, T, 1]
        if not bool(dead.any()):
            return cls(blocked if bool(blocked.any()) else None, None)
        blocked = blocked & ~dead
        return cls(blocked if bool(blocked.any()) else None, dead)


@dataclass(frozen=True)
class CandidateMask:
    """Blocked keys of a candidate chunk, built once and shared by every layer and head."""

    prefix_blocked: torch.Tensor | None  # [B, 1, 1|c, O] padded prefix keys; None when none is padded
    self_blocked: torch.Tensor | None  # [B, 1, c, 1] a padded candidate's own key; None when none
    dead: torch.Tensor | None  # [B, 1, c, 1] candidate rows without any valid key; None if none
    shared_position: bool  # every candidate at one RoPE position
    shared_at: int | None = None  # that position

    @classmethod
    def build(cls, prefix_valid: torch.Tensor, self_valid: torch.Tensor, *, shared_position: bool) -> CandidateMask:
        """From key validity prefix [B, O] and candidates [B, c]."""
        prefix_blocked = ~prefix_valid[:, None, None, :]  # [B, 1, 1, O]
        self_blocked = ~self_valid[:, None, :, None]  # [B, 1, c, 1]
        dead: torch.Tensor | None = prefix_blocked.all(dim=-1, keepdim=True) & self_blocked  # [B, 1, c, 1]
        if dead is not None and bool(dead.any()):
            prefix_blocked, self_blocked = prefix_blocked & ~dead, self_blocked & ~dead
        else:
            dead = None
        return cls(
            prefix_blocked=prefix_blocked if bool(prefix_blocked.any()) else None,
            self_blocked=self_blocked if bool(self_blocked.any()) else None,
            dead=dead,
            shared_position=shared_position,
        )


@dataclass(frozen=True)
class LayerCache:
    k: torch.Tensor  # [B, Hkv, O, dk], RoPE applied
    v: torch.Tensor  # [B, Hkv, O, dk]


def _split3(qkv: torch.Tensor, c: TransformerConfig) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    nq, nkv = c.num_q_heads * c.key_size, c.num_kv_heads * c.key_size
    return qkv[..., :nq], qkv[..., nq : nq + nkv], qkv[..., nq + nkv :]


def _rotate_rows(w: torch.Tensor, rope: Rope, key_size: int) -> torch.Tensor:
    """RoPE of one position applied to each head's dk output rows of a weight [H·dk, D]."""
    heads = w.view(-1, key_size, w.shape[1]).transpose(1, 2)  # [H, D, dk]
    return apply_rope(heads, rope).transpose(1, 2).reshape(w.shape)


class Attention(nn.Module):
    def __init__(self, cfg: TransformerConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.q = Linear(cfg.emb_size, cfg.num_q_heads * cfg.key_size)
        self.k = Linear(cfg.emb_size, cfg.num_kv_heads * cfg.key_size)
        self.v = Linear(cfg.emb_size, cfg.num_kv_heads * cfg.key_size)
        self.o = Linear(cfg.num_q_heads * cfg.key_size, cfg.emb_size)
        self._weight_cache: dict[tuple[object, ...], torch.Tensor] = {}

    def _qkv_weight(
        self, rotate: Rope | None, position: int | None, q_scale: float, dtype: torch.dtype
    ) -> torch.Tensor:
        """[(Hq+2Hkv)·dk, D]: Wq (scaled, and rotated to `position` when given), Wk (likewise), Wv.

        Without gradients the result is kept until a weight, the position, the scale or the dtype changes
        (tensor version counters), so serving pays for it once per model rather than once per chunk.
        """
        weights = (self.q.weight, self.k.weight, self.v.weight)
        key = (position, q_scale, dtype, *(t._version for t in weights), *(t.data_ptr() for t in weights))
        cached = None if torch.is_grad_enabled() else self._weight_cache.get(key)
        if cached is not None:
            return cached
        c = self.cfg
        wq: torch.Tensor = self.q.weight if q_scale == 1.0 else self.q.weight * q_scale
        wk: torch.Tensor = self.k.weight
        if rotate is not None:
            wq, wk = _rotate_rows(wq, rotate, c.key_size), _rotate_rows(wk, rotate, c.key_size)
        w = torch.cat([wq, wk, self.v.weight]).to(dtype)
        if not torch.is_grad_enabled():
            # stale entries go; serving alternates between two: the prefix (no rotation) and the candidates
            current = {k: t for k, t in self._weight_cache.items() if k[3:] == key[3:] and k[2] == dtype}
            self._weight_cache = {**dict(list(current.items())[-(QKV_CACHE_ENTRIES - 1) :]), key: w}
        return w

    def _qkv(
        self, x: torch.Tensor, rotate: Rope | None = None, q_scale: float = 1.0, position: int | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """q [B, T, Hkv, G, dk] (head j = kv·G + g reads kv head j // G), k, v [B, T, Hkv, dk], one matmul.

        With `rotate` (the RoPE of the single `position`), RoPE is folded into the q and k weights:
        R·(W x) = (R·W) x; `q_scale` is folded into the q weights likewise.
        """
        c = self.cfg
        w = self._qkv_weight(rotate, position, q_scale, x.dtype)
        q, k, v = _split3(F.linear(x, w), c)
        lead = x.shape[:-1]
        return (
            q.view(*lead, c.num_kv_heads, c.q_groups, c.key_size),
            k.view(*lead, c.num_kv_heads, c.key_size),
            v.view(*lead, c.num_kv_heads, c.key_size),
        )

    def _project(self, x: torch.Tensor, rope: Rope) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """RoPE'd α·q [B, Hkv, G, T, dk], k [B, Hkv, T, dk] and v [B, Hkv, T, dk]."""
        q, k, v = self._qkv(x, None, self._alpha)
        q = apply_rope(q.permute(0, 2, 3, 1, 4), rope)
        k = apply_rope(k.transpose(1, 2), rope)
        return q, k, v.transpose(1, 2)

    @property
    def _alpha(self) -> float:
        """Folded into Wq: α·(q·k) = m·z / cap, the argument of tanh in the soft-cap."""
        return self.cfg.attn_output_multiplier / self.cfg.attn_logit_softcap

    def _weights(self, z: torch.Tensor, blocked: torch.Tensor | None, dead: torch.Tensor | None) -> torch.Tensor:
        """Unnormalised softmax weights exp(cap·tanh(z)) of the α-scaled logits z; 0 where blocked, 1 in dead rows.

        Computed as 2^(cap·log2(e)·t): torch's CPU exp2 is ~2× faster than exp at the same accuracy
        (the argument's rounding, ≤ |cap·t|·6e-8 relative, dominates both). Without gradients z is
        overwritten (one buffer for logits and weights instead of three).
        """
        cap2 = self.cfg.attn_logit_softcap * LOG2_E
        if torch.is_grad_enabled():
            e = torch.exp2(torch.tanh(z) * cap2)
            e = e if blocked is None else e.masked_fill(blocked, 0.0)
            return e if dead is None else e.masked_fill(dead, 1.0)  # a row without valid keys: uniform
        e = z.tanh_().mul_(cap2).exp2_()
        if blocked is not None:
            e.masked_fill_(blocked, 0.0)
        return e if dead is None else e.masked_fill_(dead, 1.0)

    def _merge(self, o: torch.Tensor) -> torch.Tensor:
        """[B, Hkv, G, T, dk] -> heads concatenated in order [B, T, Hq·dk] -> [B, T, D]."""
        b, _, _, t, _ = o.shape
        out: torch.Tensor = self.o(o.permute(0, 3, 1, 2, 4).reshape(b, t, -1))
        return out

    def forward(self, x: torch.Tensor, rope: Rope, mask: SequenceMask) -> tuple[torch.Tensor, LayerCache]:
        """x [B, T, D] -> ([B, T, D], this layer's keys/values)."""
        b, t, _ = x.shape
        q, k, v = self._project(x, rope)
        hkv, g, dk = q.shape[1], q.shape[2], q.shape[4]
        z = torch.matmul(q.float().reshape(b, hkv, g * t, dk), k.float().transpose(-1, -2))  # [B, Hkv, G·T, T]
        e = self._weights(z.view(b, hkv, g, t, t), mask.blocked, mask.dead)  # [B, Hkv, G, T, T]
        denom = e.sum(dim=-1, keepdim=True)  # [B, Hkv, G, T, 1]
        o = torch.matmul(e.to(v.dtype).view(b, hkv, g * t, t), v).view(b, hkv, g, t, dk)
        o = (o.float() / denom).to(v.dtype)
        return self._merge(o), LayerCache(k=k, v=v.contiguous())

    def forward_candidates(self, x: torch.Tensor, rope: Rope, cache: LayerCache, mask: CandidateMask) -> torch.Tensor:
        """x [B, c, D] candidates; keys = cached prefix [B, Hkv, O, dk] + each candidate's own key.

        Same function as `forward` restricted to candidate rows, arranged for speed:
        - a candidate's q and own k share a position and RoPE is a rotation, so the self logit needs no
          RoPE ((R q)·(R k) = q·k); with shared positions RoPE is folded into the q/k weights;
        - the softmax over [prefix keys, own key] is written out: prefix weights [c, O] from one batched
          matmul, the own key's weight per row, a joint denominator; the self value enters as the
          starting value of the weights·values matmul (baddbmm). No [c, O+1] tensor, no concat, no mask
          unless something is padded.
        """
        b, c, _ = x.shape
        if mask.shared_position:
            q_rot, k, v = self._qkv(x, rope, self._alpha, mask.shared_at)  # q, k rotated to the shared position
            q = q_rot
        else:
            q, k, v = self._qkv(x, None, self._alpha)
            q_rot = apply_rope(q.transpose(1, 3), rope).transpose(1, 3)  # rope over [.., c, dk]
        hkv, g, dk = q.shape[2], q.shape[3], q.shape[4]
        o_len = cache.k.shape[2]
        rows = (b, hkv, g * c)  # query rows ordered (kv head, group, candidate)
        q_rows = q_rot.permute(0, 2, 3, 1, 4).reshape(b * hkv, g * c, dk).float()  # [B·Hkv, G·c, dk]
        keys = cache.k.float().reshape(b * hkv, o_len, dk)
        z_prefix = torch.bmm(q_rows, keys.transpose(1, 2)).view(*rows, o_len)  # [B, Hkv, G·c, O]
        z_self = (q.float() * k.float().unsqueeze(3)).sum(dim=-1)  # [B, c, Hkv, G]
        z_self = z_self.permute(0, 2, 3, 1).reshape(*rows, 1)  # [B, Hkv, G·c, 1]
        dead = None if mask.dead is None else mask.dead.repeat(1, 1, g, 1)  # rows ordered (group, candidate)
        prefix_blocked = mask.prefix_blocked
        if prefix_blocked is not None and prefix_blocked.shape[2] > 1:
            prefix_blocked = prefix_blocked.repeat(1, 1, g, 1)
        self_blocked = None if mask.self_blocked is None else mask.self_blocked.repeat(1, 1, g, 1)
        e_prefix = self._weights(z_prefix, prefix_blocked, dead)  # [B, Hkv, G·c, O]
        e_self = self._weights(z_self, self_blocked, dead)  # [B, Hkv, G·c, 1]
        denom = e_prefix.sum(dim=-1, keepdim=True).add_(e_self)  # [B, Hkv, G·c, 1]
        v_self = v.permute(0, 2, 1, 3).unsqueeze(2)  # [B, Hkv, 1, c, dk]
        self_term = torch.empty((b * hkv, g * c, dk), dtype=v.dtype, device=v.device)
        torch.mul(e_self.view(b, hkv, g, c, 1), v_self, out=self_term.view(b, hkv, g, c, dk))
        o = torch.baddbmm(
            self_term,
            e_prefix.to(v.dtype).view(b * hkv, g * c, o_len),
            cache.v.reshape(b * hkv, o_len, dk),
        )  # [B·Hkv, G·c, dk]: Σ_prefix e·v + e_self·v_self
        o = o.float().view(*rows, dk).div_(denom).to(v.dtype)  # o is fresh: normalise in place
        return self._merge(o.view(b, hkv, g, c, dk))


# gelu_tanh(x) = x·(1 + tanh(u))/2 = x·σ(2u) with u = √(2/π)·(x + 0.044715·x³): an exact identity. The σ
# form is ~4× faster than torch's CPU tanh-GELU and more precise where 1 + tanh(u) cancels (x ≪ 0).
GELU_C1 = 2.0 * math.sqrt(2.0 / math.pi)
GELU_C3 = GELU_C1 * 0.044715


def gated_gelu_tanh(gate: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
    """gelu_tanh(gate) ⊙ value, elementwise, computed in float32 (like torch's GELU for low-precision inputs)."""
    dtype = gate.dtype
    gate, value = gate.float(), value.float()
    if torch.is_grad_enabled():
        return (gate * torch.sigmoid(gate * (GELU_C1 + GELU_C3 * gate * gate)) * value).to(dtype)
    s = torch.addcmul(gate.new_tensor(GELU_C1), gate, gate, value=GELU_C3).mul_(gate).sigmoid_()  # σ(2u)
    return s.mul_(gate).mul_(value).to(dtype)


class FeedForward(nn.Module):
    """(gelu_tanh(x·W1) ⊙ (x·Wv))·Wo with the grok width rule."""

    def __init__(self, cfg: TransformerConfig) -> None:
        super().__init__()
        f = cfg.ffn_size
        self.gate = Linear(cfg.emb_size, f)  # upstream `linear`
        self.value = Linear(cfg.emb_size, f)  # upstream `linear_v`
        self.down = Linear(f, cfg.emb_size)  # upstream `linear_1`
        self._weight_cache: dict[tuple[object, ...], torch.Tensor] = {}

    def _up_weight(self, dtype: torch.dtype) -> torch.Tensor:
        """[2F, D]: W1 and Wv stacked; kept between calls without gradients, like `Attention._qkv_weight`."""
        weights = (self.gate.weight, self.value.weight)
        key = (dtype, *(t._version for t in weights), *(t.data_ptr() for t in weights))
        cached = None if torch.is_grad_enabled() else self._weight_cache.get(key)
        if cached is not None:
            return cached
        w = torch.cat(weights).to(dtype)
        if not torch.is_grad_enabled():
            self._weight_cache = {key: w}
        return w

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.gate.weight.shape[0]
        gv = F.linear(x, self._up_weight(x.dtype))  # [.., 2F], one matmul
        out: torch.Tensor = self.down(gated_gelu_tanh(gv[..., :f], gv[..., f:]))
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

    def forward(
        self, x: torch.Tensor, rope: Rope, mask: SequenceMask, dropout: float = 0.0
    ) -> tuple[torch.Tensor, LayerCache]:
        a, cache = self.attn(self.pre_attn_norm(x), rope, mask)
        if dropout > 0.0:  # training only: each branch is dropped after its norm, before the residual add
            h = x + F.dropout(self.post_attn_norm(a), dropout)
            return h + F.dropout(self.post_ffn_norm(self.ffn(self.pre_ffn_norm(h))), dropout), cache
        h = self.post_attn_norm.add_to(x, a)  # x + N1(a)
        return self.post_ffn_norm.add_to(h, self.ffn(self.pre_ffn_norm(h))), cache  # h + N3(FFN(N2 h))

    def forward_candidates(self, x: torch.Tensor, rope: Rope, cache: LayerCache, mask: CandidateMask) -> torch.Tensor:
        a = self.attn.forward_candidates(self.pre_attn_norm(x), rope, cache, mask)
        h = self.post_attn_norm.add_to(x, a)
        return self.post_ffn_norm.add_to(h, self.ffn(self.pre_ffn_norm(h)))


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
        # Dropout rate of the input tokens and of every residual branch, in training mode only: a training
        # setting (`train.dropout`, set by `set_dropout`), not part of the model, so never saved.
        self.dropout = 0.0

    def rope(self, positions: torch.Tensor) -> Rope:
        return rope_tables(positions, self.cfg.key_size, self.cfg.rope_base)

    def forward(self, x: torch.Tensor, positions: torch.Tensor, allowed: torch.Tensor) -> TransformerOutput:
        """x [B, T, D], positions [T], allowed [B, T, T]."""
        rope = self.rope(positions.to(x.device))
        mask = SequenceMask.build(allowed)
        p = self.dropout if self.training else 0.0
        if p > 0.0:
            x = F.dropout(x, p)
        outs: list[torch.Tensor] = []
        caches: list[LayerCache] = []
        for layer in self.layers:
            x, cache = layer(x, rope, mask, p)
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
        shared = positions.numel() > 0 and bool((positions == positions[0]).all())
        rope = self.rope((positions[:1] if shared else positions).to(x.device))
        mask = CandidateMask.build(prefix_valid, self_valid, shared_position=shared)
        if shared:
            mask = dataclasses.replace(mask, shared_at=int(positions[0]))
        for layer, cache in zip(self.layers, caches, strict=True):
            x = cast(DecoderLayer, layer).forward_candidates(x, rope, cache, mask)
        return x


def set_dropout(model: nn.Module, rate: float) -> int:
    """Set the training dropout rate of every Phoenix transformer inside `model`; returns how many."""
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"dropout rate must be in [0, 1), not {rate}")
    found = [m for m in model.modules() if isinstance(m, Transformer)]
    for m in found:
        m.dropout = rate
    return len(found)
