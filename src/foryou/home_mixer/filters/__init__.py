"""Home Mixer filters: the ten pre-scoring filters of SPEC §3.8 in order, and the two post-selection ones.

`pre_scoring_filters(params)` and `post_selection_filters(params)` build them in pipeline order.
"""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.filters.age_filter import AgeFilter
from foryou.home_mixer.filters.author_socialgraph_filter import AuthorSocialgraphFilter
from foryou.home_mixer.filters.core_data_hydration_filter import CoreDataHydrationFilter
from foryou.home_mixer.filters.dedup_conversation_filter import DedupConversationFilter
from foryou.home_mixer.filters.drop_duplicates_filter import DropDuplicatesFilter
from foryou.home_mixer.filters.ineligible_subscription_filter import IneligibleSubscriptionFilter
from foryou.home_mixer.filters.muted_keyword_filter import MutedKeywordFilter
from foryou.home_mixer.filters.previously_seen_posts_filter import PreviouslySeenPostsFilter
from foryou.home_mixer.filters.previously_served_posts_filter import PreviouslyServedPostsFilter
from foryou.home_mixer.filters.repost_deduplication_filter import RepostDeduplicationFilter
from foryou.home_mixer.filters.self_post_filter import SelfPostFilter
from foryou.home_mixer.filters.vf_filter import VFFilter
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.params import Params
from foryou.pipeline import Filter

PRE_SCORING_FILTER_TYPES: tuple[type[Filter[ScoredPostsQuery, PostCandidate]], ...] = (
    DropDuplicatesFilter,
    CoreDataHydrationFilter,
    AgeFilter,
    SelfPostFilter,
    RepostDeduplicationFilter,
    IneligibleSubscriptionFilter,
    PreviouslySeenPostsFilter,
    PreviouslyServedPostsFilter,
    MutedKeywordFilter,
    AuthorSocialgraphFilter,
)


def pre_scoring_filters(params: Params) -> tuple[Filter[ScoredPostsQuery, PostCandidate], ...]:
    """The ten pre-scoring filters in SPEC §3.8 order."""
    return (
        DropDuplicatesFilter(),
        CoreDataHydrationFilter(),
        AgeFilter.from_params(params),
        SelfPostFilter(),
        RepostDeduplicationFilter(),
        IneligibleSubscriptionFilter(),
        PreviouslySeenPostsFilter(),
        PreviouslyServedPostsFilter.from_params(params),
        MutedKeywordFilter(),
        AuthorSocialgraphFilter(),
    )


def post_selection_filters(params: Params) -> tuple[Filter[ScoredPostsQuery, PostCandidate], ...]:
    """VFFilter, then DedupConversationFilter (SPEC §3.10)."""
    return (VFFilter.from_params(params), DedupConversationFilter())


__all__ = [
    "PRE_SCORING_FILTER_TYPES",
    "AgeFilter",
    "AuthorSocialgraphFilter",
    "CoreDataHydrationFilter",
    "DedupConversationFilter",
    "DropDuplicatesFilter",
    "IneligibleSubscriptionFilter",
    "MutedKeywordFilter",
    "PreviouslySeenPostsFilter",
    "PreviouslyServedPostsFilter",
    "RepostDeduplicationFilter",
    "SelfPostFilter",
    "VFFilter",
    "post_selection_filters",
    "pre_scoring_filters",
]
