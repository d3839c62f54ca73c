"""The pre-scoring filters come in SPEC §3.8 order; every filter returns a partition of its input."""

from hypothesis import given, settings
from hypothesis import strategies as st

from foryou.home_mixer.bloom import BloomFilter
from foryou.home_mixer.candidate import PostCandidate, Visibility, VisibilityAction
from foryou.home_mixer.filters import (
    PRE_SCORING_FILTER_TYPES,
    post_selection_filters,
    pre_scoring_filters,
)
from foryou.home_mixer.query import UserFeatures
from foryou.params import Params

from ..builders import assert_partition, post_id, query

SPEC_ORDER = [
    "DropDuplicatesFilter",
    "CoreDataHydrationFilter",
    "AgeFilter",
    "SelfPostFilter",
    "RepostDeduplicationFilter",
    "IneligibleSubscriptionFilter",
    "PreviouslySeenPostsFilter",
    "PreviouslyServedPostsFilter",
    "MutedKeywordFilter",
    "AuthorSocialgraphFilter",
]


def test_spec_order() -> None:
    assert [f.name for f in pre_scoring_filters(Params())] == SPEC_ORDER
    assert [t.__name__ for t in PRE_SCORING_FILTER_TYPES] == SPEC_ORDER
    assert [f.name for f in post_selection_filters(Params())] == ["VFFilter", "DedupConversationFilter"]


small_ids = st.integers(1, 8)
candidates = st.lists(
    st.builds(
        PostCandidate,
        tweet_id=st.sampled_from([post_id(10, s) for s in range(8)] + [post_id(10**6), 1]),
        author_id=st.integers(0, 4),
        tweet_text=st.sampled_from(["", " ", "hello world", "#muted here", "spam"]),
        retweeted_tweet_id=st.none() | small_ids,
        retweeted_user_id=st.none() | st.integers(1, 4),
        in_reply_to_tweet_id=st.none() | small_ids,
        ancestors=st.lists(small_ids, max_size=2),
        subscription_author_id=st.none() | st.integers(1, 4),
        score=st.none() | st.floats(0, 1),
        visibility=st.none() | st.sampled_from([Visibility(a) for a in VisibilityAction]),
        visibility_checked=st.booleans(),
    ),
    max_size=25,
)


@settings(max_examples=60)
@given(candidates)
def test_every_filter_partitions_and_pre_scoring_keeps_order(cands: list[PostCandidate]) -> None:
    features = UserFeatures(
        muted_keywords=("muted",),
        blocked_user_ids=frozenset({2}),
        muted_user_ids=frozenset({3}),
        subscribed_user_ids=frozenset({1}),
    )
    bloom = BloomFilter.build([5], num_bits=256, num_hashes=3)
    q = query(features, seen_ids=frozenset({4}), served_ids=frozenset({6}), bloom_filters=(bloom,))
    for flt in pre_scoring_filters(Params()):
        result = flt.filter(q, cands)
        assert_partition(cands, result)
        assert result.kept == [c for c in cands if any(c is k for k in result.kept)]
    for flt in post_selection_filters(Params()):
        assert_partition(cands, flt.filter(q, cands))
