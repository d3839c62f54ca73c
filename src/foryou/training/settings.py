"""Training settings that act on a freshly built model rather than on the loop: the hash tables' initial
scale (`train.embedding_init_std`) and the transformer's dropout (`train.dropout`). Neither is part of the
model or its checkpoint."""

from __future__ import annotations

from torch import nn

from foryou.core.errors import ConfigError
from foryou.params import Params
from foryou.phoenix import redraw_embeddings, set_dropout
from foryou.phoenix.layers import EMBEDDING_INIT_STD


def apply_training_settings(model: nn.Module, params: Params, *, warm_started: bool = False) -> None:
    """Set dropout, and draw the tables again unless they already have SPEC's initial scale.

    A warm-started model keeps its copied tables, so it refuses another initial scale.
    """
    set_dropout(model, params.get_float("train.dropout"))
    std = params.get_float("train.embedding_init_std")
    if std == EMBEDDING_INIT_STD:
        return
    if warm_started:
        raise ConfigError("train.embedding_init_std would overwrite the tables a warm start copied")
    redraw_embeddings(model, std)
