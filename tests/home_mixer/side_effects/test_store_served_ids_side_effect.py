"""StoreServedIdsSideEffect appends (id, original id) of the final feed."""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.side_effects.store_served_ids_side_effect import StoreServedIdsSideEffect

from ..helpers import NOW_MS, query, run
from ..memory import Served


def test_appends_served_items_and_respects_enable() -> None:
    served = Served()
    effect = StoreServedIdsSideEffect(served, enabled=True)
    run(effect.run(query(4), [PostCandidate(1), PostCandidate(2, retweeted_tweet_id=9)]))
    assert served.entries == [(4, "req-4", NOW_MS, [(1, 1), (2, 9)])]
    assert effect.enable(query(4)) and not effect.enable(query(4, in_network_only=True))
    assert not StoreServedIdsSideEffect(served, enabled=False).enable(query(4))
