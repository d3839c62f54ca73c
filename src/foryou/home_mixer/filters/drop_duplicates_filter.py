"""DropDuplicatesFilter (pre-scoring #1): the first candidate of each tweet_id wins (`duplicate`).

Sources are concatenated Phoenix first, so a post retrieved by both keeps its Phoenix copy.
"""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Filter, FilterResult, partition

DUPLICATE = "duplicate"


class DropDuplicatesFilter(Filter[ScoredPostsQuery, PostCandidate]):
    def filter(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> FilterResult[PostCandidate]:
        seen: set[int] = set()

        def reason(cand: PostCandidate) -> str | None:
            if cand.tweet_id in seen:
                return DUPLICATE
            seen.add(cand.tweet_id)
            return None

        return partition(candidates, reason)
