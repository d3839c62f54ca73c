"""RepostDeduplicationFilter: one copy per original; an original after its repost stays (v1)."""

from foryou.home_mixer.filters import RepostDeduplicationFilter

from ..builders import ids, post, query, removed_ids


def test_spec_walk() -> None:
    cands = [
        post(10),  # original A
        post(11, retweeted_tweet_id=10),  # repost after its original: removed
        post(21, retweeted_tweet_id=20),  # repost of B: kept, adds 20
        post(22, retweeted_tweet_id=20),  # second repost of B: removed
        post(20),  # original after its repost: kept
        post(31, retweeted_tweet_id=30),
    ]
    result = RepostDeduplicationFilter().filter(query(), cands)
    assert ids(result.kept) == [10, 21, 20, 31]
    assert removed_ids(result) == [(11, "duplicate_repost"), (22, "duplicate_repost")]
