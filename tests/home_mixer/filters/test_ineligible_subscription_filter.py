"""IneligibleSubscriptionFilter: subscriber-only posts need a subscription to their creator."""

from foryou.home_mixer.filters import IneligibleSubscriptionFilter
from foryou.home_mixer.query import UserFeatures

from ..builders import ids, post, query, removed_ids


def test_only_unsubscribed_creators_are_removed() -> None:
    cands = [post(1), post(2, subscription_author_id=5), post(3, subscription_author_id=6)]
    result = IneligibleSubscriptionFilter().filter(query(UserFeatures(subscribed_user_ids=frozenset({5}))), cands)
    assert ids(result.kept) == [1, 2]
    assert removed_ids(result) == [(3, "subscription")]
