"""Training settings applied to a new model: the tables' initial scale and dropout."""

from __future__ import annotations

import pytest
import torch
from tiny_training_data import ranker_config, retrieval_config

from foryou.core.errors import ConfigError
from foryou.params import load_params
from foryou.phoenix import PhoenixRanker, RetrievalModel, redraw_embeddings
from foryou.training import apply_training_settings


def test_default_settings_leave_the_model_as_built() -> None:
    torch.manual_seed(0)
    model = PhoenixRanker(ranker_config())
    before = {k: v.clone() for k, v in model.state_dict().items()}
    apply_training_settings(model, load_params())
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert model.transformer.dropout == 0.0


@pytest.mark.parametrize("std", [0.5, 1.0])
def test_embedding_init_std_redraws_every_table_and_keeps_padding_zero(std: float) -> None:
    torch.manual_seed(0)
    model = RetrievalModel(retrieval_config())
    params = load_params().with_overrides({"train.embedding_init_std": std, "train.dropout": 0.1})
    apply_training_settings(model, params)
    for table in (model.tables.user, model.tables.post, model.tables.author):
        assert torch.all(table.weight[0] == 0)
        assert table.weight[1:].std().item() == pytest.approx(std, rel=0.2)
    assert model.transformer.dropout == 0.1


def test_a_warm_started_model_keeps_its_tables() -> None:
    model = PhoenixRanker(ranker_config())
    params = load_params().with_overrides({"train.embedding_init_std": 1.0})
    with pytest.raises(ConfigError, match="warm start"):
        apply_training_settings(model, params, warm_started=True)


def test_redraw_refuses_a_scale_out_of_range() -> None:
    with pytest.raises(ValueError, match="std"):
        redraw_embeddings(PhoenixRanker(ranker_config()), 0.0)
