"""AuthorSocialgraphFilter: blocked or muted author, or reposted user."""

from foryou.home_mixer.filters import AuthorSocialgraphFilter
from foryou.home_mixer.query import UserFeatures

from ..builders import ids, post, query, removed_ids


def test_author_and_reposted_user_are_checked_block_before_mute() -> None:
    features = UserFeatures(blocked_user_ids=frozenset({7}), muted_user_ids=frozenset({8, 7}))
    cands = [
        post(1, author_id=7),
        post(2, author_id=8),
        post(3, author_id=9, retweeted_tweet_id=30, retweeted_user_id=7),
        post(4, author_id=9, retweeted_tweet_id=40, retweeted_user_id=8),
        post(5, author_id=9),
    ]
    result = AuthorSocialgraphFilter().filter(query(features), cands)
    assert ids(result.kept) == [5]
    assert removed_ids(result) == [
        (1, "blocked_author"),
        (2, "muted_author"),
        (3, "blocked_author"),
        (4, "muted_author"),
    ]
