"""VFCandidateHydrator (post-selection): visibility per candidate from the SafetyLabelStore.

In-network candidates are judged at safety level TimelineHome, the rest at
TimelineHomeRecommendations; the two lookups run concurrently. A failed lookup marks its
candidates UNAVAILABLE (checked), so a fail-closed VFFilter drops them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from foryou.home_mixer.candidate import PostCandidate, Visibility, VisibilityAction
from foryou.home_mixer.clients.protocols import SafetyLabelReader
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Hydrator

TIMELINE_HOME = "timeline_home"
TIMELINE_HOME_RECOMMENDATIONS = "timeline_home_recommendations"
_UNAVAILABLE = Visibility(VisibilityAction.UNAVAILABLE)


class VFCandidateHydrator(Hydrator[ScoredPostsQuery, PostCandidate]):
    owned_fields = ("visibility", "visibility_checked")

    def __init__(self, labels: SafetyLabelReader) -> None:
        self.labels = labels

    async def hydrate(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> list[PostCandidate]:
        home = [c.tweet_id for c in candidates if c.in_network]
        recs = [c.tweet_id for c in candidates if not c.in_network]
        results = await asyncio.gather(
            self._lookup(home, TIMELINE_HOME, query.user_id),
            self._lookup(recs, TIMELINE_HOME_RECOMMENDATIONS, query.user_id),
        )
        verdicts = {**results[0], **results[1]}
        return [
            PostCandidate(c.tweet_id, visibility=verdicts.get(c.tweet_id, _UNAVAILABLE), visibility_checked=True)
            for c in candidates
        ]

    def degraded_reason(self, hydrated: Sequence[PostCandidate]) -> str | None:
        if any(c.visibility is not None and c.visibility.action == VisibilityAction.UNAVAILABLE for c in hydrated):
            return "vf_unavailable"
        return None

    async def _lookup(self, ids: list[int], level: str, viewer: int) -> dict[int, Visibility]:
        if not ids:
            return {}
        try:
            found = await self.labels.visibility(ids, level, viewer)
        except Exception:  # one failed level marks only its candidates unavailable
            return {i: _UNAVAILABLE for i in ids}
        return {i: found.get(i, Visibility(VisibilityAction.ALLOW)) for i in ids}
