"""OONScorer: out-of-network × factor; unknown unchanged; optional in-network replies and reposts."""

import asyncio

import pytest

from foryou.home_mixer.scorers.oon_scorer import OONScorer
from foryou.params import Params

from ..builders import context, post, query


def test_out_of_network_is_damped_unknown_is_not() -> None:
    cands = [
        post(1, in_network=False, score=0.9),
        post(2, in_network=True, score=0.9),
        post(3, in_network=None, score=0.9),
        post(4, in_network=False, score=None),
        post(5, in_network=True, in_reply_to_tweet_id=50, score=0.8),
    ]
    out = asyncio.run(OONScorer.from_params(Params()).score(query(), cands, context()))
    assert [c.score for c in out] == pytest.approx([0.675, 0.9, 0.9, None, 0.8])
    assert out[3].score is None
    assert [c.oon_factor for c in out] == [0.75, 1.0, 1.0, 0.75, 1.0]


def test_in_network_replies_and_reposts_when_configured() -> None:
    scorer = OONScorer.from_params(Params({"scoring.oon.include_in_network_replies_reposts": True}))
    cands = [
        post(1, in_network=True, in_reply_to_tweet_id=50, score=1.0),
        post(2, in_network=True, retweeted_tweet_id=60, score=1.0),
        post(3, in_network=True, score=1.0),
        post(4, in_network=None, in_reply_to_tweet_id=50, score=1.0),
    ]
    out = asyncio.run(scorer.score(query(), cands, context()))
    assert [c.score for c in out] == [0.75, 0.75, 1.0, 1.0]


def test_falls_back_to_weighted_score_when_diversity_is_off() -> None:
    out = asyncio.run(OONScorer(factor=0.5).score(query(), [post(1, in_network=False, weighted_score=0.8)], context()))
    assert out[0].score == 0.4


def test_disabled_under_the_recency_fallback() -> None:
    scorer = OONScorer.from_params(Params())
    assert scorer.enable_in(query(), context())
    assert not scorer.enable_in(query(), context("uas_unavailable"))
