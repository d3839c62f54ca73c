"""The MovieLens-100K leave-one-out full-ranking protocol (training-and-evaluation issue, SPEC §5.9).

Per user (ascending id): interactions sorted by timestamp, stable (file order breaks ties); last item =
test target, second to last = validation target; the model sees at most the last 50 items before the
target. Every item is ranked: rank = 1 + #items scored strictly higher than the target. HR@K, NDCG@K =
1/log2(rank + 1) if rank ≤ K, MRR@K = 1/rank if rank ≤ K, for K = 10 and 50, averaged over users —
"masked" with the user's own earlier items removed from the ranking, and "unmasked" without.
Two-stage scoring: retrieval scores every item; the ranker re-scores retrieval's top K and those K are
placed above the rest, in the ranker's order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

KS = (10, 50)
HISTORY_LEN = 50


def target_ranks(scores: np.ndarray, targets: np.ndarray, exclude: np.ndarray | None = None) -> np.ndarray:
    """rank = 1 + #items with a strictly higher score than the target (excluded items never count).

    scores [U, I], targets [U] item indices, exclude [U, I] bool (the target itself is never excluded).
    """
    rows = np.arange(len(targets))
    target_scores = scores[rows, targets][:, None]
    higher = scores > target_scores
    if exclude is not None:
        keep = ~exclude.copy()
        keep[rows, targets] = True
        higher &= keep
    ranks: np.ndarray = 1 + higher.sum(axis=1)
    return ranks


def rank_metrics(ranks: np.ndarray, ks: Sequence[int] = KS) -> dict[str, float]:
    out: dict[str, float] = {}
    r = ranks.astype(np.float64)
    for k in ks:
        hit = r <= k
        out[f"hr@{k}"] = float(hit.mean())
        out[f"ndcg@{k}"] = float(np.where(hit, 1.0 / np.log2(r + 1.0), 0.0).mean())
        out[f"mrr@{k}"] = float(np.where(hit, 1.0 / r, 0.0).mean())
    return out


def history_mask(sequences: Sequence[np.ndarray], num_items: int, drop_last: int) -> np.ndarray:
    """[U, I] True for every item the user interacted with before the target (all of it, not only 50)."""
    out = np.zeros((len(sequences), num_items), dtype=bool)
    for row, seq in enumerate(sequences):
        out[row, seq[: len(seq) - drop_last]] = True
    return out


def split_targets(sequences: Sequence[np.ndarray], split: str) -> tuple[np.ndarray, int]:
    """(targets [U], drop_last) for 'validation' (second to last item) or 'test' (last item)."""
    drop = {"validation": 2, "test": 1}[split]
    return np.array([seq[len(seq) - drop] for seq in sequences], dtype=np.int64), drop


def two_stage(retrieval: np.ndarray, top: np.ndarray, ranker: np.ndarray) -> np.ndarray:
    """Final scores [U, I]: retrieval's top-K items [U, K] get their ranker scores [U, K], shifted above
    every other item's retrieval score (order among the K is the ranker's, ties kept as ties)."""
    out = retrieval.astype(np.float64).copy()
    rows = np.arange(len(out))[:, None]
    rest = out.copy()
    rest[rows, top] = -np.inf
    floor = rest.max(axis=1, keepdims=True)  # best score outside the top K
    floor = np.where(np.isfinite(floor), floor, 0.0)
    rk = ranker.astype(np.float64)
    out[rows, top] = rk - rk.min(axis=1, keepdims=True) + floor + 1.0
    return out


def top_k_items(scores: np.ndarray, k: int) -> np.ndarray:
    """[U, K] indices of the K best items per row (stable: ties to the lower index)."""
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]


def evaluate_split(
    scores: np.ndarray, sequences: Sequence[np.ndarray], split: str, ks: Sequence[int] = KS
) -> dict[str, dict[str, float]]:
    """Both modes for one split: {'masked': {...}, 'unmasked': {...}}."""
    targets, drop = split_targets(sequences, split)
    mask = history_mask(sequences, scores.shape[1], drop)
    return {
        "masked": rank_metrics(target_ranks(scores, targets, mask), ks),
        "unmasked": rank_metrics(target_ranks(scores, targets), ks),
    }
