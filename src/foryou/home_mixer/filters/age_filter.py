"""AgeFilter (pre-scoring #3): drops posts older than `mixer.max_post_age_s` by their snowflake.

Age is measured against the request's fixed `now_ms`. An id minted more than a minute in the future
has no computable age and is removed as `future_id`; an old one as `too_old`.
"""

from __future__ import annotations

from foryou.core import creation_ms
from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.params import Params
from foryou.pipeline import Filter, FilterResult, partition

TOO_OLD = "too_old"
FUTURE_ID = "future_id"
FUTURE_TOLERANCE_MS = 60_000  # clock skew between the id minter and this process


class AgeFilter(Filter[ScoredPostsQuery, PostCandidate]):
    def __init__(self, *, max_age_s: int) -> None:
        self.max_age_ms = 1000 * max_age_s

    @classmethod
    def from_params(cls, params: Params) -> AgeFilter:
        return cls(max_age_s=params.get_int("mixer.max_post_age_s"))

    def filter(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> FilterResult[PostCandidate]:
        now = query.now_ms

        def reason(cand: PostCandidate) -> str | None:
            created = creation_ms(cand.tweet_id)
            if created > now + FUTURE_TOLERANCE_MS:
                return FUTURE_ID
            if now - created > self.max_age_ms:
                return TOO_OLD
            return None

        return partition(candidates, reason)
