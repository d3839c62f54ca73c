"""Phoenix model configurations (SPEC §5.3–§5.5, parameters of §3.11).

`TransformerConfig` is the Grok-style decoder shared by both models; `PhoenixConfig` is the ranker and
`RetrievalConfig` the two-tower retrieval model. Every size is read from here (or from a golden file's
`config_json`), never hard-coded in the modules.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

import torch

from foryou.core.actions import NUM_ACTIONS, NUM_PRODUCT_SURFACES
from foryou.core.errors import ConfigError
from foryou.params import Params
from foryou.phoenix.hashing import HASH_FAMILY

PrefixAttention = Literal["causal", "bidirectional"]
CandidatePositions = Literal["shared", "sequential"]
FpropDtype = Literal["float32", "bfloat16"]


# Attention weights are computed as exp(2·cap·(s − 1)), s ∈ [0, 1] (see transformer.py); they stay normal
# float32 numbers (≥ e^−80) only while cap ≤ 40. Upstream's cap is the constant 30.
MAX_SOFTCAP = 40.0


def ffn_size(emb_size: int, widening_factor: float) -> int:
    """Hidden width of the gated FFN: int(wf·D)·2 // 3 rounded up to a multiple of 8 (upstream grok rule)."""
    f1 = (2 * int(widening_factor * emb_size)) // 3
    return f1 + ((8 - f1) % 8)


@dataclass(frozen=True)
class TransformerConfig:
    emb_size: int = 128  # D, the residual width
    num_layers: int = 2
    num_q_heads: int = 2
    num_kv_heads: int = 2  # grouped-query attention: must divide num_q_heads
    key_size: int = 64  # per-head width dk (= value size); even for RoPE's two halves
    widening_factor: float = 2.0
    attn_output_multiplier: float = 0.125  # the only scaling of q·k (upstream has no separate 1/sqrt(dk))
    rms_norm_eps: float = 1e-5
    rope_base: float = 10000.0
    attn_logit_softcap: float = 30.0  # logits -> cap·tanh(logits/cap)
    attn_mask_fill: float = -1e30  # finite, so a fully masked row is uniform instead of NaN

    def __post_init__(self) -> None:
        if self.num_kv_heads <= 0 or self.num_q_heads % self.num_kv_heads != 0:
            raise ConfigError(f"num_kv_heads={self.num_kv_heads} must divide num_q_heads={self.num_q_heads}")
        if self.key_size % 2 != 0:
            raise ConfigError(f"key_size={self.key_size} must be even (RoPE rotates two halves)")
        if not 0.0 < self.attn_logit_softcap <= MAX_SOFTCAP:
            raise ConfigError(f"attn_logit_softcap={self.attn_logit_softcap} must be in (0, {MAX_SOFTCAP}]")
        for name in ("emb_size", "num_layers", "num_q_heads", "key_size"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be positive")

    @property
    def ffn_size(self) -> int:
        return ffn_size(self.emb_size, self.widening_factor)

    @property
    def q_groups(self) -> int:
        """G = Hq / Hkv: query head j reads kv head j // G."""
        return self.num_q_heads // self.num_kv_heads


@dataclass(frozen=True)
class InputConfig:
    """Hash counts, table sizes and sequence lengths shared by the ranker and the retrieval user tower."""

    history_seq_len: int = 128  # S
    num_user_hashes: int = 2
    num_item_hashes: int = 2
    num_author_hashes: int = 2
    vocab_user: int = 100_000
    vocab_post: int = 100_000
    vocab_author: int = 30_000
    product_surface_vocab: int = NUM_PRODUCT_SURFACES
    num_actions: int = NUM_ACTIONS
    hash_family: str = HASH_FAMILY

    def __post_init__(self) -> None:
        if self.hash_family != HASH_FAMILY:
            raise ConfigError(f"unknown hash family {self.hash_family!r}; this code implements {HASH_FAMILY!r}")
        for name in ("vocab_user", "vocab_post", "vocab_author"):
            if getattr(self, name) < 2:
                raise ConfigError(f"{name} must be at least 2 (row 0 is padding)")


@dataclass(frozen=True)
class PhoenixConfig:
    """The ranker (SPEC §5.3, §5.4, §5.7)."""

    transformer: TransformerConfig = field(default_factory=TransformerConfig)
    inputs: InputConfig = field(default_factory=InputConfig)
    candidate_seq_len: int = 32  # C used in training; serving scores any number in chunks
    prefix_attention: PrefixAttention = "causal"
    candidate_positions: CandidatePositions = "shared"
    fprop_dtype: FpropDtype = "float32"
    dwell_time_cap_s: float = 600.0
    rank_chunk_size: int = 4096  # by measurement (decisions 65, 85): fewer, larger ops beat small chunks on CPU

    def __post_init__(self) -> None:
        if self.prefix_attention not in ("causal", "bidirectional"):
            raise ConfigError(f"phoenix.prefix_attention: {self.prefix_attention!r}")
        if self.candidate_positions not in ("shared", "sequential"):
            raise ConfigError(f"phoenix.candidate_positions: {self.candidate_positions!r}")
        if self.fprop_dtype not in ("float32", "bfloat16"):
            raise ConfigError(f"phoenix.fprop_dtype: {self.fprop_dtype!r}")
        if self.rank_chunk_size < 1:
            raise ConfigError("phoenix.rank_chunk_size must be >= 1")

    @property
    def dtype(self) -> torch.dtype:
        return torch.float32 if self.fprop_dtype == "float32" else torch.bfloat16

    @classmethod
    def from_params(cls, params: Params) -> PhoenixConfig:
        return cls(
            transformer=_transformer_from_params(params),
            inputs=_inputs_from_params(params),
            candidate_seq_len=params.get_int("phoenix.candidate_seq_len"),
            prefix_attention=_literal(params.get_str("phoenix.prefix_attention")),
            candidate_positions=_literal(params.get_str("phoenix.candidate_positions")),
            fprop_dtype=_literal(params.get_str("phoenix.fprop_dtype")),
            dwell_time_cap_s=float(params.get_int("phoenix.dwell_time_cap_s")),
            rank_chunk_size=params.get_int("phoenix.rank_chunk_size"),
        )

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PhoenixConfig:
        config: PhoenixConfig = _from_dict(cls, data)
        return config


@dataclass(frozen=True)
class RetrievalConfig:
    """The two-tower retrieval model (SPEC §5.5): user tower always causal, no final norm."""

    transformer: TransformerConfig = field(default_factory=TransformerConfig)
    inputs: InputConfig = field(default_factory=InputConfig)
    fprop_dtype: FpropDtype = "float32"

    @property
    def dtype(self) -> torch.dtype:
        return torch.float32 if self.fprop_dtype == "float32" else torch.bfloat16

    @classmethod
    def from_params(cls, params: Params) -> RetrievalConfig:
        return cls(
            transformer=_transformer_from_params(params),
            inputs=_inputs_from_params(params),
            fprop_dtype=_literal(params.get_str("phoenix.fprop_dtype")),
        )

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RetrievalConfig:
        config: RetrievalConfig = _from_dict(cls, data)
        return config


def _transformer_from_params(params: Params) -> TransformerConfig:
    return TransformerConfig(
        emb_size=params.get_int("phoenix.emb_size"),
        num_layers=params.get_int("phoenix.num_layers"),
        num_q_heads=params.get_int("phoenix.num_q_heads"),
        num_kv_heads=params.get_int("phoenix.num_kv_heads"),
        key_size=params.get_int("phoenix.key_size"),
        widening_factor=params.get_float("phoenix.widening_factor"),
        attn_output_multiplier=params.get_float("phoenix.attn_output_multiplier"),
    )


def _inputs_from_params(params: Params) -> InputConfig:
    return InputConfig(
        history_seq_len=params.get_int("phoenix.history_seq_len"),
        num_user_hashes=params.get_int("phoenix.num_user_hashes"),
        num_item_hashes=params.get_int("phoenix.num_item_hashes"),
        num_author_hashes=params.get_int("phoenix.num_author_hashes"),
        vocab_user=params.get_int("phoenix.vocab.user"),
        vocab_post=params.get_int("phoenix.vocab.post"),
        vocab_author=params.get_int("phoenix.vocab.author"),
    )


def _literal(value: str) -> Any:
    return value  # validated by the registry's choice list and again by __post_init__


def _from_dict(cls: Any, data: dict[str, Any]) -> Any:
    try:
        fields = dict(data)
        fields["transformer"] = TransformerConfig(**fields["transformer"])
        fields["inputs"] = InputConfig(**fields["inputs"])
        return cls(**fields)
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"invalid {cls.__name__} in checkpoint config: {exc}") from exc
