"""AuthorSocialgraphFilter (pre-scoring #10): posts by blocked or muted accounts are removed.

Both the author and, for a repost, the reposted user are checked (v1 checked the author only).
A block is reported before a mute (`blocked_author`, then `muted_author`).
"""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Filter, FilterResult, partition

BLOCKED_AUTHOR = "blocked_author"
MUTED_AUTHOR = "muted_author"


class AuthorSocialgraphFilter(Filter[ScoredPostsQuery, PostCandidate]):
    def filter(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> FilterResult[PostCandidate]:
        blocked = query.user_features.blocked_user_ids
        muted = query.user_features.muted_user_ids
        if not blocked and not muted:
            return FilterResult(candidates)

        def reason(cand: PostCandidate) -> str | None:
            people = (cand.author_id, cand.retweeted_user_id or 0)
            if any(p in blocked for p in people):
                return BLOCKED_AUTHOR
            if any(p in muted for p in people):
                return MUTED_AUTHOR
            return None

        return partition(candidates, reason)
