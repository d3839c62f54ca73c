"""CoreDataHydrationFilter (pre-scoring #2): drops candidates whose core data never arrived.

Removed (`missing_core_data`) when author_id is unknown (0), or the text is blank after trimming and
the post has no media. The media exception is ours: v1's media-only posts carried a link as text.
When the PostEntityStore could not be asked at all (`core_data_found` is None), only the author rule
applies, so a store outage degrades the feed instead of emptying it (docs/decisions.md).
"""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Filter, FilterResult, partition

MISSING_CORE_DATA = "missing_core_data"


def _reason(cand: PostCandidate) -> str | None:
    if not cand.author_id:
        return MISSING_CORE_DATA
    if cand.core_data_found is None:
        return None
    has_media = cand.has_media or cand.video_duration_ms is not None
    if not cand.tweet_text.strip() and not has_media:
        return MISSING_CORE_DATA
    return None


class CoreDataHydrationFilter(Filter[ScoredPostsQuery, PostCandidate]):
    def filter(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> FilterResult[PostCandidate]:
        return partition(candidates, _reason)
