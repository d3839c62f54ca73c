"""MutedKeywordFilter (pre-scoring #9): posts whose text matches a muted keyword (`muted_keyword:<kw>`).

Enabled only for viewers with muted keywords. The keyword list is tokenised once per distinct list
(see `muted_keywords.py` for the §3.8.2 token rule); `<kw>` is the first matching keyword as written.
Construction builds the process-wide Unicode tables once (about 20 ms).
"""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.muted_keywords import compile_keywords, unicode_tables
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Filter, FilterResult, partition

MUTED_KEYWORD_PREFIX = "muted_keyword:"


class MutedKeywordFilter(Filter[ScoredPostsQuery, PostCandidate]):
    def __init__(self) -> None:
        # Built here rather than inside the first request that meets a non-ASCII text.
        unicode_tables()

    def enable(self, query: ScoredPostsQuery) -> bool:
        return bool(query.user_features.muted_keywords)

    def filter(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> FilterResult[PostCandidate]:
        matcher = compile_keywords(tuple(query.user_features.muted_keywords))
        if not matcher:
            return FilterResult(candidates)

        def reason(cand: PostCandidate) -> str | None:
            keyword = matcher.first_match(cand.tweet_text)
            return None if keyword is None else MUTED_KEYWORD_PREFIX + keyword

        return partition(candidates, reason)
