"""AuthorDiversityScorer: multipliers (1 − floor)·decay^n + floor along weighted order; example D1."""

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.scorers.author_diversity_scorer import AuthorDiversityScorer
from foryou.params import Params

from ..builders import context, post, query

SCORER = AuthorDiversityScorer.from_params(Params())


def d1() -> list[PostCandidate]:
    rows = [(7, True, 0.50), (7, True, 1.00), (9, False, 0.90), (7, True, 0.80), (11, True, None), (9, False, 0.90)]
    return [post(i, author_id=a, in_network=n, weighted_score=w) for i, (a, n, w) in enumerate(rows)]


def test_default_multipliers() -> None:
    assert [SCORER.multiplier(n) for n in range(4)] == [1.0, 0.625, 0.4375, 0.34375]
    assert SCORER.multiplier(60) == pytest.approx(0.25)


def test_spec_example_d1() -> None:
    out = asyncio.run(SCORER.score(query(), d1(), context()))
    assert [c.tweet_id for c in out] == [0, 1, 2, 3, 4, 5]  # original positions
    assert [c.diversity_position for c in out] == [2, 0, 0, 1, None, 1]
    assert [c.score for c in out] == [0.21875, 1.0, 0.9, 0.5, None, 0.5625]
    assert out[4].diversity_multiplier is None


def test_a_repost_counts_for_the_reposter() -> None:
    cands = [
        post(1, author_id=7, weighted_score=1.0),
        post(2, author_id=8, retweeted_tweet_id=9, retweeted_user_id=7, weighted_score=0.9),
    ]
    out = asyncio.run(SCORER.score(query(), cands, context()))
    assert [c.diversity_position for c in out] == [0, 0]


def test_disabled_by_parameter_or_by_the_recency_fallback() -> None:
    assert SCORER.enable_in(query(), context())
    assert not SCORER.enable_in(query(), context("ranker_disabled"))
    off = AuthorDiversityScorer.from_params(Params({"scoring.author_diversity.enabled": False}))
    assert not off.enable_in(query(), context())


@given(st.lists(st.tuples(st.integers(1, 4), st.none() | st.floats(0, 1)), max_size=30))
def test_positions_count_each_author_along_the_weighted_order(rows: list[tuple[int, float | None]]) -> None:
    cands = [post(i, author_id=a, weighted_score=w) for i, (a, w) in enumerate(rows)]
    out = asyncio.run(SCORER.score(query(), cands, context()))
    for author in {a for a, _ in rows}:
        mine = [c for c in out if c.author_id == author and c.weighted_score is not None]
        mine.sort(key=lambda c: (-(c.weighted_score or 0.0), c.tweet_id))
        assert [c.diversity_position for c in mine] == list(range(len(mine)))
    for c in out:
        if c.weighted_score is None:
            assert c.score is None
        else:
            assert c.score == c.weighted_score * SCORER.multiplier(c.diversity_position or 0)
