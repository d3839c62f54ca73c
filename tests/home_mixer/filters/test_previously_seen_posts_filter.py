"""PreviouslySeenPostsFilter: related ids in seen_ids (`seen_id`) or in a Bloom entry (`seen_bloom`)."""

from hypothesis import given
from hypothesis import strategies as st

from foryou.home_mixer.bloom import BloomFilter, any_may_contain
from foryou.home_mixer.filters import PreviouslySeenPostsFilter

from ..builders import ids, post, query, removed_ids


def test_any_related_id_counts() -> None:
    cands = [
        post(1),
        post(2, retweeted_tweet_id=50),
        post(3, in_reply_to_tweet_id=60),
        post(4),
        post(70),
    ]
    bloom = BloomFilter.build([60, 70], num_bits=4096, num_hashes=5)
    q = query(seen_ids=frozenset({1, 50}), bloom_filters=(bloom,))
    result = PreviouslySeenPostsFilter().filter(q, cands)
    assert ids(result.kept) == [4]
    assert removed_ids(result) == [(1, "seen_id"), (2, "seen_id"), (3, "seen_bloom"), (70, "seen_bloom")]


def test_seen_id_is_reported_before_bloom() -> None:
    bloom = BloomFilter.build([1], num_bits=1024, num_hashes=3)
    result = PreviouslySeenPostsFilter().filter(query(seen_ids=frozenset({1}), bloom_filters=(bloom,)), [post(1)])
    assert removed_ids(result) == [(1, "seen_id")]


def test_nothing_seen_keeps_all() -> None:
    cands = [post(1), post(2)]
    assert PreviouslySeenPostsFilter().filter(query(), cands).kept == cands


@given(
    st.lists(st.sets(st.integers(1, 2**64 - 1), max_size=20), min_size=1, max_size=3),
    st.integers(1, 6),
    st.integers(1, 4),
    st.lists(st.integers(1, 2**64 - 1), max_size=20),
)
def test_bloom_removal_agrees_with_bloom_membership(
    members: list[set[int]], k: int, words: int, probes: list[int]
) -> None:
    blooms = tuple(BloomFilter.build(m, num_bits=64 * words, num_hashes=k) for m in members)
    cands = [post(i) for i in probes]
    result = PreviouslySeenPostsFilter().filter(query(bloom_filters=blooms), cands)
    assert [c.tweet_id for c, _ in result.removed] == [i for i in probes if any_may_contain(blooms, i)]
    assert {reason for _, reason in result.removed} <= {"seen_bloom"}
