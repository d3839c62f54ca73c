"""The oracle answers with the simulator's own ground truth and ranks feeds against the best one."""

from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from foryou.core import Action, NotFoundError
from foryou.params import Params
from foryou.world import Oracle


@pytest.fixture(scope="module")
def oracle(small_world: Path) -> Oracle:
    return Oracle.load(small_world)


@pytest.fixture(scope="module")
def posts(small_world: Path) -> dict[str, np.ndarray]:
    t = pq.read_table(small_world / "posts.parquet", columns=["post_id", "author_id", "created_at_ms"])
    return {name: t.column(name).to_numpy().astype(np.int64) for name in t.column_names}


def test_probabilities_shape_and_range(oracle: Oracle, posts: dict[str, np.ndarray]) -> None:
    ids = posts["post_id"][:50]
    p = oracle.action_probs(np.full(50, 3), ids)
    assert p.shape == (50, 19)
    assert np.all(p[:, :18] >= 0) and np.all(p[:, :18] <= 1) and np.all(p[:, Action.DWELL_TIME] > 0)


def test_value_is_the_weighted_sum(oracle: Oracle, posts: dict[str, np.ndarray]) -> None:
    ids = posts["post_id"][:20]
    p = oracle.action_probs(np.full(20, 5), ids)
    v = oracle.value(np.full(20, 5), ids)
    w = oracle.weights.copy()
    assert w[Action.REPORT] == Params().get_float("scoring.weight.report")
    approx = (p * w).sum(axis=1) - p[:, Action.VQV] * w[Action.VQV]  # vqv only for long videos
    assert np.all(v >= approx - 1e-9) and np.all(v <= approx + p[:, Action.VQV] * w[Action.VQV] + 1e-9)


def test_best_feed_ratio_is_one_and_baselines_fall_short(oracle: Oracle, posts: dict[str, np.ndarray]) -> None:
    rng = np.random.default_rng(0)
    ratios: dict[str, list[float]] = {"best": [], "recent": [], "random": []}
    for user in rng.choice(np.arange(1, 801), 40, replace=False).tolist():
        cand = rng.choice(posts["post_id"], 300, replace=False)
        cand = cand[posts["author_id"][np.searchsorted(posts["post_id"], cand)] != user].tolist()
        best = oracle.best_feed(user, cand, k=35)
        assert len(best) == 35
        ratio = oracle.feed_value_ratio(user, best, cand, k=35)
        if np.isnan(ratio):
            continue
        ratios["best"].append(ratio)
        ratios["recent"].append(oracle.feed_value_ratio(user, sorted(cand, reverse=True), cand))
        ratios["random"].append(oracle.feed_value_ratio(user, rng.permutation(cand).tolist(), cand))
    assert ratios["best"] and np.allclose(ratios["best"], 1.0)
    assert np.mean(ratios["recent"]) < 0.6 and np.mean(ratios["random"]) < 0.6


def test_unknown_ids_are_reported(oracle: Oracle, posts: dict[str, np.ndarray]) -> None:
    with pytest.raises(NotFoundError):
        oracle.value([1], [12345])
    with pytest.raises(NotFoundError):
        oracle.value([10**6], posts["post_id"][:1])


def test_blocked_authors_have_no_positive_value(
    oracle: Oracle, small_world: Path, posts: dict[str, np.ndarray]
) -> None:
    blocks = pq.read_table(small_world / "blocks.parquet").to_pylist()
    checked = 0
    for b in blocks[:30]:
        mine = posts["post_id"][posts["author_id"] == b["target_user_id"]][:5]
        if len(mine) == 0:
            continue
        p = oracle.action_probs(np.full(len(mine), b["source_user_id"]), mine)
        assert np.all(p[:, Action.FAVORITE] == 0) and np.all(p[:, Action.REPLY] == 0)
        checked += 1
    assert checked > 0


def test_graph_as_of_a_time(oracle: Oracle, small_world: Path, posts: dict[str, np.ndarray]) -> None:
    """A follow made during the world gates follow_author only from its own time on."""
    follows = pq.read_table(small_world / "follows.parquet").to_pylist()
    start = min(f["created_at_ms"] for f in follows)
    checked = 0
    for f in [f for f in follows if f["created_at_ms"] > start][:20]:
        mine = posts["post_id"][posts["author_id"] == f["target_user_id"]][:3]
        if len(mine) == 0:
            continue
        users = np.full(len(mine), f["source_user_id"])
        before = oracle.action_probs(users, mine, at_ms=f["created_at_ms"])
        after = oracle.action_probs(users, mine, at_ms=f["created_at_ms"] + 1)
        assert np.all(after[:, Action.FOLLOW_AUTHOR] == 0)
        assert np.all(oracle.action_probs(users, mine)[:, Action.FOLLOW_AUTHOR] == 0)  # end of the world
        silenced = before[:, Action.FAVORITE] == 0  # blocked or muted at that time: no positive at all
        assert np.all(before[~silenced, Action.FOLLOW_AUTHOR] > 0)
        checked += 1
    assert checked > 0


def test_author_prior_knows_the_author_not_the_post(oracle: Oracle, small_world: Path) -> None:
    t = pq.read_table(small_world / "posts.parquet", columns=["post_id", "author_id", "kind", "media", "true_label"])
    cols = {name: t.column(name).to_numpy() for name in t.column_names}
    plain = (cols["kind"] == 0) & (cols["media"] == 0) & (cols["true_label"] == 0)
    authors, counts = np.unique(cols["author_id"][plain], return_counts=True)
    viewer = 11
    checked = 0
    for a in authors[(counts >= 3) & (authors != viewer)][:10].tolist():
        mine = cols["post_id"][plain & (cols["author_id"] == a)].astype(np.int64)
        prior = oracle.author_prior_value(np.full(len(mine), viewer), mine)
        assert np.ptp(prior) < 1e-9 * max(1.0, float(np.abs(prior).max()))  # one value per author ...
        if np.ptp(oracle.value(np.full(len(mine), viewer), mine)) > 0:  # ... though the posts differ
            checked += 1
    assert checked > 0


def test_author_prior_ranks_between_random_and_the_best(oracle: Oracle, posts: dict[str, np.ndarray]) -> None:
    rng = np.random.default_rng(1)
    prior_sum = random_sum = best_sum = 0.0
    for user in rng.choice(np.arange(1, 801), 30, replace=False).tolist():
        cand = rng.choice(posts["post_id"], 200, replace=False)
        cand = cand[posts["author_id"][np.searchsorted(posts["post_id"], cand)] != user].tolist()
        order = np.argsort(-oracle.author_prior_value(np.full(len(cand), user), cand), kind="stable")
        prior_sum += oracle.feed_value(user, [cand[i] for i in order])
        random_sum += oracle.feed_value(user, rng.permutation(cand).tolist())
        best_sum += oracle.feed_value(user, oracle.best_feed(user, cand))
    assert random_sum < prior_sum <= best_sum
