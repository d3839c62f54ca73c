"""OONScorer: damps out-of-network candidates by `scoring.oon.factor` (SPEC §3.9).

in_network false → score × factor; unknown (None) → unchanged. With
`scoring.oon.include_in_network_replies_reposts` in-network replies and reposts are damped too.
The base is the AuthorDiversityScorer's score, or the weighted score when that scorer is switched
off; a candidate with neither stays unscored. `oon_factor` records the multiplier applied (1.0 if none).
"""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.home_mixer.scorers.degraded import recency_fallback_active
from foryou.params import Params
from foryou.pipeline import RequestContext, Scorer


class OONScorer(Scorer[ScoredPostsQuery, PostCandidate]):
    owned_fields = ("score", "oon_factor")

    def __init__(
        self, *, factor: float, include_in_network_replies_reposts: bool = False, fallback_enabled: bool = True
    ) -> None:
        self.factor = factor
        self.include_in_network_replies_reposts = include_in_network_replies_reposts
        self.fallback_enabled = fallback_enabled

    @classmethod
    def from_params(cls, params: Params) -> OONScorer:
        return cls(
            factor=params.get_float("scoring.oon.factor"),
            include_in_network_replies_reposts=params.get_bool("scoring.oon.include_in_network_replies_reposts"),
            fallback_enabled=params.get_bool("scoring.fallback.enabled"),
        )

    def enable_in(self, query: ScoredPostsQuery, context: RequestContext) -> bool:
        return not recency_fallback_active(context, fallback_enabled=self.fallback_enabled)

    def factor_for(self, cand: PostCandidate) -> float:
        if cand.in_network is False:
            return self.factor
        if (
            cand.in_network
            and self.include_in_network_replies_reposts
            and (cand.in_reply_to_tweet_id or cand.is_repost)
        ):
            return self.factor
        return 1.0

    async def score(
        self, query: ScoredPostsQuery, candidates: list[PostCandidate], context: RequestContext
    ) -> list[PostCandidate]:
        factors = [self.factor_for(c) for c in candidates]
        for cand, factor in zip(candidates, factors, strict=True):
            base = cand.score if cand.score is not None else cand.weighted_score
            cand.score = None if base is None else base * factor
            cand.oon_factor = factor
        return candidates
