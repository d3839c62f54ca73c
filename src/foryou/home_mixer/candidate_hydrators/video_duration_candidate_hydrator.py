"""VideoDurationCandidateHydrator: duration of the first VIDEO media of the original post."""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.candidate_hydrators.original_post_lookup import PostLookup
from foryou.home_mixer.clients.protocols import PostEntityReader
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Columns, Hydrator


class VideoDurationCandidateHydrator(Hydrator[ScoredPostsQuery, PostCandidate]):
    owned_fields = ("video_duration_ms",)

    def __init__(self, posts: PostEntityReader, lookup: PostLookup | None = None) -> None:
        self.lookup = lookup or PostLookup(posts)

    async def hydrate(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> Columns[PostCandidate]:
        originals = (await self.lookup.of(candidates)).originals
        return Columns(candidates, {"video_duration_ms": [d.video_duration_ms if d else None for d in originals]})
