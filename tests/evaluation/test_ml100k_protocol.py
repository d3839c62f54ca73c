"""The MovieLens-100K protocol on hand-made examples: ties, masking, rank counting, two-stage placement."""

from __future__ import annotations

import math

import numpy as np

from foryou.evaluation import evaluate_split, history_mask, rank_metrics, split_targets, target_ranks, two_stage
from foryou.training import user_sequences


def test_stable_sort_keeps_file_order_for_equal_timestamps() -> None:
    user = np.array([2, 1, 2, 2, 1])
    item = np.array([10, 11, 12, 13, 14])
    ts = np.array([5, 3, 5, 4, 3])
    users, positions = user_sequences(user, item, ts)
    assert users.tolist() == [1, 2]
    assert [item[p].tolist() for p in positions] == [[11, 14], [13, 10, 12]]


def test_rank_counts_only_strictly_higher_scores() -> None:
    scores = np.array([[0.5, 0.9, 0.5, 0.1], [0.2, 0.2, 0.2, 0.2]])
    targets = np.array([0, 3])
    # row 0: only item 1 is strictly higher (the tie at item 2 does not count); row 1: all tied → rank 1
    assert target_ranks(scores, targets).tolist() == [2, 1]


def test_masking_removes_history_but_never_the_target() -> None:
    scores = np.array([[0.1, 0.9, 0.8, 0.7]])
    exclude = np.array([[True, True, False, False]])
    assert target_ranks(scores, np.array([3]), exclude).tolist() == [2]  # item 1 masked, item 2 still higher
    assert target_ranks(scores, np.array([0]), exclude).tolist() == [3]  # target itself is kept


def test_metrics_by_hand() -> None:
    ranks = np.array([1, 3, 11, 60])
    m = rank_metrics(ranks, ks=(10, 50))
    assert m["hr@10"] == 0.5 and m["hr@50"] == 0.75
    assert math.isclose(m["ndcg@10"], (1.0 + 1.0 / math.log2(4)) / 4)
    assert math.isclose(m["ndcg@50"], (1.0 + 1.0 / math.log2(4) + 1.0 / math.log2(12)) / 4)
    assert math.isclose(m["mrr@10"], (1.0 + 1.0 / 3) / 4)


def test_leave_one_out_targets_and_history_mask() -> None:
    seqs = [np.array([0, 1, 2, 3]), np.array([3, 2])]
    val, drop_v = split_targets(seqs, "validation")
    test, drop_t = split_targets(seqs, "test")
    assert val.tolist() == [2, 3] and test.tolist() == [3, 2]
    mask = history_mask(seqs, 4, drop_t)
    assert mask.tolist() == [[True, True, True, False], [False, False, False, True]]
    assert history_mask(seqs, 4, drop_v)[1].tolist() == [False, False, False, False]


def test_evaluate_split_masked_beats_unmasked_when_history_scores_high() -> None:
    seqs = [np.array([0, 1, 2])]
    scores = np.array([[0.9, 0.8, 0.7, 0.1]])  # test target 2 scores below its own history items 0 and 1
    out = evaluate_split(scores, seqs, "test", ks=(10,))
    assert out["masked"]["ndcg@10"] == 1.0
    assert math.isclose(out["unmasked"]["ndcg@10"], 1.0 / math.log2(4))


def test_two_stage_places_reranked_items_above_the_rest_in_ranker_order() -> None:
    retrieval = np.array([[0.9, 0.1, 0.8, 0.3, 0.7]])
    top = np.array([[0, 2]])
    final = two_stage(retrieval, top, np.array([[-5.0, 2.0]]))
    order = np.argsort(-final[0], kind="stable").tolist()
    assert order == [2, 0, 4, 3, 1]
    assert final[0, 4] == 0.7  # untouched outside the top K
