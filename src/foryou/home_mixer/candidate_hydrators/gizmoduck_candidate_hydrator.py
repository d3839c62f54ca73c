"""GizmoduckCandidateHydrator: author follower count and screen names, one batched UserStore lookup."""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.clients.protocols import UserReader
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Columns, Hydrator


class GizmoduckCandidateHydrator(Hydrator[ScoredPostsQuery, PostCandidate]):
    owned_fields = ("author_followers_count", "author_screen_name", "retweeted_screen_name")

    def __init__(self, users: UserReader) -> None:
        self.users = users

    async def hydrate(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> Columns[PostCandidate]:
        ids = {c.author_id for c in candidates}
        ids.update([c.retweeted_user_id for c in candidates if c.retweeted_user_id])
        ids.discard(0)
        found = await self.users.users(sorted(ids))
        # per user once: (followers, screen name or None), not per candidate
        authors = {user: (p.followers_count, p.screen_name or None) for user, p in found.items()}
        unknown = (None, None)
        rows = []
        for cand in candidates:
            followers, name = authors.get(cand.author_id, unknown)
            reposted = cand.retweeted_user_id
            rows.append((followers, name, authors.get(reposted, unknown)[1] if reposted else None))
        return Columns.from_rows(candidates, self.owned_fields, rows)
