"""PreviouslyServedPostsFilter: effective served set; enabled on all requests or bottom requests."""

from foryou.home_mixer.filters import PreviouslyServedPostsFilter
from foryou.params import Params

from ..builders import ids, post, query, removed_ids


def test_effective_served_set_is_request_plus_history() -> None:
    cands = [post(1), post(2, retweeted_tweet_id=20), post(3, in_reply_to_tweet_id=30), post(4)]
    q = query(served_ids=frozenset({1}), served_history_ids=frozenset({20, 30}))
    result = PreviouslyServedPostsFilter.from_params(Params()).filter(q, cands)
    assert ids(result.kept) == [4]
    assert removed_ids(result) == [(1, "served"), (2, "served"), (3, "served")]


def test_enabled_on_every_request_or_only_bottom_requests() -> None:
    everywhere = PreviouslyServedPostsFilter(filter_all_requests=True)
    bottom_only = PreviouslyServedPostsFilter.from_params(Params({"served.filter_all_requests": False}))
    assert everywhere.enable(query()) and everywhere.enable(query(is_bottom_request=True))
    assert not bottom_only.enable(query())
    assert bottom_only.enable(query(is_bottom_request=True))
