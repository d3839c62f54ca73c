"""SelfPostFilter: the viewer's own posts are removed."""

from foryou.home_mixer.filters import SelfPostFilter

from ..builders import VIEWER, ids, post, query, removed_ids


def test_own_posts_are_removed() -> None:
    cands = [post(1, author_id=VIEWER), post(2, author_id=7), post(3, author_id=7, retweeted_user_id=VIEWER)]
    result = SelfPostFilter().filter(query(), cands)
    assert ids(result.kept) == [2, 3]  # a repost of the viewer's post is the reposter's
    assert removed_ids(result) == [(1, "self")]
