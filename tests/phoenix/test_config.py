"""Phoenix configs: the FFN size rule, the parameter registry, validation."""

from __future__ import annotations

import pytest

from foryou.core.errors import ConfigError
from foryou.params import Params
from foryou.phoenix import InputConfig, PhoenixConfig, RetrievalConfig, TransformerConfig, ffn_size


@pytest.mark.parametrize(("d", "wf", "f"), [(128, 2, 176), (96, 3, 192), (512, 2, 688), (64, 2, 88), (48, 2, 64)])
def test_ffn_size_rule(d: int, wf: float, f: int) -> None:
    assert ffn_size(d, wf) == f


def test_from_params_defaults_and_overrides() -> None:
    cfg = PhoenixConfig.from_params(Params())
    assert cfg == PhoenixConfig()
    assert cfg.transformer.ffn_size == 176 and cfg.inputs.hash_family == "splitmix64-v1"
    custom = PhoenixConfig.from_params(
        Params(
            {"phoenix.num_q_heads": 4, "phoenix.candidate_positions": "sequential", "phoenix.fprop_dtype": "bfloat16"}
        )
    )
    assert custom.transformer.num_q_heads == 4 and custom.transformer.q_groups == 2
    assert custom.candidate_positions == "sequential" and str(custom.dtype) == "torch.bfloat16"
    assert RetrievalConfig.from_params(Params()).transformer == cfg.transformer


def test_round_trip_through_dict() -> None:
    cfg = PhoenixConfig(prefix_attention="bidirectional", rank_chunk_size=7)
    assert PhoenixConfig.from_dict(cfg.to_dict()) == cfg


@pytest.mark.parametrize(
    "make",
    [
        lambda: TransformerConfig(num_q_heads=3, num_kv_heads=2),
        lambda: TransformerConfig(key_size=7),
        lambda: InputConfig(vocab_post=1),
        lambda: InputConfig(hash_family="murmur3"),
        lambda: PhoenixConfig(candidate_positions="random"),  # type: ignore[arg-type]
        lambda: PhoenixConfig.from_dict({"transformer": {}, "inputs": {}, "bogus": 1}),
    ],
)
def test_invalid_configs_are_refused(make: object) -> None:
    with pytest.raises(ConfigError):
        make()  # type: ignore[operator]
