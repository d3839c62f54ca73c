"""AuthorDiversityScorer: attenuates an author's later candidates so one account cannot fill the feed.

Candidates are stable-sorted by weighted_score descending; walking that order, an author's n-th
candidate (key author_id, so a repost counts for the reposter) gets multiplier
(1 − floor)·decay^n + floor and score = weighted_score × multiplier. A candidate without a weighted
score keeps score, position and multiplier unset and takes no position (SPEC §3.9, example D1).
"""

from __future__ import annotations

import math

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.home_mixer.scorers.degraded import recency_fallback_active
from foryou.params import Params
from foryou.pipeline import RequestContext, Scorer


def _has_score(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


class AuthorDiversityScorer(Scorer[ScoredPostsQuery, PostCandidate]):
    owned_fields = ("score", "diversity_position", "diversity_multiplier")

    def __init__(self, *, decay: float, floor: float, enabled: bool = True, fallback_enabled: bool = True) -> None:
        self.decay, self.floor = decay, floor
        self.enabled, self.fallback_enabled = enabled, fallback_enabled

    @classmethod
    def from_params(cls, params: Params) -> AuthorDiversityScorer:
        return cls(
            decay=params.get_float("scoring.author_diversity.decay"),
            floor=params.get_float("scoring.author_diversity.floor"),
            enabled=params.get_bool("scoring.author_diversity.enabled"),
            fallback_enabled=params.get_bool("scoring.fallback.enabled"),
        )

    def enable_in(self, query: ScoredPostsQuery, context: RequestContext) -> bool:
        return self.enabled and not recency_fallback_active(context, fallback_enabled=self.fallback_enabled)

    def multiplier(self, position: int) -> float:
        return (1.0 - self.floor) * self.decay**position + self.floor

    async def score(
        self, query: ScoredPostsQuery, candidates: list[PostCandidate], context: RequestContext
    ) -> list[PostCandidate]:
        weights = [c.weighted_score for c in candidates]
        scored = [i for i, w in enumerate(weights) if _has_score(w)]
        # sort() is stable: equal weighted scores keep their input order.
        keys = [-(w or 0.0) for w in weights]
        scored.sort(key=keys.__getitem__)
        positions: list[int | None] = [None] * len(candidates)
        per_author: dict[int, int] = {}
        for i in scored:
            author = candidates[i].author_id
            seen = per_author.get(author, 0)
            positions[i] = seen
            per_author[author] = seen + 1
        multipliers = [self.multiplier(n) for n in range(max(per_author.values(), default=0))]
        for cand, position, weighted in zip(candidates, positions, weights, strict=True):
            if position is None or weighted is None:
                cand.score = cand.diversity_position = cand.diversity_multiplier = None
                continue
            mult = multipliers[position]
            cand.score, cand.diversity_position, cand.diversity_multiplier = weighted * mult, position, mult
        return candidates
