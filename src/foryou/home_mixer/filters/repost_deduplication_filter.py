"""RepostDeduplicationFilter (pre-scoring #5): one copy of each original post (`duplicate_repost`).

Walking in order with a set S of post ids: a non-repost is kept and adds its tweet_id; a repost is
kept iff its retweeted_tweet_id is not in S, then adds it. So a repost after its original, or a second
repost, goes; an original after its repost stays, as in v1.
"""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Filter, FilterResult, partition

DUPLICATE_REPOST = "duplicate_repost"


class RepostDeduplicationFilter(Filter[ScoredPostsQuery, PostCandidate]):
    def filter(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> FilterResult[PostCandidate]:
        seen: set[int] = set()

        def reason(cand: PostCandidate) -> str | None:
            original = cand.retweeted_tweet_id
            if not original:
                seen.add(cand.tweet_id)
                return None
            if original in seen:
                return DUPLICATE_REPOST
            seen.add(original)
            return None

        return partition(candidates, reason)
