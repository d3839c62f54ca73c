"""RecencyFallbackScorer: clamp(1 − age/max_age, 0, 1) from the snowflake, only when the ranker is degraded."""

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foryou.core import make_snowflake
from foryou.home_mixer.scorers.degraded import RANKER_DEGRADED_REASONS, is_ranker_reason
from foryou.home_mixer.scorers.recency_fallback_scorer import RecencyFallbackScorer
from foryou.params import Params

from ..builders import NOW_MS, context, post, post_id, query

SCORER = RecencyFallbackScorer.from_params(Params())  # max age 48 h


def test_linear_in_age_and_clamped() -> None:
    cands = [post(post_id(0)), post(post_id(86_400)), post(post_id(172_800)), post(post_id(200_000))]
    cands.append(post(make_snowflake(NOW_MS + 30_000)))
    out = asyncio.run(SCORER.score(query(), cands, context("ranker_error")))
    assert [c.score for c in out] == pytest.approx([1.0, 0.5, 0.0, 0.0, 1.0])
    assert all(c.weighted_score == c.score for c in out)


def test_enabled_only_for_ranker_reasons_and_with_the_fallback_on() -> None:
    for reason in sorted(RANKER_DEGRADED_REASONS):
        assert SCORER.enable_in(query(), context(reason))
    assert SCORER.enable_in(query(), context("scorer_timeout:PhoenixScorer"))
    assert not SCORER.enable_in(query(), context())
    assert not SCORER.enable_in(query(), context("source_error:ThunderSource", "user_features_stale"))
    off = RecencyFallbackScorer.from_params(Params({"scoring.fallback.enabled": False}))
    assert not off.enable_in(query(), context("ranker_timeout"))


def test_reason_parsing() -> None:
    assert is_ranker_reason("ranker_empty")
    assert is_ranker_reason("ranker_error:connection reset")
    assert not is_ranker_reason("scorer_error:WeightedScorer")


@given(st.integers(0, 172_800_000), st.integers(0, 172_800_000))
def test_newer_never_scores_lower(age_a: int, age_b: int) -> None:
    a = SCORER.recency(make_snowflake(NOW_MS - age_a), NOW_MS)
    b = SCORER.recency(make_snowflake(NOW_MS - age_b), NOW_MS)
    assert 0.0 <= a <= 1.0
    if age_a < age_b:
        assert a >= b
