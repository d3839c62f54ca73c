"""IneligibleSubscriptionFilter (pre-scoring #6): subscriber-only posts of creators the viewer does
not subscribe to are removed (`subscription`)."""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Filter, FilterResult, partition

SUBSCRIPTION = "subscription"


class IneligibleSubscriptionFilter(Filter[ScoredPostsQuery, PostCandidate]):
    def filter(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> FilterResult[PostCandidate]:
        subscribed = query.user_features.subscribed_user_ids

        def reason(cand: PostCandidate) -> str | None:
            creator = cand.subscription_author_id
            return SUBSCRIPTION if creator and creator not in subscribed else None

        return partition(candidates, reason)
