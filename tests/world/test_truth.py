"""The ground-truth action model and the SPEC §3.9 value it is scored with."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from foryou.core import Action
from foryou.params import Params
from foryou.world import TruthConfig, expected_actions, head_weights, weighted_value
from foryou.world.truth import NEGATIVE_OFFSETS, POSITIVE_OFFSETS, PairFeatures


def _features(n: int, **over: np.ndarray) -> PairFeatures:
    base = dict(
        relevance=np.full(n, 0.5),
        author_quality=np.zeros(n),
        post_quality=np.zeros(n),
        follows=np.zeros(n, dtype=bool),
        spam=np.zeros(n, dtype=bool),
        bad_label=np.zeros(n, dtype=bool),
        muted_keyword=np.zeros(n, dtype=bool),
        silenced=np.zeros(n, dtype=bool),
        has_photo=np.ones(n, dtype=bool),
        video_s=np.full(n, 20.0),
        is_quote=np.ones(n, dtype=bool),
    )
    base.update(over)
    return PairFeatures(**base)


def test_spec_w1_combined_value() -> None:
    probs = np.zeros((1, 19))
    probs[0, Action.FAVORITE], probs[0, Action.REPLY], probs[0, Action.CLICK] = 0.2, 0.01, 0.1
    probs[0, Action.DWELL_TIME] = 5.0
    assert abs(weighted_value(probs, head_weights(Params()), np.zeros(1), 10.0)[0] - 0.21) < 1e-12


def test_vqv_weight_only_for_long_videos() -> None:
    probs = np.zeros((2, 19))
    probs[:, Action.FAVORITE], probs[:, Action.VQV] = 0.1, 0.5
    v = weighted_value(probs, head_weights(Params()), np.array([15.0, 10.0]), 10.0)
    assert np.allclose(v, [0.075, 0.05])


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_positives_rise_and_not_interested_falls_with_relevance(r1: float, r2: float) -> None:
    lo, hi = min(r1, r2), max(r1, r2)
    p = expected_actions(_features(2, relevance=np.array([lo, hi])), TruthConfig())
    for head in POSITIVE_OFFSETS:
        assert p[0, head] <= p[1, head]
    assert p[0, Action.NOT_INTERESTED] >= p[1, Action.NOT_INTERESTED]
    assert p[0, Action.DWELL_TIME] <= p[1, Action.DWELL_TIME]


def test_silenced_pairs_get_no_positive_probability() -> None:
    p = expected_actions(_features(1, silenced=np.ones(1, dtype=bool), relevance=np.ones(1)), TruthConfig())
    for head in [*POSITIVE_OFFSETS, Action.DWELL]:
        assert p[0, head] == 0.0
    assert p[0, Action.NOT_INTERESTED] > 0


def test_spam_and_muted_keywords_are_negative() -> None:
    t = TruthConfig()
    w = head_weights(Params())
    base = expected_actions(_features(1), t)
    for over in ({"spam": np.ones(1, dtype=bool)}, {"muted_keyword": np.ones(1, dtype=bool)}):
        p = expected_actions(_features(1, **over), t)
        assert p[0, Action.FAVORITE] < base[0, Action.FAVORITE]
        for head in NEGATIVE_OFFSETS:
            assert p[0, head] > base[0, head]
        assert weighted_value(p, w, np.zeros(1), 10.0)[0] < weighted_value(base, w, np.zeros(1), 10.0)[0]


def test_gated_heads() -> None:
    p = expected_actions(
        _features(
            1,
            has_photo=np.zeros(1, dtype=bool),
            video_s=np.zeros(1),
            is_quote=np.zeros(1, dtype=bool),
            follows=np.ones(1, dtype=bool),
        ),
        TruthConfig(),
    )
    for head in (Action.PHOTO_EXPAND, Action.VQV, Action.QUOTED_CLICK, Action.FOLLOW_AUTHOR):
        assert p[0, head] == 0.0
