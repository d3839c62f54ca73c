"""VideoDurationCandidateHydrator: duration of the first VIDEO media of the original post."""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.candidate_hydrators.original_post_lookup import original_of, originals
from foryou.home_mixer.clients.protocols import PostEntityReader
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Hydrator


class VideoDurationCandidateHydrator(Hydrator[ScoredPostsQuery, PostCandidate]):
    owned_fields = ("video_duration_ms",)

    def __init__(self, posts: PostEntityReader) -> None:
        self.posts = posts

    async def hydrate(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> list[PostCandidate]:
        found = await originals(self.posts, candidates)
        out = []
        for cand in candidates:
            data = original_of(cand, found)
            out.append(PostCandidate(cand.tweet_id, video_duration_ms=data.video_duration_ms if data else None))
        return out
