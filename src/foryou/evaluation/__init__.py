"""Evaluation of trained Phoenix models: the MovieLens-100K leave-one-out protocol and the world's ground truth.

Top of the learn path (data → training → evaluation).
"""

from foryou.evaluation.ml100k import (
    HISTORY_LEN,
    KS,
    evaluate_split,
    history_mask,
    rank_metrics,
    split_targets,
    target_ranks,
    top_k_items,
    two_stage,
)
from foryou.evaluation.ml100k_run import Ml100kEvaluator, load_ml100k

__all__ = [
    "HISTORY_LEN",
    "KS",
    "Ml100kEvaluator",
    "evaluate_split",
    "history_mask",
    "load_ml100k",
    "rank_metrics",
    "split_targets",
    "target_ranks",
    "top_k_items",
    "two_stage",
]
