"""Scoring MovieLens-100K with trained Phoenix checkpoints under the leave-one-out protocol.

`Ml100kEvaluator` holds the dataset; it validates a retrieval model alone (used to select checkpoints
during training), builds two-stage score matrices, and produces the JSON of `foryou eval ml100k`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from torch import nn

from foryou.core.errors import ConfigError
from foryou.data import fetch_ml100k, load_items, load_ratings
from foryou.evaluation.ml100k import HISTORY_LEN, evaluate_split, split_targets, top_k_items, two_stage
from foryou.phoenix import PhoenixRanker, RetrievalModel
from foryou.training import Ml100kData, MlInputs, build_ml100k_data, ranker_logits, retrieval_scores


def load_ml100k(home: Path) -> Ml100kData:
    directory = fetch_ml100k(home)
    return build_ml100k_data(load_ratings(directory), load_items(directory))


class Ml100kEvaluator:
    def __init__(self, data: Ml100kData) -> None:
        self.data = data

    def _inputs(self, model: RetrievalModel | PhoenixRanker) -> MlInputs:
        return MlInputs(self.data, model.config.inputs, use_user_token=True)

    def _histories(self, split: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        _, drop = split_targets(self.data.sequences, split)
        users = np.arange(len(self.data.users))
        return MlInputs.histories_of(self.data, drop_last=drop, length=HISTORY_LEN, users=users)

    def retrieval_matrix(self, model: RetrievalModel, split: str) -> np.ndarray:
        return retrieval_scores(model, self._inputs(model), *self._histories(split))

    def scores(self, retrieval: RetrievalModel, ranker: PhoenixRanker | None, split: str, k: int) -> np.ndarray:
        """[U, I] float32 final scores (unmasked) of one split."""
        base = self.retrieval_matrix(retrieval, split)
        if ranker is None or k <= 0:
            return base
        top = top_k_items(base, k)
        logits = ranker_logits(ranker, self._inputs(ranker), *self._histories(split), top)
        return two_stage(base, top, logits).astype(np.float32)

    def validate_retrieval(self, model: nn.Module) -> dict[str, float]:
        if not isinstance(model, RetrievalModel):
            raise ConfigError(f"validate_retrieval needs a RetrievalModel, not {type(model).__name__}")
        return _flat(evaluate_split(self.retrieval_matrix(model, "validation"), self.data.sequences, "validation"))

    def validator_for_ranker(self, retrieval: RetrievalModel, k: int) -> Any:
        base = self.retrieval_matrix(retrieval, "validation")
        top = top_k_items(base, k)
        hist = self._histories("validation")

        def validate(model: nn.Module) -> dict[str, float]:
            if not isinstance(model, PhoenixRanker):
                raise ConfigError(f"the ranker validator needs a PhoenixRanker, not {type(model).__name__}")
            logits = ranker_logits(model, self._inputs(model), *hist, top)
            final = two_stage(base, top, logits).astype(np.float32)
            flat = _flat(evaluate_split(final, self.data.sequences, "validation"))
            # Both are goals, and a ranker moves the unmasked one most (it can push the user's own movies
            # down; retrieval cannot): select on their sum (decision 91).
            flat["score"] = flat["masked_ndcg@10"] + flat["unmasked_ndcg@10"]
            return flat

        return validate

    def report(self, retrieval: RetrievalModel, ranker: PhoenixRanker | None, k: int) -> dict[str, Any]:
        out: dict[str, Any] = {"dataset": "ml-100k", "users": len(self.data.users), "items": self.data.num_items}
        for split in ("validation", "test"):
            out[split] = evaluate_split(self.scores(retrieval, ranker, split, k), self.data.sequences, split)
        out["retrieval_only_test"] = evaluate_split(
            self.retrieval_matrix(retrieval, "test"), self.data.sequences, "test"
        )
        return out


def _flat(result: dict[str, dict[str, float]]) -> dict[str, float]:
    flat = {f"{mode}_{k}": v for mode, metrics in result.items() for k, v in metrics.items()}
    flat["score"] = flat["masked_ndcg@10"]
    return flat
