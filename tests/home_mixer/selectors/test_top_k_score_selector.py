"""TopKScoreSelector: stable descending by score, unscored last, K = mixer.top_k."""

import math

from foryou.home_mixer.selectors import TopKScoreSelector
from foryou.params import Params

from ..builders import ids, post, query


def test_sorts_by_score_and_keeps_k() -> None:
    scores = [0.2, None, 0.9, math.nan, 0.9, 0.5, -1.0]
    cands = [post(i, score=s) for i, s in enumerate(scores)]
    selector = TopKScoreSelector(top_k=4)
    assert ids(selector.select(query(), cands)) == [2, 4, 5, 0]
    assert ids(TopKScoreSelector(top_k=10).select(query(), cands)) == [2, 4, 5, 0, 6, 1, 3]


def test_k_from_params() -> None:
    assert TopKScoreSelector.from_params(Params()).size(query()) == 50
    assert TopKScoreSelector.from_params(Params({"mixer.top_k": 3})).size(query()) == 3
