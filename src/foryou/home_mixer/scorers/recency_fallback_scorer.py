"""RecencyFallbackScorer: reverse-chronological scores when the ranker is degraded (SPEC §3.9).

weighted_score = score = clamp(1 − age_ms / (1000·max_post_age_s), 0, 1), age from the snowflake of
tweet_id against the request's now_ms, so the top-K selector yields newest first (ties keep input
order). Runs only when `scoring.fallback.enabled` and the PhoenixScorer recorded a ranker reason.
"""

from __future__ import annotations

from foryou.core import creation_ms
from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.home_mixer.scorers.degraded import recency_fallback_active
from foryou.params import Params
from foryou.pipeline import RequestContext, Scorer


class RecencyFallbackScorer(Scorer[ScoredPostsQuery, PostCandidate]):
    owned_fields = ("weighted_score", "score")

    def __init__(self, *, max_age_s: int, enabled: bool = True) -> None:
        self.max_age_ms = 1000 * max_age_s
        self.enabled = enabled

    @classmethod
    def from_params(cls, params: Params) -> RecencyFallbackScorer:
        return cls(
            max_age_s=params.get_int("mixer.max_post_age_s"), enabled=params.get_bool("scoring.fallback.enabled")
        )

    def enable_in(self, query: ScoredPostsQuery, context: RequestContext) -> bool:
        return recency_fallback_active(context, fallback_enabled=self.enabled)

    def recency(self, tweet_id: int, now_ms: int) -> float:
        age_ms = now_ms - creation_ms(tweet_id)
        return min(1.0, max(0.0, 1.0 - age_ms / self.max_age_ms))

    async def score(
        self, query: ScoredPostsQuery, candidates: list[PostCandidate], context: RequestContext
    ) -> list[PostCandidate]:
        values = [self.recency(c.tweet_id, query.now_ms) for c in candidates]
        for cand, value in zip(candidates, values, strict=True):
            cand.weighted_score = cand.score = value
        return candidates
