"""MutedKeywordFilter: enabled iff the viewer mutes keywords; reason names the keyword as written."""

from foryou.home_mixer.filters import MutedKeywordFilter
from foryou.home_mixer.query import UserFeatures

from ..builders import ids, post, query, removed_ids


def test_enabled_only_with_keywords() -> None:
    assert not MutedKeywordFilter().enable(query())
    assert MutedKeywordFilter().enable(query(UserFeatures(muted_keywords=("x",))))


def test_matching_texts_are_removed_with_the_first_matching_keyword() -> None:
    features = UserFeatures(muted_keywords=("", "New York", "#Launch", "bitcoin"))
    cands = [
        post(1, tweet_text="I ❤ New-York and (bitcoin)"),
        post(2, tweet_text="launch day"),
        post(3, tweet_text="#LAUNCH day"),
        post(4, tweet_text="new in york"),
        post(5, tweet_text="BITCOIN!"),
    ]
    result = MutedKeywordFilter().filter(query(features), cands)
    assert ids(result.kept) == [2, 4]
    assert removed_ids(result) == [
        (1, "muted_keyword:New York"),
        (3, "muted_keyword:#Launch"),
        (5, "muted_keyword:bitcoin"),
    ]


def test_only_empty_keywords_keep_everything() -> None:
    cands = [post(1, tweet_text="anything")]
    result = MutedKeywordFilter().filter(query(UserFeatures(muted_keywords=("", " !"))), cands)
    assert result.kept == cands and result.removed == []
