"""DedupConversationFilter: one post per conversation; a better later one takes the earlier's slot."""

from hypothesis import given
from hypothesis import strategies as st

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.filters import DedupConversationFilter
from foryou.home_mixer.filters.dedup_conversation_filter import conversation_key

from ..builders import assert_partition, ids, post, query, removed_ids


def test_key_is_the_smallest_ancestor_else_the_post() -> None:
    assert conversation_key(post(9, ancestors=[5, 3])) == 3
    assert conversation_key(post(9)) == 9


def test_higher_score_replaces_in_the_same_slot() -> None:
    cands = [
        post(10, ancestors=[3], score=0.5),  # conversation 3 takes slot 0
        post(20, score=0.9),  # slot 1
        post(11, ancestors=[4, 3], score=0.4),  # lower: removed
        post(12, ancestors=[3], score=0.8),  # higher: replaces 10 in slot 0
        post(13, ancestors=[3], score=0.8),  # equal, not strictly higher: removed
        post(3, score=0.1),  # the root itself shares key 3
    ]
    result = DedupConversationFilter().filter(query(), cands)
    assert ids(result.kept) == [12, 20]
    assert removed_ids(result) == [
        (11, "conversation_duplicate"),
        (10, "conversation_duplicate"),
        (13, "conversation_duplicate"),
        (3, "conversation_duplicate"),
    ]
    assert_partition(cands, result)


def test_missing_score_counts_as_zero() -> None:
    cands = [post(10, ancestors=[3]), post(11, ancestors=[3], score=-0.5), post(12, ancestors=[3], score=0.01)]
    result = DedupConversationFilter().filter(query(), cands)
    assert ids(result.kept) == [12]


@given(st.lists(st.tuples(st.integers(1, 6), st.none() | st.floats(-1, 1)), max_size=30))
def test_one_best_per_key_and_a_partition(rows: list[tuple[int, float | None]]) -> None:
    cands = [PostCandidate(100 + i, ancestors=[key], score=score) for i, (key, score) in enumerate(rows)]
    result = DedupConversationFilter().filter(query(), cands)
    assert_partition(cands, result)
    keys = [conversation_key(c) for c in result.kept]
    assert len(keys) == len(set(keys))
    assert keys == sorted(set(keys), key=keys.index)
    first_seen = list(dict.fromkeys(conversation_key(c) for c in cands))
    assert keys == first_seen  # slots keep the order in which conversations first appeared
    for kept in result.kept:
        rivals = [c.score or 0.0 for c in cands if conversation_key(c) == conversation_key(kept)]
        assert (kept.score or 0.0) == max(rivals)
