"""WeightedScorer: the SPEC §3.9 formula, examples W1–W6 to 1e-12, derived POS/NEG/TOTAL."""

import asyncio
import math
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from foryou.core.predictions import PredictionColumns, prediction_rows
from foryou.home_mixer.candidate import HEAD_NAMES, SCORE_KEYS, PostCandidate
from foryou.home_mixer.scorers.weighted_scorer import ScoringWeights, WeightedScorer
from foryou.params import Params

from ..builders import context, post, query

SCORER = WeightedScorer.from_params(Params())

W_CASES = [
    ("W1", {"favorite": 0.2, "reply": 0.01, "click": 0.1, "dwell_time": 5.0}, None, 0.21, 0.211),
    ("W2", {"favorite": 0.1, "vqv": 0.5}, 15_000, 0.075, 0.076),
    ("W3 video 10 s", {"favorite": 0.1, "vqv": 0.5}, 10_000, 0.05, 0.051),
    ("W3 no video", {"favorite": 0.1, "vqv": 0.5}, None, 0.05, 0.051),
    ("W4", {"favorite": 0.1, "not_interested": 0.02, "report": 0.01}, None, -3.154, 364.046 / 410.25 * 0.001),
    ("W5", {"report": 1.0}, None, -234.0, 133.2 / 410.25 * 0.001),
    ("W6", {}, None, 0.0, 0.001),
]


@pytest.mark.parametrize(("label", "scores", "video_ms", "combined", "weighted"), W_CASES)
def test_spec_examples(
    label: str, scores: dict[str, float], video_ms: int | None, combined: float, weighted: float
) -> None:
    assert SCORER.combined(scores, video_ms) == pytest.approx(combined, abs=1e-12)
    assert SCORER.weighted_score(scores, video_ms) == pytest.approx(weighted, abs=1e-12)


def test_w4_w5_digits() -> None:
    assert SCORER.weighted_score({"favorite": 0.1, "not_interested": 0.02, "report": 0.01}, None) == pytest.approx(
        0.000887375990, abs=1e-12
    )
    assert SCORER.weighted_score({"report": 1.0}, None) == pytest.approx(0.000324680073, abs=1e-12)


def test_no_scores_at_all_is_w6() -> None:
    assert SCORER.weighted_score(None, None) == pytest.approx(0.001, abs=1e-15)


def test_pos_neg_total_are_derived_from_configured_weights() -> None:
    assert (SCORER.pos, SCORER.neg, SCORER.total) == pytest.approx((43.05, 367.2, 410.25), abs=1e-9)
    custom = WeightedScorer.from_params(Params().with_overrides({"scoring.weight.report": -300.0}))
    assert custom.neg == pytest.approx(433.2) and custom.total == pytest.approx(476.25)
    assert custom.weighted_score({"report": 1.0}, None) == pytest.approx(133.2 / 476.25 * 0.001, abs=1e-12)


def test_zero_total_clips_at_zero() -> None:
    weights = ScoringWeights(
        heads=dict.fromkeys(HEAD_NAMES, 0.0), cont_dwell_time=-1.0, min_video_duration_ms=0, offset=0.5
    )
    scorer = WeightedScorer(weights)
    assert scorer.weighted_score({"dwell_time": 3.0}, None) == 0.0
    assert scorer.weighted_score({"favorite": 1.0}, None) == 0.0


def test_breakdown_explains_the_score() -> None:
    b = SCORER.breakdown({"favorite": 0.1, "vqv": 0.5}, 15_000)
    assert b.terms["favorite"] == pytest.approx(0.05) and b.terms["vqv"] == pytest.approx(0.025)
    assert b.branch == "offset" and b.weighted_score == pytest.approx(0.076, abs=1e-12)
    assert SCORER.breakdown({"report": 1.0}, None).branch == "negative"
    assert SCORER.breakdown({"favorite": 0.1, "vqv": 0.5}, None).terms["vqv"] == 0.0


def test_score_sets_only_weighted_score() -> None:
    cands = [post(1, phoenix_scores={"favorite": 0.2}), post(2, video_duration_ms=20_000)]
    out = asyncio.run(SCORER.score(query(), cands, context()))
    assert len(out) == 2
    assert [c.weighted_score for c in out] == pytest.approx([0.101, 0.001], abs=1e-12)
    assert all(c.score is None for c in out)


def test_disabled_only_when_the_recency_fallback_takes_over() -> None:
    assert SCORER.enable_in(query(), context())
    assert SCORER.enable_in(query(), context("source_timeout:ThunderSource"))
    assert not SCORER.enable_in(query(), context("ranker_timeout"))
    assert not SCORER.enable_in(query(), context("scorer_error:PhoenixScorer"))
    v1 = WeightedScorer.from_params(Params({"scoring.fallback.enabled": False}))
    assert v1.enable_in(query(), context("ranker_unavailable"))


probs = st.floats(0.0, 1.0)
score_dicts = st.fixed_dictionaries({}, optional={h: probs for h in HEAD_NAMES} | {"dwell_time": st.floats(0, 600)})


@given(score_dicts, score_dicts)
def test_negative_combined_always_sorts_below_non_negative(a: dict[str, float], b: dict[str, float]) -> None:
    ca, cb = SCORER.combined(a, None), SCORER.combined(b, None)
    wa, wb = SCORER.weighted_score(a, None), SCORER.weighted_score(b, None)
    assert math.isfinite(wa) and wa >= 0
    if ca < 0 <= cb:
        assert wa < wb
    if ca < cb:
        assert wa <= wb  # monotone in the combined score
    # [0, OFFSET·NEG/TOTAL) in exact arithmetic; a tiny negative sum may round onto the bound
    assert wa <= 0.001 * SCORER.neg / SCORER.total + 1e-15 or ca >= 0


def test_candidate_type_is_unchanged() -> None:
    cand = PostCandidate(1)
    assert asyncio.run(SCORER.score(query(), [cand], context()))[0] is cand


full_score_dicts = st.fixed_dictionaries({h: probs for h in HEAD_NAMES} | {"dwell_time": st.floats(0, 600)})
video_ms = st.one_of(st.none(), st.integers(0, 60_000))


@given(st.lists(st.tuples(st.one_of(full_score_dicts, score_dicts, st.none()), video_ms), max_size=30))
def test_batch_scoring_matches_the_per_candidate_rule(rows: list[tuple[dict[str, float] | None, int | None]]) -> None:
    """Complete predictions take the vectorised path; any gap falls back; both give `weighted_score`."""
    cands = [post(i + 1, phoenix_scores=s, video_duration_ms=v) for i, (s, v) in enumerate(rows)]
    out = asyncio.run(SCORER.score(query(), cands, context()))
    expected = [SCORER.weighted_score(s, v) for s, v in rows]
    assert [c.weighted_score for c in out] == pytest.approx(expected, rel=1e-12, abs=1e-15)


@given(st.lists(st.tuples(full_score_dicts, video_ms), min_size=1, max_size=30), st.randoms())
def test_prediction_rows_of_one_table_score_as_their_dicts(
    rows: list[tuple[dict[str, float], int | None]], rnd: random.Random
) -> None:
    """The ranking service's answer (row views of one table, columns in any order, rows shuffled or
    repeated) scores exactly as the same values in dicts."""
    keys = list(SCORE_KEYS)
    rnd.shuffle(keys)
    table = np.array([[s[k] for k in keys] for s, _ in rows], dtype=np.float64)
    views = prediction_rows(table, PredictionColumns(keys))
    order = [rnd.randrange(len(rows)) for _ in rows]
    from_rows = [post(i + 1, phoenix_scores=views[j], video_duration_ms=rows[j][1]) for i, j in enumerate(order)]
    from_dicts = [post(i + 1, phoenix_scores=rows[j][0], video_duration_ms=rows[j][1]) for i, j in enumerate(order)]
    got = [c.weighted_score for c in asyncio.run(SCORER.score(query(), from_rows, context()))]
    expected = [c.weighted_score for c in asyncio.run(SCORER.score(query(), from_dicts, context()))]
    assert got == expected
